"""Reports listed and looked up: the manager's review queue, a coordinator's reports of the
open period, the month's report of a subproject or of the project, and a report's history."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.text import capfirst

from projects.models import Project
from reports.models import MonthlyReport, ReportEvent, ReportingPeriod, StatusLight
from reports.selectors.deadlines import deadline_for, is_late
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
    """The reports due from the subprojects the user is responsible for, one row per
    subproject expected to report in a reporting period: every open period's, and of the
    closed periods those not yet reported (late). The nearest deadline first, the late
    months after them, newest first."""
    subprojects = list(Subproject.objects.reported_by(user)
                       .select_related("project", "work_package"))
    if not subprojects:
        return []
    periods = list(ReportingPeriod.objects.filter(
        project__in={s.project_id for s in subprojects}))
    reports = {
        (r.subproject_id, r.period): r
        for r in MonthlyReport.objects.filter(subproject__in=subprojects,
                                              period__in={p.month for p in periods})
    }
    ids = [s.pk for s in subprojects]
    expected = {  # one query per month, whatever the number of projects
        month: set(Subproject.objects.filter(pk__in=ids).expected_to_report(month)
                   .values_list("pk", flat=True))
        for month in {p.month for p in periods}
    }
    rows = []
    for period in periods:
        for subproject in subprojects:
            if (subproject.project_id != period.project_id
                    or subproject.pk not in expected[period.month]):
                continue
            row = MyReportRow(subproject, period.month, period.deadline,
                              reports.get((subproject.pk, period.month)))
            if period.closed_at is None or row.is_late:
                rows.append((period.closed_at is not None, row))
    rows.sort(key=lambda item: (
        item[0], -item[1].month.toordinal() if item[0] else item[1].deadline.toordinal(),
        item[1].subproject.project.code, item[1].subproject.code_sort))
    return [row for _closed, row in rows]


def my_month_reports(user, month: dt.date) -> list[MyReportRow]:
    """The month's reports of the subprojects the user is responsible for, one row per
    subproject expected to report in the month, by project and subproject code."""
    subprojects = list(Subproject.objects.reported_by(user)
                       .expected_to_report(month)
                       .select_related("project", "work_package")
                       .order_by("project__code", "code_sort"))
    reports = {r.subproject_id: r for r in MonthlyReport.objects.filter(
        subproject__in=subprojects, period=month)}
    deadlines = {project.pk: deadline_for(project, month)
                 for project in {s.project for s in subprojects}}
    return [MyReportRow(s, month, deadlines[s.project_id], reports.get(s.pk))
            for s in subprojects]


def my_report_months(user) -> list[dt.date]:
    """The months of the reporting periods of the user's subprojects' projects, newest
    first: the choices a month field offers (any other month may still be typed)."""
    return list(ReportingPeriod.objects.filter(
        project__subprojects__in=Subproject.objects.reported_by(user))
        .values_list("month", flat=True).distinct().order_by("-month"))


def report_history(report: MonthlyReport) -> list[ReportEvent]:
    """The report's events, newest first, each with `readable_changes`: (what, before, after)
    in the reader's language — a field by its label, a light by its name, a metric value
    with its comment (the events keep the machine names)."""
    events = list(report.events.select_related("user", "on_behalf_of").order_by("-at", "-id"))
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
