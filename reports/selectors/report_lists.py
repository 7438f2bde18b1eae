"""Reports listed and looked up: the manager's review queue, a coordinator's reports of the
open period, the month's report of a subproject or of the project, and a report's history."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.text import capfirst

from projects.models import Project
from reports.models import MonthlyReport, ReportEvent, ReportingPeriod, StatusLight
from reports.selectors.deadlines import is_late
from workpackages.models import Subproject


def review_queue(project: Project) -> QuerySet[MonthlyReport]:
    """Submitted reports waiting for the manager, oldest first."""
    return (
        MonthlyReport.objects.filter(project=project, subproject__isnull=False,
                                     state=MonthlyReport.State.SUBMITTED)
        .select_related("subproject", "subproject__work_package")
        .order_by("submitted_at")
    )


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
        return is_late(self.report, self.deadline)


def my_reports(user) -> list[MyReportRow]:
    """The reports due from the subprojects the user is responsible for: of each project's
    latest open period, those of the subprojects expected to report in its month."""
    open_periods = ReportingPeriod.objects.filter(
        project=OuterRef("project_id"), closed_at__isnull=True).order_by("-month")
    subprojects = list(
        Subproject.objects.filter(responsible_people__user=user)
        .annotate(open_month=Subquery(open_periods.values("month")[:1]),
                  open_deadline=Subquery(open_periods.values("deadline")[:1]))
        .filter(open_month__isnull=False).expected_to_report(F("open_month"))
        .select_related("project", "work_package")
        .order_by("project__code", "code_sort")
    )
    reports = {
        (r.subproject_id, r.period): r
        for r in MonthlyReport.objects.filter(
            subproject__in=subprojects, period__in={s.open_month for s in subprojects}
        )
    }
    return [
        MyReportRow(s, s.open_month, s.open_deadline, reports.get((s.pk, s.open_month)))
        for s in subprojects
    ]


def report_history(report: MonthlyReport) -> list[ReportEvent]:
    """The report's events, newest first, each with `readable_changes`: (what, before, after)
    in the reader's language — a field by its label, a light by its name, a metric value
    with its comment (the events keep the machine names)."""
    events = list(report.events.select_related("user").order_by("-at", "-id"))
    for event in events:
        event.readable_changes = [
            (name if event.action == ReportEvent.Action.VALUES else field_label(name),
             readable_value(name, change.get("old")), readable_value(name, change.get("new")))
            for name, change in event.changes.items()]
    return events


def field_label(name: str) -> str:
    """A report field's label in the reader's language."""
    try:
        return capfirst(MonthlyReport._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def readable_value(name: str, value) -> str:
    """A recorded value of a report field, or a metric value record, as a reader says it."""
    if value in (None, ""):
        return "–"
    if isinstance(value, dict):  # a metric value: {value, text, comment}
        shown = value.get("value") or value.get("text") or "–"
        comment = value.get("comment")
        return f"{shown} ({comment})" if comment else str(shown)
    if name in ("light", "suggested_light") and value in StatusLight.values:
        return str(StatusLight(value).label)
    if name == "progress":
        return f"{value} %"
    return str(value)


def report_for(owner: Subproject | Project, month: dt.date) -> MonthlyReport | None:
    """The month's report of a subproject, or the project's own report (owner a project)."""
    if isinstance(owner, Project):
        return MonthlyReport.objects.filter(project=owner, subproject=None, period=month).first()
    return MonthlyReport.objects.filter(subproject=owner, period=month).first()


def has_previous_report(subproject: Subproject, month: dt.date) -> bool:
    return MonthlyReport.objects.filter(subproject=subproject, period__lt=month).exists()
