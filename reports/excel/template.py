"""The month's reporting workbook of a project, as the manager downloads it: a Raportit row
per subproject expected to report and a Mittarit row per metric (and category) due, with the
version and digest the import reads back in hidden columns."""

import datetime as dt
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.models import Metric
from projects.formatting import format_month, light_keywords, phase_keywords, yes_no_keywords
from projects.models import Project
from projects.spreadsheets import is_formula_like
from reports import selectors
from reports.excel.format import (
    FORMAT_VERSION,
    META_SHEET,
    METRIC_HEADERS,
    METRICS_SHEET,
    REPORT_FIELDS,
    REPORT_HEADERS,
    REPORTS_SHEET,
    clean_text,
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
    return str(report.get_state_display()) if report else _("not started")


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


def build_template(*, project: Project, month: dt.date) -> bytes:
    """The month's reporting workbook of the project: a Raportit row per subproject expected
    to report, a Mittarit row per metric (and category) due, both filled with what has been
    saved so far; rows of submitted and approved reports are locked and marked."""
    subprojects = list(
        Subproject.objects.filter(project=project).expected_to_report(month)
        .select_related("work_package").order_by("work_package__code_sort", "code_sort")
    )
    reports = {
        r.subproject_id: r
        for r in MonthlyReport.objects.filter(subproject__in=subprojects, period=month)
    }
    workbook = Workbook()
    workbook.properties.title = f"{project.code} {format_month(month)}"

    sheet = _sheet(workbook, REPORTS_SHEET, REPORT_HEADERS, REPORT_WIDTHS, first=True)
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
            editable=set(range(4, 11)), locked=locked,
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

    sheet = _sheet(workbook, METRICS_SHEET, METRIC_HEADERS, METRIC_WIDTHS)
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

