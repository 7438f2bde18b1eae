"""Every answer under /api/ is JSON, in the request's language (Accept-Language), and names
no model:

- an unknown `?format=` is a 406 naming the formats the endpoint gives (DRF answered a bare
  404);
- a 404 of an object says only "Not found." (Django's "No Project matches the given query."
  named the model, in English whatever the language);
- a 429 says in one language when to try again (DRF appended an English sentence to a
  translated one);
- a path under /api/ that no view answers is a JSON 404 (the portal's handler404 and
  handler500 ask `is_api`), not the portal's HTML page.

`JsonErrorsMixin` gives the API's views these answers."""

import math

from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.renderers import JSONRenderer

UNKNOWN_FORMAT = _("Unknown format: %(format)s. This endpoint gives: %(formats)s.")
TOO_MANY = _("Too many requests. Try again in %(seconds)d s.")
API_PREFIX = "/api/"
# Formats for people (the browsable pages) and media types only named (PDF downloads) are
# not offered to clients as data formats.
UNLISTED_FORMATS = ("api",)


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


class UnknownFormat(exceptions.NotAcceptable):
    pass


class ApiContentNegotiation(DefaultContentNegotiation):
    """A `?format=` no renderer gives is a 406 that lists the formats (not a bare 404)."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            formats = [r.format for r in renderers if r.format not in UNLISTED_FORMATS]
            raise UnknownFormat(str(UNKNOWN_FORMAT) % {
                "format": format, "formats": ", ".join(dict.fromkeys(formats))})
        return matching


class Throttled(exceptions.Throttled):
    """A 429 whose text is one sentence in the request's language."""

    def __init__(self, wait=None):
        wait = None if wait is None else math.ceil(wait)
        exceptions.APIException.__init__(
            self, str(TOO_MANY) % {"seconds": wait or 0}, self.default_code)
        self.wait = wait


def api_exception_handler(exc, context):
    """DRF's handler, with a 404 that never names a model (Django's get_object_or_404 says
    "No <Model> matches the given query.", in the language of Django's catalogue). The
    API's own 404s with a reason raise DRF's NotFound, which keeps its text."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return exception_handler(exc, context)


class JsonErrorsMixin:
    """For the API's views: the negotiation, throttling and error answers above, and every
    error as JSON whatever format was asked for (also when none could be given)."""

    content_negotiation_class = ApiContentNegotiation
    json_error_formats = ("csv", "jsonstat", "pdf")

    def get_renderers(self):
        """The browsable HTML pages only for a signed-in user's browser (a session): a token
        client or a stranger whose Accept names text/html is answered in JSON."""
        renderers = super().get_renderers()
        request = getattr(self, "request", None)
        user = getattr(getattr(request, "_request", request), "user", None)
        if user is None or not user.is_authenticated:
            renderers = [r for r in renderers if not isinstance(r, BrowsableAPIRenderer)]
        return renderers

    def get_exception_handler(self):
        return api_exception_handler

    def throttled(self, request, wait):
        raise Throttled(wait)

    def finalize_response(self, request, response, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(response, Response) and response.status_code >= 400 and (
                renderer is None or renderer.format in self.json_error_formats):
            request.accepted_renderer, request.accepted_media_type = (
                JSONRenderer(), JSONRenderer.media_type)
        return super().finalize_response(request, response, *args, **kwargs)


def page_not_found(request, exception=None):
    """handler404: JSON under /api/, the portal's page elsewhere."""
    if is_api(request):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: JSON under /api/, the portal's page elsewhere."""
    if is_api(request):
        return JsonResponse({"detail": str(exceptions.APIException.default_detail)},
                            status=500)
    return defaults.server_error(request)
