"""The month's reporting workbook of a project, as its manager (every subproject) or a
coordinator (their own) downloads it: an instructions sheet (Ohjeet, Finnish first), a
Raportit row per subproject expected to report and a Mittarit row per metric (and category)
due, with the version and digest the import reads back in hidden columns. What to fill in is
said in text (headers marked "(täytä)", locked rows' state "– locked"), not by colour alone."""

import datetime as dt
import io
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.models import Metric
from projects import permissions
from projects.formatting import format_month, light_keywords, phase_keywords, yes_no_keywords
from projects.models import Project
from projects.spreadsheets import is_formula_like
from reports import selectors
from reports.excel.format import (
    FILL_MARK,
    FORMAT_VERSION,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    METRIC_FILLED_COLUMNS,
    METRIC_HEADERS,
    METRICS_SHEET,
    REPORT_FIELDS,
    REPORT_FILLED_COLUMNS,
    REPORT_HEADERS,
    REPORTS_SHEET,
    clean_text,
    header_text,
    row_digest,
)
from reports.models import MonthlyReport
from reports.services import EDITABLE_STATES
from workpackages.models import Subproject

REPORT_WIDTHS = (10, 30, 14, 14, 12, 50, 50, 35, 35, 35, 8, 8)
METRIC_WIDTHS = (10, 14, 45, 18, 18, 10, 14, 35, 18, 14, 8, 8)

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")
EDITABLE_FILL = PatternFill("solid", fgColor="FFFDE7")
WRAP = Alignment(wrap_text=True, vertical="top")


def template_filename(project: Project, month: dt.date) -> str:
    return f"{project.code}-kuukausiraportit-{month:%Y-%m}.xlsx"


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
        return yes_no_keywords()[0] if value.value else yes_no_keywords()[1]
    if row.metric.kind == Metric.Kind.PHASE and value.value in (1, 2, 3, 4):
        return phase_keywords()[int(value.value) - 1]
    return _number_cell(value.value)


def _state_label(report: MonthlyReport | None) -> str:
    """The report's state; a row the import will not change says it is locked, in text as
    well as by its grey fill."""
    if report is None:
        return str(_("not started"))
    if report.state not in EDITABLE_STATES:
        return _("%(state)s – locked") % {"state": report.get_state_display()}
    return str(report.get_state_display())


# The instructions sheet, in Finnish first, then Swedish and English: (language, its own name).
INSTRUCTION_LANGUAGES = (("fi", "Suomeksi"), ("sv", "På svenska"), ("en", "In English"))


def _instructions(manager: bool) -> list[str]:
    """The paragraphs of the instructions sheet in the active language."""
    paragraphs = [
        _("Fill in only the columns whose header says %(mark)s: on the sheet Raportit the "
          "status light, progress and texts (columns D–J), on the sheet Mittarit the value and "
          "comment (columns G–H). The other columns are locked. The colours repeat the same: "
          "yellow cells are filled in, grey rows are locked.") % {"mark": FILL_MARK},
        _("A row whose state (column Tila) says “locked” is a submitted or approved report; "
          "this file cannot change it. An approved report is changed only when the project "
          "manager reopens it in the portal."),
        _("Status light: %(lights)s. Progress: a whole number from 0 to 100. A yes/no metric: "
          "%(yes_no)s. Write the names as in the lists of the cells, in Finnish or "
          "Swedish.") % {
            "lights": ", ".join(light_keywords().values()), "yes_no": " / ".join(yes_no_keywords())},
        _("Rows you do not change are skipped. The file is imported only when every changed "
          "cell is valid; otherwise nothing is saved and the errors are listed by sheet, row "
          "and column."),
        _("Do not rename, add or remove columns, and do not change the hidden columns K–L."),
    ]
    if manager:
        paragraphs.insert(0, _(
            "This template holds every subproject of the project. When you, the project "
            "manager, upload it, each subproject's changes are saved on behalf of its "
            "coordinator and recorded so in the report's history."))
    else:
        paragraphs.insert(0, _(
            "This template holds the subprojects you are responsible for."))
    return paragraphs


def _instructions_sheet(workbook: Workbook, project: Project, month: dt.date,
                        manager: bool) -> None:
    # After the data sheets, so that their files keep their places (sheet1 Raportit, sheet2
    # Mittarit), but the sheet the file opens on.
    sheet = workbook.create_sheet(INSTRUCTIONS_SHEET)
    workbook.active = sheet
    sheet.sheet_view.tabSelected = True
    sheet.column_dimensions["A"].width = 110
    number = 1
    _text_cell(sheet.cell(row=number, column=1), f"{project.code} {project.name} {format_month(month)}")
    sheet.cell(row=number, column=1).font = Font(bold=True, size=14)
    for language, name in INSTRUCTION_LANGUAGES:
        number += 2
        _text_cell(sheet.cell(row=number, column=1), name)
        sheet.cell(row=number, column=1).font = Font(bold=True)
        with translation.override(language):
            for paragraph in _instructions(manager):
                number += 1
                cell = sheet.cell(row=number, column=1)
                _text_cell(cell, paragraph)
                cell.alignment = WRAP
    sheet.protection.sheet = True


def _sheet(workbook: Workbook, title: str, headers: tuple, widths: tuple, filled: frozenset[int]):
    sheet = workbook.create_sheet(title)
    for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=index, value=header_text(header, index, filled))
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
    cell.value = clean_text(value) or None
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


def build_template(*, project: Project, month: dt.date, user) -> bytes:
    """The month's reporting workbook of the project as the user gets it: the instructions,
    a Raportit row per subproject expected to report whose rows are the user's (every one
    for the manager, a coordinator's own), a Mittarit row per metric (and category) due,
    both filled with what has been saved so far; rows of submitted and approved reports are
    locked and marked so."""
    subprojects = list(permissions.excel_subprojects(
        user, project, Subproject.objects.filter(project=project).expected_to_report(month))
        .select_related("work_package").order_by("work_package__code_sort", "code_sort")
    )
    reports = {
        r.subproject_id: r
        for r in MonthlyReport.objects.filter(subproject__in=subprojects, period=month)
    }
    workbook = Workbook()
    workbook.properties.title = f"{project.code} {format_month(month)}"
    workbook.remove(workbook.active)

    sheet = _sheet(workbook, REPORTS_SHEET, REPORT_HEADERS, REPORT_WIDTHS, REPORT_FILLED_COLUMNS)
    for number, sub in enumerate(subprojects, start=2):
        report = reports.get(sub.pk)
        cells = [
            light_keywords().get(report.light, "") if report else "",
            report.progress if report else None,
            *[getattr(report, name) if report else "" for name in REPORT_FIELDS[2:]],
        ]
        version = report.version if report else 0
        locked = report is not None and report.state not in EDITABLE_STATES
        _write_row(
            sheet, number,
            [sub.code, sub.name, _state_label(report), *cells, version,
             row_digest("R", sub.code, *cells)],
            editable=REPORT_FILLED_COLUMNS, locked=locked,
        )
    last = len(subprojects) + 1
    if subprojects:
        lights = _list_validation(list(light_keywords().values()), REPORT_HEADERS[3])
        lights.add(f"D2:D{last}")
        progress = DataValidation(
            type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
            showErrorMessage=True, errorTitle=REPORT_HEADERS[4],
            error=_("Give the progress as a whole number from 0 to 100."),
        )
        progress.add(f"E2:E{last}")
        sheet.add_data_validation(lights)
        sheet.add_data_validation(progress)

    sheet = _sheet(workbook, METRICS_SHEET, METRIC_HEADERS, METRIC_WIDTHS, METRIC_FILLED_COLUMNS)
    yes_no = _list_validation(yes_no_keywords(), METRIC_HEADERS[6])
    phases = _list_validation(phase_keywords(), METRIC_HEADERS[6])
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
                 row_digest("M", sub.code, metric.code, category, value, comment)],
                editable=METRIC_FILLED_COLUMNS, locked=locked,
            )
            if metric.kind == Metric.Kind.YES_NO:
                yes_no.add(f"G{number}")
            elif metric.kind == Metric.Kind.PHASE:
                phases.add(f"G{number}")
    for validation in (yes_no, phases):
        if validation.sqref:
            sheet.add_data_validation(validation)

    _instructions_sheet(workbook, project, month, permissions.can_review_reports(user, project))
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

