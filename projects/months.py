"""Months as the portal's reporting periods: always the first day of the month."""

import datetime as dt
import re

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
# The months the portal accepts anywhere (URLs, forms, imports). Outside them a month is
# refused: nothing is reported for 1900, and a month near year 9999 would make the month
# after it (dashboards, deadlines) impossible to compute.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month(year: str, month: str, format_error) -> dt.date:
    if not 1 <= int(month) <= 12:
        raise ValueError(format_error)
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValueError(_("Give a month between %(first)s and %(last)s.") % {
            "first": f"{FIRST_YEAR}-01", "last": f"{LAST_YEAR}-12"})
    return dt.date(int(year), int(month), 1)


def parse_month(text: str) -> dt.date:
    """'2022-05' -> date(2022, 5, 1); ValueError with a message for the user otherwise,
    also for a month outside FIRST_YEAR–LAST_YEAR."""
    error = _("Give the month as YYYY-MM, e.g. 2022-05.")
    match = _MONTH.match(text.strip())
    if not match:
        raise ValueError(error)
    return _month(match.group(1), match.group(2), error)


# A month as people type it: 7/2022, 07/2022 or 7.2022 (or 2022-07, as in URLs).
_TYPED_MONTH = re.compile(r"^([0-9]{1,2}) ?[/.] ?([0-9]{4})$")


def parse_typed_month(text: str) -> dt.date:
    """A month typed into a form: '7/2022', '07/2022', '7.2022' or '2022-07'."""
    error = _("Give the month as month/year, e.g. 7/2022.")
    if match := _TYPED_MONTH.match(text.strip()):
        return _month(match.group(2), match.group(1), error)
    if match := _MONTH.match(text.strip()):
        return _month(match.group(1), match.group(2), error)
    raise ValueError(error)


def month_or_404(text: str) -> dt.date:
    """The month a URL names; a 404 for anything that is not one."""
    try:
        return parse_month(text)
    except ValueError:
        raise Http404 from None


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from first to last inclusive."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def period_code(month: dt.date, frequency: str = "monthly") -> str:
    """The statistical period code PxWeb uses: 2022M05, 2022Q2 or 2022."""
    if frequency == "quarterly":
        return f"{month.year}Q{(month.month - 1) // 3 + 1}"
    if frequency in ("yearly", "once"):
        return str(month.year)
    return f"{month.year}M{month.month:02d}"


def first_of_month_check(field: str, name: str):
    """Database constraint that keeps a date column on the first day of a month."""
    from django.db import models

    return models.CheckConstraint(
        condition=Q(**{f"{field}__day": 1}),
        name=name,
        violation_error_message=_("A period is a month: use the first day of the month."),
    )
