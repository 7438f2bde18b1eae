"""Metrics against their targets: the cards of the project, work package and subproject
pages and the rows of the national comparison, judged by dashboards.progress."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from dashboards import progress as progress_rules
from indicators.models import Metric, MetricTarget, MetricValue
from indicators.selectors import ContextSeries, context_by_metric
from projects.months import month_range


@dataclass
class MetricCard:
    metric: Metric
    target: MetricTarget | None
    series: dict[dt.date, Decimal]
    progress: progress_rules.Progress
    axis: list[dt.date]          # the chart's months: first value to the month or target date
    context: ContextSeries | None = None  # the Sotkanet indicator beside it, if it names one

    @property
    def points(self) -> list[tuple[int, float]]:
        """(index on the axis, value) of the series: the chart's line."""
        index = {m: i for i, m in enumerate(self.axis)}
        return [(index[p], float(v)) for p, v in self.series.items() if p in index]

    @property
    def baseline_value(self) -> float | None:
        value = self.target.baseline_value if self.target else None
        return None if value is None else float(value)

    @property
    def target_value(self) -> float | None:
        value = self.target.target_value if self.target else None
        return None if value is None else float(value)


def _axis(series: dict, target: MetricTarget | None, month: dt.date) -> list[dt.date]:
    """From the first value to the later of the month and the target date."""
    first = next(iter(series), month)
    last = month
    if target and target.target_date:
        last = max(month, target.target_date.replace(day=1))
    return month_range(min(first, month), last)


def targets_by_metric(metric_ids, month: dt.date) -> dict[int, MetricTarget]:
    """The target valid in the month of each metric: one query."""
    targets: dict[int, MetricTarget] = {}
    for target in MetricTarget.objects.filter(
        metric_id__in=metric_ids, effective_from__lte=month
    ).order_by("metric_id", "-effective_from"):
        targets.setdefault(target.metric_id, target)
    return targets


def values_by_metric(metric_ids, month: dt.date, first: dt.date | None = None) -> dict:
    """metric id -> [(period, category id, value)] of the published values up to the month
    (from `first` on when given): one query."""
    rows: dict[int, list] = defaultdict(list)
    values = MetricValue.objects.filter(metric_id__in=metric_ids, period__lte=month,
                                        value__isnull=False, published=True)
    if first is not None:
        values = values.filter(period__gte=first)
    for metric_id, period, category_id, value in values.order_by().values_list(
        "metric_id", "period", "category_id", "value"
    ):
        rows[metric_id].append((period, category_id, value))
    return rows


# Years of the Sotkanet context shown beside a card.
CONTEXT_YEARS = 5


def card(metric: Metric, target: MetricTarget | None, rows, month: dt.date,
         context: ContextSeries | None = None) -> MetricCard:
    """One metric's monthly series, its target and the verdict of progress.judge."""
    series = progress_rules.monthly_series(metric.kind, rows)
    verdict = progress_rules.judge(
        series=series, month=month,
        baseline=target.baseline_value if target else None,
        target=target.target_value if target else None,
        target_date=target.target_date if target else None, direction=metric.direction,
    )
    return MetricCard(metric, target, series, verdict, _axis(series, target, month), context)


def metric_cards(metrics_q: Q, month: dt.date) -> list[MetricCard]:
    """Cards for the metrics matching the filter: the monthly series up to the month, the
    target valid in the month and the verdict of dashboards.progress.judge. A metric with
    neither a value nor a target has nothing to show and is left out (as in the monthly PDF).
    A card of a metric that names a Sotkanet indicator carries its context series. Three
    queries, and three more when a metric names a Sotkanet indicator."""
    metrics = list(
        Metric.objects.filter(metrics_q).exclude(kind=Metric.Kind.TEXT)
        .distinct().order_by("code_sort")
    )
    ids = [m.pk for m in metrics]
    targets = targets_by_metric(ids, month)
    values = values_by_metric(ids, month)
    contexts = context_by_metric([m.pk for m in metrics if m.sotkanet_indicator],
                                 last_years=CONTEXT_YEARS)
    return [card(m, targets.get(m.pk), values.get(m.pk, []), month, contexts.get(m.pk))
            for m in metrics if m.pk in targets or m.pk in values]
