"""The status light the report form proposes for a subproject's month."""

import datetime as dt

from indicators.models import Metric
from reports.models import MonthlyReport, StatusLight
from reports.selectors.form_rows import report_metrics
from workpackages.models import Subproject


def _months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def schedule_share(subproject: Subproject, month: dt.date) -> float | None:
    """Share of the planned work that should be done by the end of the month: the elapsed
    activity-months over all activity-months (or of the subproject's own months)."""
    spans = [(a.start_month, a.end_month) for a in subproject.activities.all()]
    if not spans and subproject.start_month and subproject.end_month:
        spans = [(subproject.start_month, subproject.end_month)]
    total = sum(_months_between(start, end) for start, end in spans)
    if not total:
        return None
    elapsed = sum(
        _months_between(start, min(end, month)) for start, end in spans if start <= month
    )
    return elapsed / total


def metric_path_share(metric: Metric, month: dt.date) -> float | None:
    """How far the latest value is along the path from baseline to the target valid in the
    month, relative to how far it should be by then (1.0 = on the path)."""
    target = (
        metric.targets.filter(effective_from__lte=month).order_by("-effective_from").first()
    )
    if not target or None in (target.baseline_value, target.target_value,
                              target.baseline_date, target.target_date):
        return None
    latest = (
        metric.values.filter(period__lte=month, category=None, value__isnull=False)
        .order_by("-period").first()
    )
    if latest is None:
        return None
    span = (target.target_date - target.baseline_date).days
    elapsed = min(max((month - target.baseline_date).days, 0), span)
    expected_gain = (target.target_value - target.baseline_value) * elapsed / span
    if expected_gain == 0:
        return None
    return float((latest.value - target.baseline_value) / expected_gain)


def suggested_light(subproject: Subproject, month: dt.date) -> str:
    """The light the form proposes.

    grey: not started (flagged "alkaa myöhemmin" or before its start month);
    blue: past its planned end month;
    otherwise the worse of two checks —
      schedule: last month's reported progress against the share of planned activity-months
      elapsed (10+ points behind → yellow, 25+ → red);
      metrics: each metric with a target, its latest value against the straight path from
      baseline to target (below 80 % of the expected gain → yellow, below 50 % → red)."""
    if subproject.starts_later or (subproject.start_month and month < subproject.start_month):
        return StatusLight.GREY
    if subproject.end_month and month > subproject.end_month:
        return StatusLight.BLUE
    severity = 0
    expected = schedule_share(subproject, month)
    last = (
        MonthlyReport.objects.filter(subproject=subproject, period__lt=month,
                                     progress__isnull=False)
        .order_by("-period").values_list("progress", flat=True).first()
    )
    if expected is not None and last is not None:
        behind = expected * 100 - last
        severity = max(severity, 2 if behind >= 25 else 1 if behind >= 10 else 0)
    for metric in report_metrics(subproject):
        share = metric_path_share(metric, month)
        if share is None:
            continue
        severity = max(severity, 2 if share < 0.5 else 1 if share < 0.8 else 0)
    return [StatusLight.GREEN, StatusLight.YELLOW, StatusLight.RED][severity]
