"""The file format of the monthly reporting workbook, shared by the template writer and the
importer: its sheets and columns, the Finnish names in its cells, and the normalised cell text
and row digest by which the import tells a row the user changed from one left as written."""

import datetime as dt
import hashlib
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMAT_VERSION = "1"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The file format is Finnish whatever the user's language: headers and names are its keys.
REPORTS_SHEET, METRICS_SHEET, META_SHEET = "Raportit", "Mittarit", "Tiedot"
INSTRUCTIONS_SHEET = "Ohjeet"  # read by people only, the import ignores it
REPORT_HEADERS = (
    "Koodi", "Osahanke", "Tila", "Tilannevalo", "Edistyminen %",
    "Tilanne / keskeiset aikaansaannokset", "Eteneminen / tulevat toimenpiteet", "Ongelmat",
    "Tarvittava tuki", "Perustelu valolle", "Versio", "Tarkiste",
)
METRIC_HEADERS = (
    "Osahanke", "Mittarin koodi", "Mittari", "Luokka", "Laji", "Yksikkö", "Arvo", "Kommentti",
    "Edellinen kuukausi", "Tila", "Versio", "Tarkiste",
)
# The columns the user fills in (1-based: Raportit D–J, Mittarit G–H) say so in their header
# too, not by colour alone; the import accepts a header with or without the mark.
FILL_MARK = "(täytä)"
REPORT_FILLED_COLUMNS = frozenset(range(4, 11))
METRIC_FILLED_COLUMNS = frozenset({7, 8})
# Report fields in the order of the columns D–J of the Raportit sheet.
REPORT_FIELDS = (
    "light", "progress", "situation", "next_steps", "problems", "help_needed", "light_reason",
)
# The lights, the phase scale and the yes/no answers are written in the downloader's language
# (Finnish or Swedish) and read in either (projects.formatting: light_keywords,
# LIGHT_KEYWORDS, PHASE_KEYWORDS).


def clean_text(value: str) -> str:
    """Text as a cell can hold it (control characters are illegal in .xlsx)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def normalise(value) -> str:
    """A cell's value as text, the same whether the template wrote it or Excel saved it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if not number.is_finite():
            return str(value)
        return "0" if number.is_zero() else f"{number.normalize():f}"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return clean_text(str(value)).strip()


def row_digest(*parts) -> str:
    joined = "\x1f".join(normalise(part) for part in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:20]



def header_text(header: str, column: int, filled: frozenset[int]) -> str:
    """A column's header as the template writes it: marked when the user fills it in."""
    return f"{header} {FILL_MARK}" if column in filled else header
