"""Reads of the reports app: periods, deadlines, completeness, report queues."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import DisaggregationCategory, Metric, MetricValue
from indicators.selectors import owned_metrics
from indicators.services import is_sudden_change, metrics_due
from projects import permissions
from projects.models import Project
from projects.months import add_months
from reports.models import (
    GeneratedDocument,
    MonthlyReport,
    ReportEvent,
    ReportingPeriod,
    StatusLight,
)
from workpackages.models import Subproject

REPORTED_STATES = (MonthlyReport.State.SUBMITTED, MonthlyReport.State.APPROVED)


def default_deadline(month: dt.date) -> dt.date:
    """A month's reports are due on REPORTING_DEADLINE_DAY of the following month."""
    return add_months(month, 1).replace(day=settings.REPORTING_DEADLINE_DAY)


def deadline_for(project: Project, month: dt.date) -> dt.date:
    period = ReportingPeriod.objects.filter(project=project, month=month).first()
    return period.deadline if period else default_deadline(month)


def current_period(project: Project) -> ReportingPeriod | None:
    """The project's latest open reporting period (None when none is open)."""
    return (
        ReportingPeriod.objects.filter(project=project, closed_at__isnull=True)
        .order_by("-month").first()
    )


def reportable_subprojects(project_ids, month: dt.date) -> QuerySet[Subproject]:
    """Subprojects expected to report for the month: planned to run then and started."""
    return Subproject.objects.filter(project_id__in=project_ids, starts_later=False).active_in(
        month
    )


@dataclass
class Completeness:
    """Reporting rate of a project for a month, as DHIS2 counts it."""

    project_id: int
    month: dt.date
    deadline: dt.date
    expected: int = 0
    reported: int = 0
    approved: int = 0
    on_time: int = 0
    late_subproject_ids: list[int] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 0.0

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.expected if self.expected else 0.0

    @property
    def is_overdue(self) -> bool:
        return timezone.localdate() > self.deadline and self.missing > 0


def completeness(project_ids, month: dt.date) -> dict[int, Completeness]:
    """Completeness per project for one month, in a fixed number of queries."""
    project_ids = list(project_ids)
    deadlines = dict(
        ReportingPeriod.objects.filter(project_id__in=project_ids, month=month).values_list(
            "project_id", "deadline"
        )
    )
    result = {
        pid: Completeness(pid, month, deadlines.get(pid) or default_deadline(month))
        for pid in project_ids
    }
    expected = reportable_subprojects(project_ids, month)
    for pid, count in expected.values_list("project_id").annotate(n=Count("id")):
        result[pid].expected = count
    reports = MonthlyReport.objects.filter(subproject__in=expected, period=month).values_list(
        "subproject_id", "subproject__project_id", "state", "submitted_at"
    )
    reported_ids = set()
    for sub_id, pid, state, submitted_at in reports:
        entry = result[pid]
        if state in REPORTED_STATES:
            reported_ids.add(sub_id)
            entry.reported += 1
            if state == MonthlyReport.State.APPROVED:
                entry.approved += 1
            if submitted_at is None or timezone.localdate(submitted_at) <= entry.deadline:
                entry.on_time += 1
    today = timezone.localdate()
    for sub_id, pid in expected.values_list("id", "project_id"):
        if sub_id not in reported_ids and today > result[pid].deadline:
            result[pid].late_subproject_ids.append(sub_id)
    return result


def status_counts(project_ids, month: dt.date) -> dict[int, dict[str, int]]:
    """Per project, how many reports of the month have each status light."""
    counts: dict[int, dict[str, int]] = {pid: {} for pid in project_ids}
    rows = (
        MonthlyReport.objects.filter(project_id__in=list(project_ids), period=month)
        .exclude(light="")
        .values_list("project_id", "light")
        .annotate(n=Count("id"))
    )
    for pid, light, n in rows:
        counts[pid][light] = n
    return counts


def review_queue(project: Project) -> QuerySet[MonthlyReport]:
    """Submitted reports waiting for the manager, oldest first."""
    return (
        MonthlyReport.objects.filter(project=project, subproject__isnull=False,
                                     state=MonthlyReport.State.SUBMITTED)
        .select_related("subproject", "subproject__work_package")
        .order_by("submitted_at")
    )


# --- The report form -------------------------------------------------------------------


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
    number = value.value.normalize()
    text = f"{number:f}".replace(".", ",")
    return f"{text} {metric.unit}".strip()


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
            period__lt=month,
        ).values_list("metric_id", flat=True)
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


# --- Suggested status light -------------------------------------------------------------


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


# --- Lists of reports -------------------------------------------------------------------


@dataclass
class MyReportRow:
    subproject: Subproject
    month: dt.date
    deadline: dt.date
    report: MonthlyReport | None

    @property
    def state(self) -> str:
        return self.report.state if self.report else "not_started"

    @property
    def is_late(self) -> bool:
        done = self.report and self.report.state in REPORTED_STATES
        return not done and timezone.localdate() > self.deadline


def my_reports(user) -> list[MyReportRow]:
    """The current period's reports of the subprojects the user is responsible for."""
    subprojects = list(
        Subproject.objects.filter(responsible_people__user=user, starts_later=False)
        .select_related("project", "work_package")
        .order_by("project__code", "code_sort")
    )
    periods = {
        p.project_id: p
        for p in ReportingPeriod.objects.filter(
            project__in={s.project_id for s in subprojects}, closed_at__isnull=True
        ).order_by("month")
    }  # the latest open period of each project wins
    wanted = [(s, periods[s.project_id]) for s in subprojects if s.project_id in periods]
    wanted = [
        (s, p) for s, p in wanted
        if (s.start_month is None or s.start_month <= p.month)
        and (s.end_month is None or s.end_month >= p.month)
    ]
    reports = {
        (r.subproject_id, r.period): r
        for r in MonthlyReport.objects.filter(
            subproject__in=[s for s, _ in wanted], period__in={p.month for _, p in wanted}
        )
    }
    return [
        MyReportRow(s, p.month, p.deadline, reports.get((s.pk, p.month))) for s, p in wanted
    ]


def report_history(report: MonthlyReport) -> QuerySet[ReportEvent]:
    return report.events.select_related("user").order_by("-at", "-id")


# --- Getters that check access ----------------------------------------------------------


def get_visible_subproject(user, pk) -> Subproject:
    """The subproject if the user may read its project; 404 otherwise."""
    queryset = permissions.scope_by_project(
        user, Subproject.objects.select_related("project", "work_package")
    )
    return get_object_or_404(queryset, pk=pk)


def get_visible_report(user, pk) -> MonthlyReport:
    """The report if the user may read it; 404 otherwise."""
    queryset = permissions.scope_reports(
        user, MonthlyReport.objects.select_related("subproject", "subproject__project")
    )
    return get_object_or_404(queryset, pk=pk)


def report_for(owner: Subproject | Project, month: dt.date) -> MonthlyReport | None:
    """The month's report of a subproject, or the project's own report (owner a project)."""
    if isinstance(owner, Project):
        return MonthlyReport.objects.filter(project=owner, subproject=None, period=month).first()
    return MonthlyReport.objects.filter(subproject=owner, period=month).first()


def has_previous_report(subproject: Subproject, month: dt.date) -> bool:
    return MonthlyReport.objects.filter(subproject=subproject, period__lt=month).exists()


@dataclass
class CompletenessRow:
    subproject: Subproject
    report: MonthlyReport | None
    late: bool


def completeness_rows(project: Project, month: dt.date) -> list[CompletenessRow]:
    """Every subproject expected to report in the month, with its report and lateness."""
    deadline = deadline_for(project, month)
    subprojects = list(
        reportable_subprojects([project.pk], month)
        .select_related("work_package").prefetch_related("responsible_people")
        .order_by("work_package__code_sort", "code_sort")
    )
    reports = {
        r.subproject_id: r
        for r in MonthlyReport.objects.filter(subproject__in=subprojects, period=month)
    }
    today = timezone.localdate()
    rows = []
    for sub in subprojects:
        report = reports.get(sub.pk)
        done = report is not None and report.state in REPORTED_STATES
        rows.append(CompletenessRow(sub, report, not done and today > deadline))
    return rows


def project_documents(user, project: Project) -> QuerySet[GeneratedDocument]:
    return permissions.scope_documents(user, project.documents.select_related("requested_by", "phase")
                           ).order_by("-requested_at")[:50]


def get_visible_document(user, pk) -> GeneratedDocument:
    queryset = permissions.scope_documents(user, GeneratedDocument.objects.select_related("project"))
    return get_object_or_404(queryset, pk=pk)
