"""Reads of the indicators app: which metrics and values belong to which report."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet

from indicators.models import Metric, MetricValue, SotkanetIndicator, SotkanetValue


def owned_metrics_q(*, project_id: int, subproject_id: int | None, prefix: str = "") -> Q:
    """The metrics a report carries: a subproject's report its own metrics, the project's
    report (subproject None) every metric of the project not tied to a subproject. So each
    value belongs to exactly one report."""
    if subproject_id is not None:
        return Q(**{f"{prefix}subproject_id": subproject_id})
    return Q(**{f"{prefix}project_id": project_id, f"{prefix}subproject__isnull": True})


def owned_metrics(*, project_id: int, subproject_id: int | None) -> QuerySet[Metric]:
    return Metric.objects.filter(
        owned_metrics_q(project_id=project_id, subproject_id=subproject_id)
    )


def report_values(*, project_id: int, subproject_id: int | None,
                  period: dt.date) -> QuerySet[MetricValue]:
    """The values of one report: its metrics' values for its month."""
    return MetricValue.objects.filter(
        owned_metrics_q(project_id=project_id, subproject_id=subproject_id, prefix="metric__"),
        period=period,
    )


@dataclass(frozen=True)
class ContextSeries:
    """A metric's Sotkanet context: the indicator (None until first fetched), the Sotkanet
    region of the project's county (None when not mapped) and per year the county's and the
    whole country's value."""

    metric_id: int
    indicator_id: int
    indicator: SotkanetIndicator | None
    county_region_id: int | None
    county_name: str
    rows: list[tuple[int, Decimal | None, Decimal | None]]

    @property
    def latest(self) -> tuple[int, Decimal | None, Decimal | None] | None:
        return self.rows[-1] if self.rows else None


def context_by_metric(metric_ids, *, last_years: int | None = None) -> dict[int, ContextSeries]:
    """metric id -> its ContextSeries, for the metrics that name a Sotkanet indicator (the
    last `last_years` years when given). Three queries."""
    country = settings.SOTKANET_COUNTRY_REGION
    metrics = list(Metric.objects.filter(pk__in=list(metric_ids), sotkanet_indicator__isnull=False)
                   .values_list("pk", "sotkanet_indicator", "project__region__sotkanet_region_id",
                                "project__region__name"))
    if not metrics:
        return {}
    indicators = {i.indicator_id: i for i in SotkanetIndicator.objects.filter(
        indicator_id__in={m[1] for m in metrics})}
    values: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    regions = {m[2] for m in metrics if m[2] is not None} | {country}
    for indicator_id, region_id, year, value in SotkanetValue.objects.filter(
        indicator__indicator_id__in=list(indicators), region_id__in=regions, gender="total",
    ).values_list("indicator__indicator_id", "region_id", "year", "value"):
        values[(indicator_id, region_id)][year] = value
    result = {}
    for metric_id, indicator_id, region_id, region_name in metrics:
        county = values.get((indicator_id, region_id), {}) if region_id is not None else {}
        whole = values.get((indicator_id, country), {})
        years = sorted(set(county) | set(whole))
        if last_years:
            years = years[-last_years:]
        result[metric_id] = ContextSeries(
            metric_id=metric_id, indicator_id=indicator_id,
            indicator=indicators.get(indicator_id), county_region_id=region_id,
            county_name=region_name or "",
            rows=[(year, county.get(year), whole.get(year)) for year in years])
    return result
