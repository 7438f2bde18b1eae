"""Metric values: JSON pages, the whole selection as CSV, JSON or JSON-stat, all through the
fast path of api.exports (no serializer per row)."""

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from api import exports, filtersets, jsonstat, selectors
from api.conditional import not_modified
from api.pagination import LargeCursorPagination
from api.renderers import CSVRenderer, JSONRenderer, JSONStatRenderer, csv_dialect
from api.serializers.values import (
    JsonStatDatasetSerializer,
    MetricValuePageSerializer,
    MetricValueSerializer,
    ValueWithdrawalSerializer,
)
from api.viewsets import ReadOnlyApiViewSet, csv_response, stream_response

JSONSTAT_PARAMETERS = [
    OpenApiParameter("lang", str, enum=list(jsonstat.LANGUAGES), description=_(
        "JSON-stat only: language of the labels (default: the request's language).")),
    OpenApiParameter("geo", str, enum=list(jsonstat.GROUPINGS), description=_(
        "JSON-stat only: the grouping: region (default: metric × region × period × category) "
        "or project (metric × project × region × period × category).")),
]
CSV_RESPONSE = {"type": "string", "description": "CSV with the columns of the JSON rows."}


class MetricValueViewSet(ReadOnlyApiViewSet):
    serializer_class = MetricValueSerializer
    filterset_class = filtersets.MetricValueFilterSet
    pagination_class = LargeCursorPagination
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, JSONStatRenderer]

    def get_queryset(self):
        return selectors.metric_values(self.request)

    def newest_removal(self):
        return selectors.newest_withdrawal(self.request)

    def validator_extra(self) -> str:
        return selectors.value_references_stamp()

    def extra_query_parameters(self) -> list:
        return JSONSTAT_PARAMETERS if self.action == "list" else []

    def _jsonstat_options(self) -> tuple[str, str]:
        """`lang` and `geo`, checked whatever the format (the schema gives them as enums)."""
        params = self.request.query_params
        lang = params.get("lang") or (get_language() or "fi")[:2]
        if not params.get("lang") and lang not in jsonstat.LANGUAGES:
            lang = "fi"
        geo = params.get("geo") or "region"
        errors = {}
        if lang not in jsonstat.LANGUAGES:
            errors["lang"] = [_("Choose fi, sv or en.")]
        if geo not in jsonstat.GROUPINGS:
            errors["geo"] = [_("Choose region or project.")]
        if errors:
            raise ValidationError(errors)
        return lang, geo

    @extend_schema(
        summary="List metric values",
        description=(
            "Values of the metrics the reader may see: members of a project see every value "
            "of it, national viewers and API clients the published values — exactly those of "
            "approved reports. A value is published when its report is approved "
            "(its updated_at is then the approval time) and withdrawn when the report is "
            "reopened: see metric-value-withdrawals for incremental pulls. JSON "
            "comes in pages of up to 10,000 rows; `format=csv` streams every row of the "
            "selection; `format=jsonstat` gives the selection as one JSON-stat 2.0 dataset."
        ),
        responses={
            (200, "application/json"): OpenApiResponse(PolymorphicProxySerializer(
                component_name="MetricValuePageOrJsonStat",
                serializers=[MetricValuePageSerializer, JsonStatDatasetSerializer],
                resource_type_field_name=None, many=False,
            )),
            (200, "text/csv"): CSV_RESPONSE,
        },
    )
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        fmt = request.accepted_renderer.format
        options = self._jsonstat_options()
        self.check_page_size()
        validators = self.validators(queryset)
        if (response := not_modified(request, validators)) is not None:
            return response
        if fmt == "csv":
            return csv_response(request, exports.stream_csv(queryset, csv_dialect(request)),
                                "metric-values", validators)
        if fmt == "jsonstat":
            lang, geo = options
            return Response(jsonstat.dataset(queryset, geo=geo, lang=lang,
                                             updated=validators.last_modified))
        page = self.paginate_queryset(exports.value_dicts(queryset))
        return self.get_paginated_response(exports.page_rows(page))

    @extend_schema(summary="One metric value", responses={200: MetricValueSerializer})
    def retrieve(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            csv_dialect(request)  # a 400 for an unknown dialect
        queryset = self.get_queryset().filter(pk=self.kwargs["pk"])
        rows = exports.page_rows(list(exports.value_dicts(queryset)))
        if not rows:
            raise Http404  # before the validators: no 304 or 412 for what does not exist
        validators = self.validators(queryset)
        if (response := not_modified(request, validators)) is not None:
            return response
        return Response(rows[0])

    @extend_schema(
        summary="Export metric values",
        description=(
            "Every value of the selection (same filters as the list) in one streamed "
            "response: a JSON array of rows, or CSV with `format=csv`. Memory stays flat "
            "on both sides, so a national pull needs no paging."
        ),
        responses={
            (200, "application/json"): MetricValueSerializer(many=True),
            (200, "text/csv"): CSV_RESPONSE,
        },
    )
    @action(detail=False, url_path="export", pagination_class=None,
            renderer_classes=[JSONRenderer, CSVRenderer])
    def export(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        validators = self.validators(queryset)
        if (response := not_modified(request, validators)) is not None:
            return response
        if request.accepted_renderer.format == "csv":
            return csv_response(request, exports.stream_csv(queryset, csv_dialect(request)),
                                "metric-values", validators)
        return stream_response(request, exports.stream_json(queryset), "application/json",
                               validators)



@extend_schema_view(
    list=extend_schema(summary="List withdrawn metric values", description=(
        "Published values withdrawn from national readers because their report was reopened "
        "for corrections, newest last. With updated_since, an incremental reader learns which "
        "rows to delete since its last pull; a value published again later appears in "
        "metric-values with a later updated_at.")),
    retrieve=extend_schema(summary="One withdrawn metric value"),
)
class ValueWithdrawalViewSet(ReadOnlyApiViewSet):
    """Published values withdrawn from national readers because their report was reopened;
    with `updated_since`, an incremental reader learns what to delete since its last pull."""

    serializer_class = ValueWithdrawalSerializer
    filterset_class = filtersets.ValueWithdrawalFilterSet

    def get_queryset(self):
        return selectors.value_withdrawals(self.request)
