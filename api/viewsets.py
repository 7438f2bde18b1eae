"""The base of every endpoint: read-only, authenticated by token or session, throttled,
cursor-paginated JSON, streamed CSV, and conditional GET.

Everything is configured here per view. settings.REST_FRAMEWORK holds only defaults for a
DRF view that sets none of its own: the schema class and, so that a view which forgets
still refuses strangers, session login and signed-in readers only."""

from django.http import HttpResponse, StreamingHttpResponse
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from api.authentication import ApiTokenAuthentication
from api.conditional import Validators, not_modified, validators_for
from api.errors import JsonErrorsMixin
from api.pagination import ApiCursorPagination
from api.renderers import CSVRenderer, JSONRenderer, batched, csv_dialect, csv_lines
from api.schema import ApiAutoSchema
from api.strict import StrictFilterBackend, parameter_errors
from api.throttling import ApiRateThrottle

CSV_CHUNK = 1000
MAX_ID = 2**63 - 1


def stream_response(request, chunks, content_type: str, validators: Validators,
                    filename: str = "") -> HttpResponse:
    """A streamed body (headers only for HEAD)."""
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
    else:
        response = StreamingHttpResponse(chunks, content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    validators.apply(response)
    return response


def csv_response(request, chunks, name: str, validators: Validators) -> HttpResponse:
    return stream_response(request, chunks, "text/csv; charset=utf-8", validators, f"{name}.csv")


class ReadOnlyApiViewSet(JsonErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """A list and a detail endpoint over `get_queryset()`, which subclasses scope to what
    the reader may see (api.access); an object outside it is a 404. A list refuses a
    parameter, code or range it does not know (api.strict)."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [ApiRateThrottle]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    pagination_class = ApiCursorPagination
    filter_backends = [StrictFilterBackend]
    schema = ApiAutoSchema()
    lookup_value_regex = r"[0-9]+"
    # Lookups of nested rows whose updated_at dates the response, and of nested rows
    # without updated_at whose count does.
    nested: tuple[str, ...] = ()
    counted: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        pk = kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if pk is not None and (len(pk) > len(str(MAX_ID)) or int(pk) > MAX_ID):
            raise NotFound()  # no row has it; the database could not even compare it
        if self.detail and (errors := parameter_errors(request, self, detail=True)):
            raise ValidationError(errors)  # a list checks its parameters in its filters

    def filter_queryset(self, queryset):
        """The filters narrow lists; a detail endpoint answers for its id alone (its schema
        takes no filters, so none can make it a 400)."""
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def check_page_size(self) -> None:
        """A 400 for an invalid page_size whatever the format (CSV and JSON-stat are not
        paged, but the parameter is checked alike)."""
        if self.paginator is not None:
            self.paginator.get_page_size(self.request)

    def newest_removal(self):
        """When a row last left what the reader sees without a change time of its own (a
        reopened report, a withdrawn value), or None. It also dates the response, so the
        newest row getting older never answers If-Modified-Since with a 304."""
        return None

    def validator_extra(self) -> str:
        """What else the response's bytes depend on (e.g. the rows its labels come from)."""
        return ""

    def validators(self, queryset) -> Validators:
        removed = self.newest_removal()
        validators = validators_for(self.request, queryset, nested=self.nested,
                                    counted=self.counted,
                                    extra=f"{removed}|{self.validator_extra()}")
        if removed is not None and (validators.last_modified is None
                                    or removed > validators.last_modified):
            validators.last_modified = removed
        self._validators = validators
        return validators

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        self.check_page_size()
        validators = self.validators(queryset)
        if (response := not_modified(request, validators)) is not None:
            return response
        if request.accepted_renderer.format == "csv":
            return self.csv_list(queryset, validators)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def extra_query_parameters(self) -> list:
        """OpenApiParameters of the action beyond its filters, pages, format and dialect
        (api.strict takes them, api.schema lists them)."""
        return []

    def retrieve(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            csv_dialect(request)  # a 400 for an unknown dialect
        instance = self.get_object()
        validators = self.validators(self.get_queryset().filter(pk=instance.pk))
        if (response := not_modified(request, validators)) is not None:
            return response
        return Response(self.get_serializer(instance).data)

    def csv_list(self, queryset, validators: Validators) -> HttpResponse:
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        fields = list(serializer_class().fields)
        rows = queryset.order_by("id").iterator(chunk_size=CSV_CHUNK)
        chunks = csv_lines(fields, (
            serializer_class(batch, many=True, context=context).data
            for batch in batched(rows, CSV_CHUNK)
        ), csv_dialect(self.request))
        return csv_response(self.request, chunks, self.basename, validators)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        validators = getattr(self, "_validators", None)
        if validators is not None and response.status_code == 200 and "ETag" not in response:
            validators.apply(response)
        return response
