"""Periods in query parameters: ISO months and dates, and PxWeb's statistical codes."""

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$"), "month"),
    (re.compile(r"^(\d{4})M(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
]
PERIOD_HELP = _(
    "A month as 2022-05, 2022-05-01 or 2022M05; a quarter as 2022Q2; a year as 2022."
)


def parse_period(text: str, *, end: bool) -> dt.date:
    """The first month of the period (end=False) or its last month (end=True), as the first
    day of that month. Raises ValueError for anything else."""
    text = text.strip()
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        if not 1900 <= year <= 2999:
            break
        if kind == "month":
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
            if match.lastindex == 3 and match.group(3):
                try:
                    dt.date(year, month, int(match.group(3)))  # validates the day
                except ValueError:
                    break
            return dt.date(year, month, 1)
        if kind == "quarter":
            first = (int(match.group(2)) - 1) * 3 + 1
            return dt.date(year, first + 2 if end else first, 1)
        return dt.date(year, 12 if end else 1, 1)
    raise ValueError(str(PERIOD_HELP))
