"""How the portal writes numbers and names as text, for pages, documents and workbooks alike.

The documents and the Excel workbook are Finnish whatever the reader's language, so their
names of the status lights and of the phase scale are fixed Finnish words here; the pages
name the lights and the national benefit goals in the reader's language. The tables are keyed
by the stored values ('green', 1–4), so this lowest app needs none of the models above it."""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# The status lights (reports.models.StatusLight) in the documents and the workbook.
LIGHT_NAMES_FI = {
    "green": "vihreä", "yellow": "keltainen", "red": "punainen", "grey": "harmaa",
    "blue": "sininen",
}
# The phase scale (indicators.models.Metric.PHASES), stored as 1–4, in Finnish.
PHASE_NAMES_FI = ("suunnittelu", "testaus", "käyttöönotto", "vakiintunut")


def decimal_comma(number: Decimal | float | int) -> str:
    """A number as the Finnish write it: Decimal('3.50') -> '3,5', Decimal('1E+2') -> '100'.
    A float (a chart's axis) is written short: 12.5 -> '12,5', 1e6 -> '1e+06'."""
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
