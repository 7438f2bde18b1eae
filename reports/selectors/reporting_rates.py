"""Completeness: how many of the reports expected in a month came, and on time (as DHIS2
counts its reporting rate), and the review page's row per expected subproject."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from projects.models import Project
from reports.models import MonthlyReport, ReportingPeriod
from reports.selectors.deadlines import REPORTED_STATES, deadline_for, default_deadline, is_late
from workpackages.models import Subproject


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

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 0.0

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.expected if self.expected else 0.0


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
    expected = Subproject.objects.filter(project_id__in=project_ids).expected_to_report(month)
    for pid, count in expected.values_list("project_id").annotate(n=Count("id")):
        result[pid].expected = count
    reports = MonthlyReport.objects.filter(subproject__in=expected, period=month).values_list(
        "subproject__project_id", "state", "submitted_at"
    )
    for pid, state, submitted_at in reports:
        entry = result[pid]
        if state in REPORTED_STATES:
            entry.reported += 1
            if state == MonthlyReport.State.APPROVED:
                entry.approved += 1
            if submitted_at is None or timezone.localdate(submitted_at) <= entry.deadline:
                entry.on_time += 1
    return result


@dataclass
class CompletenessRow:
    subproject: Subproject
    report: MonthlyReport | None
    late: bool


def completeness_rows(project: Project, month: dt.date) -> list[CompletenessRow]:
    """Every subproject expected to report in the month, with its report and lateness."""
    deadline = deadline_for(project, month)
    subprojects = list(
        Subproject.objects.filter(project=project).expected_to_report(month)
        .select_related("work_package").prefetch_related("responsible_people")
        .order_by("work_package__code_sort", "code_sort")
    )
    reports = {
        r.subproject_id: r
        for r in MonthlyReport.objects.filter(subproject__in=subprojects, period=month)
    }
    return [
        CompletenessRow(sub, reports.get(sub.pk), is_late(reports.get(sub.pk), deadline))
        for sub in subprojects
    ]
