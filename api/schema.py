"""The OpenAPI schema: the error answers every endpoint may give, the `format` parameter,
CSV bodies as text, and the documentation page (Swagger UI from our own static files, so the
strict Content-Security-Policy holds: no CDN, no inline script or style)."""

from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication

from api.authentication import ApiTokenAuthentication

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong."}},
    "additionalProperties": True,
    "description": "An error: `detail`, or per query parameter a list of messages.",
}
ERRORS = {
    "400": _("A query parameter is not valid; the body says which and why."),
    "401": _("No credentials, or an unknown or revoked token."),
    "403": _("A session without permission (e.g. a missing CSRF token)."),
    "404": _("No such object, or the reader may not see it; or an invalid cursor."),
    "412": _("If-Match did not match the current version."),
    "429": _("Too many requests: see Retry-After."),
}
CSV = {"type": "string",
       "description": "CSV (UTF-8, comma-separated, header row): one line per row, with the "
                      "fields of the JSON rows as columns; lists joined with |."}


class ApiAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        formats = [r.format for r in self.view.renderer_classes if r.format != "api"]
        if self.method == "GET" and not any(
            getattr(p, "name", None) == "format" for p in parameters
        ):
            parameters.append(OpenApiParameter(
                "format", str, enum=formats, description=str(_(
                    "Output format; JSON unless asked. CSV of a list holds every row of the "
                    "selection (no pages), streamed."))))
        if "{id}" in self.path:
            parameters.append(OpenApiParameter(
                "id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH,
                description=str(_("Stable id of the row."))))
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for response in responses.values():
            content = response.get("content", {})
            if "text/csv" in content:
                content["text/csv"] = {"schema": CSV}
        if self.method == "GET":
            responses.setdefault("304", {"description": str(_(
                "Not modified: the ETag (If-None-Match) or Last-Modified (If-Modified-Since) "
                "still holds."))})
            for code, description in ERRORS.items():
                responses.setdefault(code, {
                    "description": str(description),
                    "content": {"application/json": {"schema": ERROR}},
                })
        return responses


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI served from /static/vendor/swagger-ui (the npm package swagger-ui-dist)."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "sote-portal API"

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"vendor/swagger-ui/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return static("vendor/swagger-ui/favicon-32x32.png")
