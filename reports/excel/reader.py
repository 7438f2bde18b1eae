"""Reading an uploaded workbook without trusting it: the limits on its size, cells, rows and
columns, checked before openpyxl reads what they guard; the rows of a sheet; the headers and
the hidden Tiedot sheet that say the file is this project's template of the month; and the
errors found, by sheet, row and column."""

import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from projects.models import Project
from reports.excel.format import FORMAT_VERSION, META_SHEET, header_text, normalise

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000  # data rows per sheet
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks huge
# A 155 KB file can hold a million cells, and openpyxl spends some 4 µs on each just to open
# the workbook (more to read it). So the cells of the whole file are counted on the raw XML
# before openpyxl sees it, a sheet's declared dimensions are checked before any of its cells
# is read, and reading stops at the first row beyond them. The template has 12 columns and
# at most MAX_ROWS data rows per sheet, so a filled one stays far below these.
MAX_WORKBOOK_CELLS = 100_000
MAX_SHEET_ROWS = 5000
MAX_SHEET_COLUMNS = 100
MAX_ERRORS = 200


@dataclass(frozen=True)
class CellError:
    """One problem in an uploaded file; row and column are empty for the file as a whole."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    """What an upload did: errors (then nothing was saved) or the counts of what was."""

    errors: list[CellError] = field(default_factory=list)
    truncated: bool = False  # more errors than MAX_ERRORS were found
    reports: int = 0  # Raportit rows imported
    values: int = 0  # Mittarit rows imported
    unchanged: int = 0  # rows skipped because nobody changed them
    # (subproject code, coordinator's name) of the reports the manager saved for coordinators
    on_behalf: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class Errors:
    """The errors of one upload, kept up to MAX_ERRORS (then marked truncated)."""

    def __init__(self) -> None:
        self.items: list[CellError] = []
        self.truncated = False

    def add(self, sheet: str, row: int | None, column: str, message: str) -> None:
        if len(self.items) >= MAX_ERRORS:
            self.truncated = True
        else:
            self.items.append(CellError(sheet, row, column, str(message)))

    def __bool__(self) -> bool:
        return bool(self.items)

    def result(self) -> ImportResult:
        return ImportResult(errors=self.items, truncated=self.truncated)


def file_error(message: str) -> ImportResult:
    return ImportResult(errors=[CellError("", None, "", message)])


def too_large() -> ImportResult:
    """The answer to a file over MAX_UPLOAD_BYTES (the view refuses one before reading it)."""
    return file_error(_("The file is larger than %(size)d MB. Upload only the filled-in "
                         "template.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})


def read_bytes(file) -> bytes | ImportResult:
    if getattr(file, "size", None) is not None and file.size > MAX_UPLOAD_BYTES:
        return too_large()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return too_large()
    return data


def open_workbook(data: bytes):
    """The workbook, or an ImportResult saying why the file cannot be read."""
    not_xlsx = _("The file is not an Excel workbook (.xlsx). Save it in Excel as "
                 "“Excel Workbook (*.xlsx)” and upload it again.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return file_error(not_xlsx)
    if "xl/workbook.xml" not in {m.filename for m in members}:
        return file_error(not_xlsx)
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES or len(members) > 1000:
        return file_error(_("The workbook is too large to import. Upload only the "
                             "filled-in template."))
    try:
        too_many = _cell_count(data, members, stop_after=MAX_WORKBOOK_CELLS) > MAX_WORKBOOK_CELLS
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error):
        return file_error(_damaged_message())
    if too_many:
        return file_error(_(
            "The workbook has more than %(max)d cells. Delete the extra rows, columns and "
            "sheets, or copy your entries into a fresh template."
        ) % {"max": MAX_WORKBOOK_CELLS})
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files; all mean the same here
        return file_error(_damaged_message())


# The start tag of a cell, <c …> or <x:c …>: what costs the parser its time.
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")


def _cell_count(data: bytes, members, *, stop_after: int) -> int:
    """Cells in the workbook's XML parts, counted on the raw bytes (far faster than parsing
    them) and only until stop_after is passed."""
    count = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            if not member.filename.endswith(".xml"):
                continue
            with archive.open(member) as source:
                carry = b""
                while chunk := source.read(1 << 20):
                    text = carry + chunk
                    # A tag cut at the chunk's end is counted with the next chunk.
                    cut = text.rfind(b"<")
                    if cut < 0 or len(text) - cut >= 64:
                        cut = len(text)
                    count += len(_CELL_TAG.findall(text, 0, cut))
                    carry = text[cut:]
                    if count > stop_after:
                        return count
                count += len(_CELL_TAG.findall(carry))
    return count


def _damaged_message() -> str:
    return _("The file could not be read as an Excel workbook: it may be damaged. Download "
             "the template again and copy your entries into it.")


def check_formulas(data: bytes, rows_by_sheet: dict, errors: Errors) -> None:
    """A formula whose result the file does not hold (a file written by a program, not saved
    by Excel) reads as an empty cell, and an empty value cell deletes the stored value: such a
    cell is an error instead. Reads the file once more, with formulas (bounded by the limits
    open_workbook checked)."""
    if _has_no_formula(data):
        return
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for name, rows in rows_by_sheet.items():
            empty = {(number, index) for number, cells in rows[1:]
                     for index, value in enumerate(cells) if value is None}
            if not empty:
                continue
            for number, values in enumerate(
                workbook[name].iter_rows(max_row=MAX_SHEET_ROWS, values_only=True), start=1,
            ):
                for index, value in enumerate(values[:MAX_SHEET_COLUMNS]):
                    if ((number, index) in empty and isinstance(value, str)
                            and value.startswith("=")):
                        errors.add(name, number, get_column_letter(index + 1), _(
                            "The cell holds a formula but no computed value. Type the value "
                            "itself, or open the file in Excel and save it again."))
    finally:
        workbook.close()


def _has_no_formula(data: bytes) -> bool:
    """True when no worksheet of the (compressed) file has a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if member.filename.startswith("xl/worksheets/") and re.search(
                rb"<(?:[\w.-]+:)?f[\s>/]", archive.read(member)
            ):
                return False
    return True


def read_rows(workbook, name: str, width: int, limit: int, errors: Errors):
    """Rows of a sheet as (row number, cells) padded to the width; None if it is missing,
    too long or too large (then the error is recorded). Never reads beyond MAX_SHEET_ROWS
    rows and MAX_SHEET_COLUMNS columns."""
    if name not in workbook.sheetnames:
        errors.add(name, None, "", _("The sheet “%(sheet)s” is missing. Use the template "
                                     "downloaded from the portal.") % {"sheet": name})
        return None
    sheet = workbook[name]
    if (sheet.max_row or 0) > MAX_SHEET_ROWS or (sheet.max_column or 0) > MAX_SHEET_COLUMNS:
        errors.add(name, None, "", _sheet_too_large_message(name))
        return None
    rows, filled = [], 0
    try:
        # Up to the declared last row, or one past the limit when the sheet declares none.
        for number, values in enumerate(
            sheet.iter_rows(max_row=sheet.max_row or MAX_SHEET_ROWS + 1, values_only=True),
            start=1,
        ):
            if number > MAX_SHEET_ROWS or len(values) > MAX_SHEET_COLUMNS:
                errors.add(name, None, "", _sheet_too_large_message(name))
                return None
            cells = tuple(values[:width]) + (None,) * (width - len(values))
            if all(normalise(cell) == "" for cell in cells):
                if number > limit * 10:  # a sheet of formatted empty rows: stop reading
                    break
                continue
            filled += 1
            if filled > limit + 1:  # the header and `limit` data rows
                errors.add(name, None, "", _(
                    "The sheet has more than %(max)d rows. Import at most %(max)d rows at a "
                    "time."
                ) % {"max": limit})
                return None
            rows.append((number, cells))
    except Exception:  # read-only mode parses a sheet only now: damage shows here
        errors.add(name, None, "", _damaged_message())
        return None
    return rows


def _sheet_too_large_message(name: str) -> str:
    return _("The sheet “%(sheet)s” is larger than the template allows (at most %(rows)d rows "
             "and %(columns)d columns). Delete the extra rows and columns, or copy your "
             "entries into a fresh template.") % {
        "sheet": name, "rows": MAX_SHEET_ROWS, "columns": MAX_SHEET_COLUMNS}


def check_headers(name: str, rows, headers: tuple, errors: Errors,
                  filled: frozenset[int] = frozenset()) -> None:
    found = rows[0][1] if rows and rows[0][0] == 1 else (None,) * len(headers)
    for index, header in enumerate(headers):
        text = normalise(found[index])
        expected = header_text(header, index + 1, filled)
        if text in (header, expected):
            continue
        column = get_column_letter(index + 1)
        if not text:
            message = _("The column “%(expected)s” is missing.") % {"expected": expected}
        else:
            message = _("The column should be titled “%(expected)s”, not “%(found)s”. Do not "
                        "rename, add or remove columns.") % {"expected": expected, "found": text}
        errors.add(name, 1, column, message)


def check_meta(workbook, project: Project, month: dt.date, errors: Errors) -> None:
    rows = read_rows(workbook, META_SHEET, 2, 10, errors)
    if rows is None:
        return
    meta = {normalise(key): normalise(value) for _number, (key, value) in rows}
    if meta.get("Pohjan versio") != FORMAT_VERSION:
        errors.add(META_SHEET, None, "", _(
            "The file is not this portal's reporting template. Download the template again."))
    elif meta.get("Hanke") != project.code:
        errors.add(META_SHEET, None, "", _(
            "The file is the template of project %(found)s, not of %(expected)s."
        ) % {"found": meta.get("Hanke"), "expected": project.code})
    elif meta.get("Kuukausi") != f"{month:%Y-%m}":
        errors.add(META_SHEET, None, "", _(
            "The file is the template of the month %(found)s, not of %(expected)s. Download "
            "this month's template."
        ) % {"found": meta.get("Kuukausi"), "expected": f"{month:%Y-%m}"})

