"""How the portal writes months, dates, times, numbers and names as text, for pages, e-mails,
documents and workbooks alike: one way per language.

Months 5/2022, dates 10.6.2022, times klo 6.45 (kl. 6.45 in Swedish), numbers with a decimal
comma and a narrow no-break space between thousands (1 234,5). The forms themselves are in
sote_portal/formats/<language>/formats.py (Django's FORMAT_MODULE_PATH, which the pages'
{{ value|date }} and forms read); the functions here write them in the active language, so an
e-mail written under translation.override(recipient's language) follows the same rule as the
page. The template filters are in projects/templatetags/formatting.py.

The names of the status lights and of the phase scale are keyed by the stored values
('green', 1–4), so this lowest app needs none of the models above it: the Finnish and Swedish
names the Excel import accepts are in LIGHT_KEYWORDS and PHASE_KEYWORDS."""

import datetime as dt
import unicodedata
from decimal import Decimal

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# The status lights (reports.models.StatusLight) by their Finnish and Swedish names, as the
# workbook writes them and the Excel import reads them.
LIGHT_NAMES_FI = {
    "green": "vihreä", "yellow": "keltainen", "red": "punainen", "grey": "harmaa",
    "blue": "sininen",
}
LIGHT_NAMES_SV = {
    "green": "grön", "yellow": "gul", "red": "röd", "grey": "grå", "blue": "blå",
}
# The phase scale (indicators.models.Metric.PHASES), stored as 1–4, in Finnish and Swedish.
PHASE_NAMES_FI = ("suunnittelu", "testaus", "käyttöönotto", "vakiintunut")
PHASE_NAMES_SV = ("planering", "testning", "ibruktagande", "etablerad")
# A yes/no metric's answers.
YES_NO_NAMES_FI = ("kyllä", "ei")
YES_NO_NAMES_SV = ("ja", "nej")


def _plain(word: str) -> str:
    """'käyttöönotto' -> 'kayttoonotto': the word as typed on a keyboard without umlauts."""
    return word.translate(str.maketrans("äöåÄÖÅ", "aoaAOA"))


def _keywords(*tables: dict) -> dict[str, object]:
    words: dict[str, object] = {}
    for table in tables:
        for value, name in table.items():
            words[name] = words[_plain(name)] = value
    return words


# What the Excel import (and a report form's phase field) accepts: the Finnish and Swedish
# names, also without umlauts, and the stored English codes of the lights.
LIGHT_KEYWORDS = _keywords(LIGHT_NAMES_FI, LIGHT_NAMES_SV, {k: k for k in LIGHT_NAMES_FI})
PHASE_KEYWORDS = _keywords(dict(enumerate(PHASE_NAMES_FI, 1)), dict(enumerate(PHASE_NAMES_SV, 1)))


def _swedish() -> bool:
    return (translation.get_language() or "").startswith("sv")


def light_keywords() -> dict[str, str]:
    """The lights' names the workbook writes in the active language (Swedish or Finnish)."""
    return LIGHT_NAMES_SV if _swedish() else LIGHT_NAMES_FI


def phase_keywords() -> tuple[str, ...]:
    """The phase scale's names the workbook writes in the active language."""
    return PHASE_NAMES_SV if _swedish() else PHASE_NAMES_FI


def yes_no_keywords() -> tuple[str, str]:
    """A yes/no metric's answers as the workbook writes them in the active language."""
    return YES_NO_NAMES_SV if _swedish() else YES_NO_NAMES_FI


def _word(text: str) -> str:
    """A typed word as the tables hold it: composed (a Mac writes ö as o + ¨), lower case."""
    return unicodedata.normalize("NFC", text).strip().lower()


def light_from_keyword(text: str) -> str | None:
    """'grön', 'vihreä', 'vihrea', 'green' -> 'green'; None when the word names no light."""
    return LIGHT_KEYWORDS.get(_word(text))


def phase_from_keyword(text: str) -> int | None:
    """'ibruktagande', 'käyttöönotto', 'kayttoonotto' -> 3; None when it names no phase."""
    return PHASE_KEYWORDS.get(_word(text))


def format_month(month: dt.date) -> str:
    """A month as 5/2022 (every language)."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def format_date(day: dt.date) -> str:
    """A date as 10.6.2022."""
    return formats.date_format(day, "DATE_FORMAT")


def format_time(moment: dt.datetime | dt.time) -> str:
    """A time as 'klo 6.45' (Finnish), 'kl. 6.45' (Swedish); an aware datetime in Finnish time."""
    if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.time_format(moment, "TIME_FORMAT")


def format_datetime(moment: dt.datetime) -> str:
    """A moment as '10.6.2022 klo 6.45', in Finnish time."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


def format_number(number: Decimal | float | int | None, decimal_places: int | None = None) -> str:
    """A number as the reader's language writes it: 1234.5 -> '1 234,5' in Finnish and Swedish
    (a narrow no-break space between thousands, never broken across lines). Decimals as
    stored unless decimal_places is given; trailing zeros of a Decimal are dropped."""
    if number is None:
        return "–"
    if isinstance(number, Decimal):
        number = number.normalize()
        if number == number.to_integral_value():  # 1E+2 -> 100
            number = number.quantize(Decimal(1))
    return formats.number_format(number, decimal_places, use_l10n=True, force_grouping=True)


def decimal_comma(number: Decimal | float | int) -> str:
    """A number as typed into a field: Decimal('3.50') -> '3,5', Decimal('1E+2') -> '100',
    without thousands separators (the value a form puts back in its input, a message's
    limit). A float (a chart's axis) is written short: 12.5 -> '12,5', 1e6 -> '1e+06'.
    Figures for reading use format_number."""
    text = f"{number:g}" if isinstance(number, float) else f"{Decimal(number).normalize():f}"
    return text.replace(".", ",")


def light_names() -> dict[str, str]:
    """The lights' short names in the reader's language; '' is a month with no report."""
    return {
        "green": pgettext("status light", "green"),
        "yellow": pgettext("status light", "yellow"),
        "red": pgettext("status light", "red"),
        "blue": pgettext("status light", "blue"),
        "grey": pgettext("status light", "grey"),
        "": pgettext("status light", "no report"),
    }


def light_name(light: str) -> str:
    """'green' -> 'vihreä' in Finnish: the short name of tables and chart labels."""
    return light_names().get(light or "", light)


def benefit_goal_name(goal) -> str:
    """A national benefit goal's name in the reader's language (None: work mapped to no
    national goal)."""
    if goal is None:
        return _("Not mapped to a national goal")
    language = translation.get_language() or "fi"
    if language.startswith("sv") and goal.name_sv:
        return goal.name_sv
    if language.startswith("en") and goal.name_en:
        return goal.name_en
    return goal.name
