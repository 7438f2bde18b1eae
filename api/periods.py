"""Periods in query parameters: ISO months and dates, and PxWeb's statistical codes.

The syntax is one regular expression, `PERIOD`, which the OpenAPI schema gives as the
parameters' `pattern`: the API accepts a value exactly when it matches (so every value the
schema admits is a real period, e.g. no 2022-02-30). The expressions use ASCII classes only
([0-9], never \\d), so Python and the ECMA 262 engines of schema validators read them alike."""

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

YEAR = "(?:19[0-9]{2}|2[0-9]{3})"  # 1900–2999
MONTH = "(?:0[1-9]|1[0-2])"
_LEAP_YEAR = "(?:(?:19|2[0-9])(?:0[48]|[2468][048]|[13579][26])|2000|2400|2800)"
DATE = (
    f"(?:{YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    f"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    f"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    f"|{_LEAP_YEAR}-02-29)"
)
# A day (its month), a month as 2022-05 or 2022M05, a quarter as 2022Q2, a year as 2022.
PERIOD = f"(?:{DATE}|{YEAR}(?:-{MONTH}|M{MONTH}|Q[1-4])?)"
PERIOD_HELP = _(
    "A month as 2022-05, 2022-05-01 or 2022M05; a quarter as 2022Q2; a year as 2022."
)


def parse_period(text: str, *, end: bool) -> dt.date:
    """The first month of the period (end=False) or its last month (end=True), as the first
    day of that month. Raises ValueError for anything `PERIOD` does not match."""
    if re.fullmatch(PERIOD, text) is None:
        raise ValueError(str(PERIOD_HELP))
    year, rest = int(text[:4]), text[4:]
    if not rest:
        return dt.date(year, 12 if end else 1, 1)
    if rest[0] == "Q":
        first = (int(rest[1]) - 1) * 3 + 1
        return dt.date(year, first + 2 if end else first, 1)
    return dt.date(year, int(rest[1:3]), 1)  # -05, M05 or -05-01
