"""Reads of the indicators app: which metrics and values belong to which report."""

import datetime as dt

from django.db.models import Q, QuerySet

from indicators.models import Metric, MetricValue


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
