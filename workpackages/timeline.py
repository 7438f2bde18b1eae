"""The timeline of subprojects as the dashboards and the monthly PDF draw it: the months it
spans and a row of bars per subproject, as plain data for reports.pdf.charts.timeline_svg."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from projects.months import month_range
from workpackages.models import Activity, Subproject


def with_activities(subprojects: QuerySet[Subproject]) -> QuerySet[Subproject]:
    """The subprojects with their activities in the timeline's order (one query more)."""
    return subprojects.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("start_month", "order")))


def timeline_months(subprojects: Iterable[Subproject], phases: Iterable[tuple[dt.date, dt.date]],
                    month: dt.date) -> list[dt.date]:
    """Every month from the first to the last planned month of the subprojects, their
    activities (prefetched by `with_activities`) and the phases given as (start, end) dates;
    the chosen month always among them."""
    starts, ends = [month], [month]
    for sub in subprojects:
        starts += [sub.start_month] if sub.start_month else []
        ends += [sub.end_month] if sub.end_month else []
        for activity in sub.activities.all():
            starts.append(activity.start_month)
            ends.append(activity.end_month)
    for start, end in phases:
        starts.append(start.replace(day=1))
        ends.append(end.replace(day=1))
    return month_range(min(starts), max(ends))


def timeline_row(subproject: Subproject, label: str) -> dict:
    """A subproject's row: its activities as bars (its planned months as one bar when it has
    none), grey when it starts later, the label marked * when it was carried over."""
    bars = [{"label": a.name, "start": a.start_month.isoformat(),
             "end": a.end_month.isoformat()} for a in subproject.activities.all()]
    if not bars and subproject.start_month and subproject.end_month:
        bars = [{"label": "", "start": subproject.start_month.isoformat(),
                 "end": subproject.end_month.isoformat()}]
    return {"label": label + (" *" if subproject.carried_over else ""),
            "grey": subproject.starts_later, "bars": bars}
