"""When a month's reports are due, which reports count as reported, and when one is late."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from projects.models import Project
from projects.months import add_months
from reports.models import MonthlyReport, ReportingPeriod

# The coordinator's part is done: the report counts for completeness and is not late.
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


def is_late(report: MonthlyReport | None, deadline: dt.date) -> bool:
    """An expected report (None: not started) is late when its deadline has passed and it
    is neither submitted nor approved."""
    reported = report is not None and report.state in REPORTED_STATES
    return not reported and timezone.localdate() > deadline
