"""Reads of the stored roll-ups: which of them are out of date."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.db.models.functions import ExtractYear

from reports.models import MonthlyReport, ProjectRollup


def stale_rollups() -> list[tuple[int, dt.date]]:
    """(project id, month) of the roll-ups older than a report of their month or of an earlier
    month of their year (the year-to-date figures include those), and of the months with
    approved reports but no roll-up yet."""
    changed_since = MonthlyReport.objects.filter(
        project=OuterRef("project"), period__year=ExtractYear(OuterRef("month")),
        period__lte=OuterRef("month"), updated_at__gt=OuterRef("computed_at"),
    )
    stale = set(ProjectRollup.objects.filter(Exists(changed_since))
                .values_list("project_id", "month"))
    has_rollup = ProjectRollup.objects.filter(project=OuterRef("project"),
                                              month=OuterRef("period"))
    stale |= set(
        MonthlyReport.objects.filter(state=MonthlyReport.State.APPROVED)
        .exclude(Exists(has_rollup)).values_list("project_id", "period").distinct()
    )
    return sorted(stale)


def rollups_computed_after(project_id: int, month: dt.date, changed_at: dt.datetime) -> bool:
    """Whether the month's roll-up exists and it and the later ones of its year were all
    computed after `changed_at` (so they include a change of the month made then)."""
    rollups = ProjectRollup.objects.filter(project_id=project_id, month__year=month.year,
                                           month__gte=month)
    return (rollups.filter(month=month).exists()
            and not rollups.filter(computed_at__lt=changed_at).exists())
