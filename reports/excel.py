"""The Excel round trip of the monthly reporting: the month's template of a project, and the
import of a filled one.

The import validates every changed cell first and imports only when the whole file is valid;
then it saves each subproject through `services.monthly_report_save` in one transaction, so
the reporting rules (who may edit, locked reports, conflicts, history) stay in one place.

A row is imported only when the user changed it: each data row carries, in hidden columns,
the report's version and a digest of the cells as the template wrote them. An unchanged row
is skipped, so a template passed round many coordinators never overwrites newer data with
its old copy, and rows of other people's subprojects can stay in the file untouched."""

import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.models import Metric
from indicators.services import check_period, parse_metric_input
from projects import permissions
from projects.models import Project
from projects.spreadsheets import is_formula_like
from reports import selectors
from reports.models import MonthlyReport, ReportEvent, StatusLight
from reports.services import (
    EDITABLE_STATES,
    ReportConflict,
    ReportInput,
    ReportLocked,
    ValueInput,
    monthly_report_save,
)
from workpackages.models import Subproject

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
FORMAT_VERSION = "1"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The file format is Finnish whatever the user's language: headers and names are its keys.
REPORTS_SHEET, METRICS_SHEET, META_SHEET = "Raportit", "Mittarit", "Tiedot"
REPORT_HEADERS = (
    "Koodi", "Osahanke", "Tila", "Tilannevalo", "Edistyminen %",
    "Tilanne / keskeiset aikaansaannokset", "Eteneminen / tulevat toimenpiteet", "Ongelmat",
    "Tarvittava tuki", "Perustelu valolle", "Versio", "Tarkiste",
)
METRIC_HEADERS = (
    "Osahanke", "Mittarin koodi", "Mittari", "Luokka", "Laji", "Yksikkö", "Arvo", "Kommentti",
    "Edellinen kuukausi", "Tila", "Versio", "Tarkiste",
)
# Report fields in the order of the columns D–J of the Raportit sheet.
REPORT_FIELDS = (
    "light", "progress", "situation", "next_steps", "problems", "help_needed", "light_reason",
)
REPORT_WIDTHS = (10, 30, 14, 14, 12, 50, 50, 35, 35, 35, 8, 8)
METRIC_WIDTHS = (10, 14, 45, 18, 18, 10, 14, 35, 18, 14, 8, 8)
LIGHT_NAMES = {
    StatusLight.GREEN: "vihreä", StatusLight.YELLOW: "keltainen", StatusLight.RED: "punainen",
    StatusLight.GREY: "harmaa", StatusLight.BLUE: "sininen",
}
YES_NO_NAMES = ("kyllä", "ei")
PHASE_NAMES = ("suunnittelu", "testaus", "käyttöönotto", "vakiintunut")  # 1–4

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")
EDITABLE_FILL = PatternFill("solid", fgColor="FFFDE7")
WRAP = Alignment(wrap_text=True, vertical="top")


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

    @property
    def ok(self) -> bool:
        return not self.errors


def can_upload(user, project: Project) -> bool:
    """The project's manager and the coordinators of its subprojects may upload; the rows
    each may change are decided per subproject by the reporting rules."""
    if permissions.can_review_reports(user, project):
        return True
    return bool(permissions.roles_in(user, project)) and Subproject.objects.filter(
        project=project, responsible_people__user=user
    ).exists()


def template_filename(project: Project, month: dt.date) -> str:
    return f"{project.code}-kuukausiraportit-{month:%Y-%m}.xlsx"


# --- Cell values ------------------------------------------------------------------------


def _text(value: str) -> str:
    """Text as a cell can hold it (control characters are illegal in .xlsx)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _norm(value) -> str:
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
    return _text(str(value)).strip()


def _digest(*parts) -> str:
    joined = "\x1f".join(_norm(part) for part in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:20]


def _number_cell(number: Decimal | None):
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _metric_cell(row: selectors.MetricRow):
    """A metric value as the coordinator would type it (parse_metric_input reads it back)."""
    value = row.value
    if value is None:
        return None
    if value.value is None:
        return value.text_value or None
    if row.metric.kind == Metric.Kind.YES_NO:
        return YES_NO_NAMES[0] if value.value else YES_NO_NAMES[1]
    if row.metric.kind == Metric.Kind.PHASE and value.value in (1, 2, 3, 4):
        return PHASE_NAMES[int(value.value) - 1]
    return _number_cell(value.value)


def _state_label(report: MonthlyReport | None) -> str:
    return str(report.get_state_display()) if report else _("not started")


# --- The template -----------------------------------------------------------------------


def _sheet(workbook: Workbook, title: str, headers: tuple, widths: tuple, *, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, WRAP
        sheet.column_dimensions[get_column_letter(index)].width = width
    for letter in ("K", "L"):  # version and digest: the import's, not the user's
        sheet.column_dimensions[letter].hidden = True
    sheet.freeze_panes = "C2"
    # Locked cells guard the identifiers; the import checks everything regardless.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.formatRows = False
    return sheet


def _text_cell(cell, value: str) -> None:
    """Text as an inert string cell: openpyxl would store a text starting with "=" as a
    formula. One that a spreadsheet would read as a formula is also marked quote-prefixed,
    so it stays text when the user edits the cell; the value itself is unchanged, and the
    import reads back exactly what was written."""
    cell.value = _text(value) or None
    cell.data_type = "s"
    if is_formula_like(cell.value):
        cell.quotePrefix = True


def _write_row(sheet, number: int, values: list, editable: set[int], locked: bool) -> None:
    for index, value in enumerate(values, start=1):
        cell = sheet.cell(row=number, column=index)
        if isinstance(value, str):
            _text_cell(cell, value)
        else:
            cell.value = value
        cell.alignment = WRAP
        if index in editable and not locked:
            cell.protection = Protection(locked=False)
            cell.fill = EDITABLE_FILL
        elif locked:
            cell.fill = LOCKED_FILL


def _list_validation(names, title: str) -> DataValidation:
    validation = DataValidation(
        type="list", formula1='"{}"'.format(",".join(names)), allow_blank=True,
        showErrorMessage=True, errorTitle=title,
        error=_("Choose one of: %(names)s.") % {"names": ", ".join(names)},
    )
    return validation


def build_template(*, project: Project, month: dt.date) -> bytes:
    """The month's reporting workbook of the project: a Raportit row per subproject expected
    to report, a Mittarit row per metric (and category) due, both filled with what has been
    saved so far; rows of submitted and approved reports are locked and marked."""
    subprojects = list(
        selectors.reportable_subprojects([project.pk], month)
        .select_related("work_package").order_by("work_package__code_sort", "code_sort")
    )
    reports = {
        r.subproject_id: r
        for r in MonthlyReport.objects.filter(subproject__in=subprojects, period=month)
    }
    workbook = Workbook()
    workbook.properties.title = f"{project.code} {month:%m/%Y}"

    sheet = _sheet(workbook, REPORTS_SHEET, REPORT_HEADERS, REPORT_WIDTHS, first=True)
    for number, sub in enumerate(subprojects, start=2):
        report = reports.get(sub.pk)
        cells = [
            LIGHT_NAMES.get(report.light, "") if report else "",
            report.progress if report else None,
            *[getattr(report, name) if report else "" for name in REPORT_FIELDS[2:]],
        ]
        version = report.version if report else 0
        locked = report is not None and report.state not in EDITABLE_STATES
        _write_row(
            sheet, number,
            [sub.code, sub.name, _state_label(report), *cells, version,
             _digest("R", sub.code, *cells)],
            editable=set(range(4, 11)), locked=locked,
        )
    last = len(subprojects) + 1
    if subprojects:
        lights = _list_validation(list(LIGHT_NAMES.values()), REPORT_HEADERS[3])
        lights.add(f"D2:D{last}")
        progress = DataValidation(
            type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
            showErrorMessage=True, errorTitle=REPORT_HEADERS[4],
            error=_("Give the progress as a whole number from 0 to 100."),
        )
        progress.add(f"E2:E{last}")
        sheet.add_data_validation(lights)
        sheet.add_data_validation(progress)

    sheet = _sheet(workbook, METRICS_SHEET, METRIC_HEADERS, METRIC_WIDTHS)
    yes_no = _list_validation(YES_NO_NAMES, METRIC_HEADERS[6])
    phases = _list_validation(PHASE_NAMES, METRIC_HEADERS[6])
    number = 1
    for sub in subprojects:
        report = reports.get(sub.pk)
        locked = report is not None and report.state not in EDITABLE_STATES
        for row in selectors.metric_rows(sub, month):
            number += 1
            metric = row.metric
            category = row.category.name if row.category else ""
            value, comment = _metric_cell(row), row.comment
            _write_row(
                sheet, number,
                [sub.code, metric.code, metric.name, category, str(metric.get_kind_display()),
                 metric.unit, value, comment, row.previous_display, _state_label(report),
                 report.version if report else 0,
                 _digest("M", sub.code, metric.code, category, value, comment)],
                editable={7, 8}, locked=locked,
            )
            if metric.kind == Metric.Kind.YES_NO:
                yes_no.add(f"G{number}")
            elif metric.kind == Metric.Kind.PHASE:
                phases.add(f"G{number}")
    for validation in (yes_no, phases):
        if validation.sqref:
            sheet.add_data_validation(validation)

    meta = workbook.create_sheet(META_SHEET)
    for number, pair in enumerate((("Hanke", project.code), ("Kuukausi", f"{month:%Y-%m}"),
                                   ("Pohjan versio", FORMAT_VERSION)), start=1):
        for column, value in enumerate(pair, start=1):
            _text_cell(meta.cell(row=number, column=column), value)
    meta.protection.sheet = True
    meta.sheet_state = "veryHidden"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading an upload ------------------------------------------------------------------


class _Errors:
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


def _file_error(message: str) -> ImportResult:
    return ImportResult(errors=[CellError("", None, "", message)])


def too_large() -> ImportResult:
    """The answer to a file over MAX_UPLOAD_BYTES (the view refuses one before reading it)."""
    return _file_error(_("The file is larger than %(size)d MB. Upload only the filled-in "
                         "template.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})


def _read_bytes(file) -> bytes | ImportResult:
    if getattr(file, "size", None) is not None and file.size > MAX_UPLOAD_BYTES:
        return too_large()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return too_large()
    return data


def _open_workbook(data: bytes):
    """The workbook, or an ImportResult saying why the file cannot be read."""
    not_xlsx = _("The file is not an Excel workbook (.xlsx). Save it in Excel as "
                 "“Excel Workbook (*.xlsx)” and upload it again.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return _file_error(not_xlsx)
    if "xl/workbook.xml" not in {m.filename for m in members}:
        return _file_error(not_xlsx)
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES or len(members) > 1000:
        return _file_error(_("The workbook is too large to import. Upload only the "
                             "filled-in template."))
    try:
        too_many = _cell_count(data, members, stop_after=MAX_WORKBOOK_CELLS) > MAX_WORKBOOK_CELLS
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error):
        return _file_error(_damaged_message())
    if too_many:
        return _file_error(_(
            "The workbook has more than %(max)d cells. Delete the extra rows, columns and "
            "sheets, or copy your entries into a fresh template."
        ) % {"max": MAX_WORKBOOK_CELLS})
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files; all mean the same here
        return _file_error(_damaged_message())


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


def _read_rows(workbook, name: str, width: int, limit: int, errors: _Errors):
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
            if all(_norm(cell) == "" for cell in cells):
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


def _check_headers(name: str, rows, headers: tuple, errors: _Errors) -> None:
    found = rows[0][1] if rows and rows[0][0] == 1 else (None,) * len(headers)
    for index, expected in enumerate(headers):
        text = _norm(found[index])
        if text == expected:
            continue
        column = get_column_letter(index + 1)
        if not text:
            message = _("The column “%(expected)s” is missing.") % {"expected": expected}
        else:
            message = _("The column should be titled “%(expected)s”, not “%(found)s”. Do not "
                        "rename, add or remove columns.") % {"expected": expected, "found": text}
        errors.add(name, 1, column, message)


def _check_meta(workbook, project: Project, month: dt.date, errors: _Errors) -> None:
    rows = _read_rows(workbook, META_SHEET, 2, 10, errors)
    if rows is None:
        return
    meta = {_norm(key): _norm(value) for _number, (key, value) in rows}
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


# --- Validating the rows ----------------------------------------------------------------


def _light(value) -> str:
    text = _norm(value).lower()
    if not text:
        return ""
    for light, name in LIGHT_NAMES.items():
        if text in (name, light.value):
            return light.value
    raise ValidationError(_("Choose a status light: %(names)s.") % {
        "names": ", ".join(LIGHT_NAMES.values())})


def _progress(value) -> int | None:
    text = _norm(value).rstrip("%").strip().replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if (number is None or not number.is_finite() or number != number.to_integral_value()
            or not 0 <= number <= 100):
        raise ValidationError(_("Give the progress as a whole number from 0 to 100."))
    return int(number)


@dataclass
class _Change:
    """What the upload changes in one subproject's report of the month."""

    subproject: Subproject
    version: int
    sheet: str
    row: int
    fields: dict = field(default_factory=dict)
    values: list[ValueInput] = field(default_factory=list)


class _Validator:
    """Checks the rows of an upload against the project's month and the uploader's rights,
    collecting every error and the changes to save."""

    def __init__(self, *, project: Project, month: dt.date, user, errors: _Errors):
        self.month, self.user, self.errors = month, user, errors
        self.subprojects = {
            s.code: s for s in selectors.reportable_subprojects([project.pk], month)
            .select_related("project")
        }
        self.reports = {
            r.subproject_id: r
            for r in MonthlyReport.objects.filter(
                subproject__in=self.subprojects.values(), period=month)
        }
        self.changes: dict[int, _Change] = {}
        self.unchanged = 0
        self._may_edit: dict[int, bool] = {}
        self._metric_rows: dict[int, dict] = {}
        self._seen: dict[tuple, int] = {}

    def error(self, sheet, row, column, message) -> None:
        self.errors.add(sheet, row, column, message)

    def may_edit(self, sub: Subproject) -> bool:
        if sub.pk not in self._may_edit:
            self._may_edit[sub.pk] = permissions.can_edit_report(self.user, sub)
        return self._may_edit[sub.pk]

    def metric_rows(self, sub: Subproject) -> dict:
        if sub.pk not in self._metric_rows:
            self._metric_rows[sub.pk] = {
                (row.metric.code, row.category.name.casefold() if row.category else ""): row
                for row in selectors.metric_rows(sub, self.month)
            }
        return self._metric_rows[sub.pk]

    def subproject(self, sheet: str, number: int, cell) -> Subproject | None:
        code = _norm(cell)
        if not code:
            self.error(sheet, number, "A", _("The subproject code is missing."))
            return None
        sub = self.subprojects.get(code)
        if sub is None:
            self.error(sheet, number, "A", _(
                "Unknown subproject code %(code)s: no subproject with this code reports in "
                "%(month)s."
            ) % {"code": code, "month": f"{self.month:%m/%Y}"})
        return sub

    def first_time(self, sheet: str, number: int, key: tuple, column: str) -> bool:
        if key in self._seen:
            self.error(sheet, number, column, _("This row repeats row %(row)d.") % {
                "row": self._seen[key]})
            return False
        self._seen[key] = number
        return True

    def allowed(self, sheet: str, number: int, sub: Subproject, column: str, version) -> bool:
        """May the uploader change this subproject's report now? Records why not."""
        report = self.reports.get(sub.pk)
        if not self.may_edit(sub):
            self.error(sheet, number, "A", _(
                "Only the coordinator of subproject %(code)s can change its report; leave "
                "its rows as they were or remove them."
            ) % {"code": sub.code})
            return False
        if report is not None and report.state not in EDITABLE_STATES:
            self.error(sheet, number, column, str(ReportLocked(report)))
            return False
        current = report.version if report else 0
        try:
            expected = int(_norm(version))
        except ValueError:
            self.error(sheet, number, "K", _(
                "The hidden columns of the template were changed. Download a new template."))
            return False
        if expected != current:
            self.error(sheet, number, "A", _(
                "The report of %(code)s was changed in the portal after this file was "
                "downloaded. Download a new template and enter your changes in it."
            ) % {"code": sub.code})
            return False
        return True

    def change(self, sheet: str, number: int, sub: Subproject) -> _Change:
        if sub.pk not in self.changes:
            report = self.reports.get(sub.pk)
            self.changes[sub.pk] = _Change(sub, report.version if report else 0, sheet, number)
        return self.changes[sub.pk]

    def report_row(self, number: int, cells: tuple) -> None:
        sheet = REPORTS_SHEET
        sub = self.subproject(sheet, number, cells[0])
        if sub is None or not self.first_time(sheet, number, ("R", sub.pk), "A"):
            return
        if _digest("R", sub.code, *cells[3:10]) == _norm(cells[11]):
            self.unchanged += 1
            return
        fields, failed = {}, []
        for index, name in enumerate(REPORT_FIELDS, start=3):
            try:
                if name == "light":
                    fields[name] = _light(cells[index])
                elif name == "progress":
                    fields[name] = _progress(cells[index])
                else:
                    fields[name] = _norm(cells[index])
            except ValidationError as error:
                failed.extend((get_column_letter(index + 1), m) for m in error.messages)
        report = self.reports.get(sub.pk)
        differing = [
            get_column_letter(index) for index, name in enumerate(REPORT_FIELDS, start=4)
            if name in fields and fields[name] != (
                getattr(report, name) if report else (None if name == "progress" else ""))
        ]
        if not failed and not differing:
            self.unchanged += 1
            return
        first = failed[0][0] if failed else differing[0]
        if not self.allowed(sheet, number, sub, first, cells[10]):
            return
        for column, message in failed:
            self.error(sheet, number, column, message)
        if not failed:
            self.change(sheet, number, sub).fields = fields

    def metric_row(self, number: int, cells: tuple) -> None:
        sheet = METRICS_SHEET
        sub = self.subproject(sheet, number, cells[0])
        if sub is None:
            return
        code, category = _norm(cells[1]), _norm(cells[3])
        rows = self.metric_rows(sub)
        row = rows.get((code, category.casefold()))
        if row is None:
            if not code:
                self.error(sheet, number, "B", _("The metric code is missing."))
            elif code not in {metric_code for metric_code, _category in rows}:
                self.error(sheet, number, "B", _(
                    "Unknown metric code %(code)s: subproject %(subproject)s has no such metric "
                    "due in %(month)s."
                ) % {"code": code, "subproject": sub.code, "month": f"{self.month:%m/%Y}"})
            else:
                self.error(sheet, number, "D", _(
                    "Unknown category “%(category)s” of metric %(code)s."
                ) % {"category": category, "code": code})
            return
        if not self.first_time(sheet, number, ("M", sub.pk, code, category.casefold()), "B"):
            return
        if _digest("M", sub.code, code, category, cells[6], cells[7]) == _norm(cells[11]):
            self.unchanged += 1
            return
        comment = _norm(cells[7])
        try:
            parsed = parse_metric_input(row.metric, cells[6])
        except ValidationError as error:
            parsed, messages = None, error.messages
        else:
            messages = []
            stored = row.value
            if (stored is None and parsed.is_empty) or (stored is not None and (
                    parsed.value, parsed.text, comment)
                    == (stored.value, stored.text_value, stored.comment)):
                self.unchanged += 1
                return
        if not self.allowed(sheet, number, sub, "G", cells[10]):
            return
        for message in messages:
            self.error(sheet, number, "G", message)
        if parsed is None:
            return
        self.change(sheet, number, sub).values.append(
            ValueInput(row.metric, row.category, parsed, comment))


def import_workbook(*, project: Project, month: dt.date, user, file) -> ImportResult:
    """Import a filled-in template of the project's month.

    Every changed cell is validated first (its type, the metric's rules, the uploader's right
    to the subproject, locked reports, edits made in the portal since the download); any
    error, listed by sheet, row and column, means nothing is saved. A valid file is saved
    subproject by subproject through `monthly_report_save` in one transaction, recorded in
    each report's history as imported."""
    data = _read_bytes(file)
    if isinstance(data, ImportResult):
        return data
    workbook = _open_workbook(data)
    if isinstance(workbook, ImportResult):
        return workbook
    errors = _Errors()
    try:
        _check_meta(workbook, project, month, errors)
        if errors:
            return errors.result()
        report_rows = _read_rows(workbook, REPORTS_SHEET, len(REPORT_HEADERS), MAX_ROWS, errors)
        metric_rows = _read_rows(workbook, METRICS_SHEET, len(METRIC_HEADERS), MAX_ROWS, errors)
    finally:
        workbook.close()
    if errors:
        return errors.result()
    _check_headers(REPORTS_SHEET, report_rows, REPORT_HEADERS, errors)
    _check_headers(METRICS_SHEET, metric_rows, METRIC_HEADERS, errors)
    if errors:
        return errors.result()
    try:
        check_period(month)
    except ValidationError as error:
        return _file_error(" ".join(error.messages))

    validator = _Validator(project=project, month=month, user=user, errors=errors)
    for number, cells in report_rows[1:]:
        validator.report_row(number, cells)
    for number, cells in metric_rows[1:]:
        validator.metric_row(number, cells)
    if errors:
        return errors.result()
    return _save(list(validator.changes.values()), month, user, validator.unchanged)


class _Abort(Exception):
    def __init__(self, error: CellError):
        self.error = error


def _save(changes: list[_Change], month: dt.date, user, unchanged: int) -> ImportResult:
    result = ImportResult(unchanged=unchanged)
    changes.sort(key=lambda change: change.subproject.code_sort)  # a fixed order of row locks
    try:
        with transaction.atomic():
            for change in changes:
                try:
                    monthly_report_save(
                        subproject=change.subproject, period=month, user=user,
                        data=ReportInput(fields=change.fields, values=change.values),
                        expected_version=change.version, action=ReportEvent.Action.IMPORTED,
                    )
                except (ReportLocked, ReportConflict, PermissionDenied) as error:
                    raise _Abort(CellError(change.sheet, change.row, "A", str(error))) from None
                except ValidationError as error:
                    raise _Abort(CellError(change.sheet, change.row, "A",
                                           " ".join(error.messages))) from None
                result.reports += bool(change.fields)
                result.values += len(change.values)
    except _Abort as abort:  # raised inside the atomic block: everything is rolled back
        return ImportResult(errors=[abort.error])
    return result
