"""The metric inputs of a report form: which metrics a report carries, which are due in the
month, and each input's value this month and last month."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from indicators.models import DisaggregationCategory, Metric, MetricValue
from indicators.selectors import owned_metrics
from indicators.services import is_sudden_change, metrics_due
from projects.formatting import format_number
from projects.models import Project
from projects.months import add_months
from workpackages.models import Subproject


def report_metrics(owner: Subproject | Project) -> list[Metric]:
    """Metrics a report carries: a subproject's report its own, the project's own report
    those of the goals and of the whole project (indicators.selectors.owned_metrics)."""
    is_project = isinstance(owner, Project)
    return list(
        owned_metrics(project_id=owner.pk if is_project else owner.project_id,
                      subproject_id=None if is_project else owner.pk)
        .select_related("disaggregation")
        .prefetch_related("disaggregation__categories")
        .order_by("code_sort")
    )


@dataclass
class MetricRow:
    """One input of the report form: a metric (and category) due in the month."""

    metric: Metric
    category: DisaggregationCategory | None
    value: MetricValue | None
    previous: MetricValue | None

    @property
    def key(self) -> str:
        return f"{self.metric.pk}_{self.category.pk}" if self.category else str(self.metric.pk)

    @property
    def field_name(self) -> str:
        return f"metric_{self.key}"

    @property
    def comment_field_name(self) -> str:
        return f"comment_{self.key}"

    @property
    def comment(self) -> str:
        return self.value.comment if self.value else ""

    @property
    def value_missing(self) -> bool:
        return self.value is None or (self.value.value is None and not self.value.text_value)

    @property
    def sudden_change(self) -> bool:
        return bool(self.value and self.previous) and is_sudden_change(
            self.previous.value, self.value.value
        )

    @property
    def previous_display(self) -> str:
        if not self.previous:
            return ""
        return display_value(self.metric, self.previous)


def display_value(metric: Metric, value: MetricValue | None) -> str:
    if value is None:
        return ""
    if value.value is None:
        return value.text_value
    if metric.kind == Metric.Kind.YES_NO:
        return str(_("yes")) if value.value else str(_("no"))
    if metric.kind == Metric.Kind.PHASE:
        return str(dict(Metric.PHASES).get(int(value.value), value.value))
    return f"{format_number(value.value)} {metric.unit}".strip()


def metric_rows(owner: Subproject | Project, month: dt.date, *,
                published_only: bool = False) -> list[MetricRow]:
    """The metric inputs of a report (a subproject's or the project's own) due in the month,
    with this month's and last month's values; `published_only` for a reader outside the
    project, who sees only what was approved."""
    metrics = report_metrics(owner)
    if not metrics:
        return []
    stored = MetricValue.objects.filter(published=True) if published_only else MetricValue.objects
    once_done = set(
        stored.filter(
            metric__in=[m for m in metrics if m.frequency == Metric.Frequency.ONCE],
        ).exclude(period=month).values_list("metric_id", flat=True)  # earlier or later
    )
    due = metrics_due(metrics, month, once_done)
    previous_month = add_months(month, -1)
    values = {
        (v.metric_id, v.category_id, v.period): v
        for v in stored.filter(metric__in=due, period__in=[month, previous_month])
    }
    rows = []
    for metric in due:
        categories = list(metric.disaggregation.categories.all()) if metric.disaggregation else []
        for category in categories or [None]:
            cat_id = category.pk if category else None
            rows.append(MetricRow(
                metric, category, values.get((metric.pk, cat_id, month)),
                values.get((metric.pk, cat_id, previous_month)),
            ))
    return rows
