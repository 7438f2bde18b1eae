"""/api/v1/context/: the Sotkanet context of the metrics the reader may see, as JSON pages
or (`format=jsonstat`) the whole selection as one JSON-stat 2.0 dataset."""

import datetime as dt

from django.db.models import Max
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from api import filtersets, jsonstat, selectors
from api.conditional import Validators, not_modified, validators_for
from api.renderers import CSVRenderer, JSONRenderer, JSONStatRenderer, csv_dialect, csv_lines
from api.serializers.context import ContextPageSerializer, ContextSerializer
from api.serializers.values import JsonStatDatasetSerializer
from api.viewsets import ReadOnlyApiViewSet, csv_response
from indicators.models import SOTKANET_LICENCE, SOTKANET_SOURCE, SotkanetIndicator
from indicators.selectors import context_by_metric

COUNTRY = "SSS"  # Statistics Finland's code of the whole country ("KOKO MAA")
LANG_PARAMETER = OpenApiParameter("lang", str, enum=list(jsonstat.LANGUAGES), description=gettext_lazy(
    "Language of the indicator names and JSON-stat labels (default: the request's language)."))


def _lang(request) -> str:
    lang = request.query_params.get("lang")
    if lang is None:
        lang = (get_language() or "fi")[:2]
        return lang if lang in jsonstat.LANGUAGES else "fi"
    if lang not in jsonstat.LANGUAGES:
        raise ValidationError({"lang": [_("Choose fi, sv or en.")]})
    return lang


def context_rows(metrics, lang: str) -> list[dict]:
    """One plain row per metric (ContextSerializer's fields). Four queries."""
    contexts = context_by_metric([m.pk for m in metrics])
    rows = []
    for metric in metrics:
        context = contexts.get(metric.pk)
        indicator = context.indicator if context else None
        values = []
        for year, county, country in context.rows if context else []:
            if county is not None:
                values.append({"year": year, "area": "county",
                               "sotkanet_region": context.county_region_id, "value": county})
            if country is not None:
                values.append({"year": year, "area": "country",
                               "sotkanet_region": selectors.sotkanet_country(),
                               "value": country})
        rows.append({
            "id": metric.pk, "metric_code": metric.code, "project_id": metric.project_id,
            "project_code": metric.project.code, "region_code": metric.project.region.code,
            "indicator": metric.sotkanet_indicator,
            "indicator_title": indicator.title_in(lang) if indicator else "",
            "unit": indicator.unit if indicator else "",
            "decimals": indicator.decimals if indicator else None,
            "source": SOTKANET_SOURCE, "licence": SOTKANET_LICENCE,
            "fetched_at": indicator.fetched_at if indicator else None,
            "failed_at": indicator.failed_at if indicator else None,
            "county_sotkanet_region": context.county_region_id if context else None,
            "values": values,
        })
    return rows


CSV_FIELDS = ["id", "metric_code", "project_code", "region_code", "indicator", "indicator_title",
              "unit", "year", "area", "sotkanet_region", "value", "source", "licence",
              "fetched_at"]


def csv_rows(rows: list[dict]) -> list[dict]:
    """One CSV row per value: the metric's columns repeated beside each year and area."""
    flat = []
    for row in rows:
        fetched = row["fetched_at"]
        common = {**row, "fetched_at": fetched.astimezone(dt.UTC).isoformat().replace(
            "+00:00", "Z") if fetched else None}
        flat += [{**common, **value, "value": float(value["value"])} for value in row["values"]]
    return flat


def context_dataset(metrics, rows: list[dict], lang: str) -> dict:
    """The rows as a JSON-stat cube metric × region (county, whole country) × year."""
    by_id = {m.pk: m for m in metrics}
    metric_key = {row["id"]: f"{row['project_code']}:{row['metric_code']}" for row in rows}
    regions, cells, years = {}, {}, set()
    with override(lang):
        country_label = _("Whole country")
        for row in rows:
            region = by_id[row["id"]].project.region
            # coded and labelled as in the metric values' cube (HVA14), so the two join
            county = {"code": region.code, "name": region.name, "name_sv": region.name_sv,
                      "wellbeing_county": region.wellbeing_county}
            for value in row["values"]:
                code = jsonstat.region_key(county) if value["area"] == "county" else COUNTRY
                regions[code] = (jsonstat.region_label(county, lang)
                                 if value["area"] == "county" else country_label)
                years.add(str(value["year"]))
                cells[(metric_key[row["id"]], code, str(value["year"]))] = float(value["value"])
        metric_keys = [metric_key[row["id"]] for row in rows]
        region_keys = sorted(k for k in regions if k != COUNTRY) + (
            [COUNTRY] if COUNTRY in regions else [])
        dimensions = [
            ("metric", _("Metric"), metric_keys,
             {metric_key[r["id"]]: f"{r['metric_code']} {r['indicator_title']}".strip()
              for r in rows},
             {"unit": {metric_key[r["id"]]: {
                 "label": r["unit"], "decimals": r["decimals"] if r["decimals"] is not None
                 else 1} for r in rows}}),
            ("region", _("Region"), region_keys, regions, {}),
            ("year", _("Year"), sorted(years), {y: y for y in years}, {}),
        ]
        fetched = [r["fetched_at"] for r in rows if r["fetched_at"]]
        return jsonstat.cube(
            label=_("Sotkanet context of the metrics"), dimensions=dimensions, cells=cells,
            role={"time": ["year"], "geo": ["region"], "metric": ["metric"]}, lang=lang,
            empty_label=_("No values"),
            source=f"{SOTKANET_SOURCE} ({SOTKANET_LICENCE})",
            updated=max(fetched) if fetched else None)


class ContextViewSet(ReadOnlyApiViewSet):
    """The Sotkanet context of each metric that names a Sotkanet indicator."""

    serializer_class = ContextSerializer
    filterset_class = filtersets.ContextFilterSet
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, JSONStatRenderer]

    def get_queryset(self):
        return selectors.context_metrics(self.request)

    def extra_query_parameters(self) -> list:
        return [LANG_PARAMETER] if self.action == "list" else []

    def validators(self, queryset) -> Validators:
        """Dated by the metrics, their projects and regions (codes, names and the region's
        Sotkanet county, which picks the county's values) and by the newest fetch of their
        indicators: a new fetch changes the answer without touching a metric."""
        fetched = SotkanetIndicator.objects.filter(
            indicator_id__in=queryset.values("sotkanet_indicator")
        ).aggregate(newest=Max("updated_at"))["newest"]
        validators = validators_for(self.request, queryset, nested=("project", "project__region"),
                                    extra=str(fetched))
        if fetched is not None and (validators.last_modified is None
                                    or fetched > validators.last_modified):
            validators.last_modified = fetched
        self._validators = validators
        return validators

    @extend_schema(
        summary="List the Sotkanet context of metrics",
        description=(
            "For each metric that names a THL Sotkanet indicator: the indicator's yearly "
            "values for the project's wellbeing services county and the whole country, as "
            "last fetched from Sotkanet (weekly), with the source (THL, Sotkanet), the "
            "licence (CC BY 4.0) and the fetch time. `format=csv` gives one row per value, "
            "`format=jsonstat` the whole selection as one JSON-stat 2.0 dataset (metric × "
            "region × year)."
        ),
        responses={
            (200, "application/json"): OpenApiResponse(PolymorphicProxySerializer(
                component_name="ContextPageOrJsonStat",
                serializers=[ContextPageSerializer, JsonStatDatasetSerializer],
                resource_type_field_name=None, many=False)),
            (200, "text/csv"): {"type": "string", "description": "CSV, one row per value."},
        },
    )
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        lang = _lang(request)
        self.check_page_size()
        validators = self.validators(queryset)
        if (response := not_modified(request, validators)) is not None:
            return response
        fmt = request.accepted_renderer.format
        if fmt == "csv":
            rows = csv_rows(context_rows(list(queryset.order_by("id")), lang))
            return csv_response(request, csv_lines(CSV_FIELDS, [rows], csv_dialect(request)),
                                "context", validators)
        if fmt == "jsonstat":
            metrics = list(queryset.order_by("project__code", "code_sort"))
            return Response(context_dataset(metrics, context_rows(metrics, lang), lang))
        page = self.paginate_queryset(queryset)
        rows = context_rows(page, lang)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(summary="The Sotkanet context of one metric")
    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        validators = self.validators(self.get_queryset().filter(pk=instance.pk))
        if (response := not_modified(request, validators)) is not None:
            return response
        lang = (get_language() or "fi")[:2]
        return Response(self.get_serializer(context_rows([instance], lang)[0]).data)
