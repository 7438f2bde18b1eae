"""The import of a filled-in template.

A coordinator's rows are saved as theirs; the project manager's rows (the sheets managers
collect from coordinators) on behalf of each subproject's coordinator, recorded so in the
history and the audit. A changed row the uploader may not change is an error like any other.

It validates every changed cell first and imports only when the whole file is valid; then it
saves each subproject through `services.monthly_report_save` in one transaction, so the
reporting rules (who may edit, locked reports, conflicts, history) stay in one place. A row
the user did not change (its digest matches) is skipped."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from indicators.services import (
    COMMENT_MAX_LENGTH,
    check_comment,
    check_period,
    parse_metric_input,
)
from projects import permissions
from projects.formatting import format_month, light_from_keyword, light_keywords
from projects.models import Project
from reports import selectors
from reports.excel.format import (
    METRIC_FILLED_COLUMNS,
    METRIC_HEADERS,
    METRICS_SHEET,
    REPORT_FIELDS,
    REPORT_FILLED_COLUMNS,
    REPORT_HEADERS,
    REPORTS_SHEET,
    normalise,
    row_digest,
)
from reports.excel.reader import (
    MAX_ROWS,
    CellError,
    Errors,
    ImportResult,
    check_formulas,
    check_headers,
    check_meta,
    file_error,
    open_workbook,
    read_bytes,
    read_rows,
)
from reports.models import MonthlyReport, ReportEvent
from reports.services import (
    EDITABLE_STATES,
    TEXT_MAX_LENGTH,
    ReportConflict,
    ReportInput,
    ReportLocked,
    ValueInput,
    check_length,
    monthly_report_save,
)
from workpackages.models import Subproject


def _light(value) -> str:
    text = normalise(value).lower()
    if not text:
        return ""
    light = light_from_keyword(text)  # Finnish or Swedish
    if light:
        return light
    raise ValidationError(_("Choose a status light: %(names)s.") % {
        "names": ", ".join(light_keywords().values())})


def _progress(value) -> int | None:
    text = normalise(value).rstrip("%").strip().replace(",", ".")
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
    on_behalf_of: object = None  # the coordinator the manager saves for, if so
    fields: dict = field(default_factory=dict)
    values: list[ValueInput] = field(default_factory=list)


class _Validator:
    """Checks the rows of an upload against the project's month and the uploader's rights,
    collecting every error and the changes to save."""

    def __init__(self, *, project: Project, month: dt.date, user, errors: Errors):
        self.month, self.user, self.errors = month, user, errors
        self.subprojects = {
            s.code: s for s in Subproject.objects.filter(project=project)
            .expected_to_report(month).select_related("project")
        }
        self.reports = {
            r.subproject_id: r
            for r in MonthlyReport.objects.filter(
                subproject__in=self.subprojects.values(), period=month)
        }
        self.changes: dict[int, _Change] = {}
        self.unchanged = 0
        self._author: dict[int, tuple] = {}
        self._metric_rows: dict[int, dict] = {}
        self._seen: dict[tuple, int] = {}

    def error(self, sheet, row, column, message) -> None:
        self.errors.add(sheet, row, column, message)

    def author(self, sub: Subproject) -> tuple[bool, object, str]:
        """(may the uploader change the subproject's report, the coordinator a manager saves
        for or None, why not). A coordinator changes their own subprojects' rows; the
        project's manager any subproject's, on behalf of its coordinator."""
        if sub.pk not in self._author:
            if permissions.can_edit_report(self.user, sub):
                self._author[sub.pk] = (True, None, "")
            elif permissions.can_review_reports(self.user, sub.project_id):
                coordinator = permissions.report_coordinator(sub)
                if permissions.can_save_on_behalf(self.user, sub, coordinator):
                    self._author[sub.pk] = (True, coordinator, "")
                else:
                    self._author[sub.pk] = (False, None, _(
                        "Subproject %(code)s has no coordinator with an account in the portal, "
                        "so its report cannot be saved on a coordinator's behalf. Leave its rows "
                        "as they were or remove them."
                    ) % {"code": sub.code})
            else:
                self._author[sub.pk] = (False, None, _(
                    "Subproject %(code)s is not yours: only its coordinator or the project "
                    "manager can change its report. Leave its rows as they were or remove them."
                ) % {"code": sub.code})
        return self._author[sub.pk]

    def metric_rows(self, sub: Subproject) -> dict:
        if sub.pk not in self._metric_rows:
            self._metric_rows[sub.pk] = {
                (row.metric.code, row.category.name.casefold() if row.category else ""): row
                for row in selectors.metric_rows(sub, self.month)
            }
        return self._metric_rows[sub.pk]

    def subproject(self, sheet: str, number: int, cell) -> Subproject | None:
        code = normalise(cell)
        if not code:
            self.error(sheet, number, "A", _("The subproject code is missing."))
            return None
        sub = self.subprojects.get(code)
        if sub is None:
            self.error(sheet, number, "A", _(
                "Unknown subproject code %(code)s: no subproject with this code reports in "
                "%(month)s."
            ) % {"code": code, "month": format_month(self.month)})
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
        may, _coordinator, why_not = self.author(sub)
        if not may:
            self.error(sheet, number, "A", why_not)
            return False
        if report is not None and report.state not in EDITABLE_STATES:
            self.error(sheet, number, column, str(ReportLocked(report)))
            return False
        current = report.version if report else 0
        try:
            expected = int(normalise(version))
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
            self.changes[sub.pk] = _Change(sub, report.version if report else 0, sheet, number,
                                           on_behalf_of=self.author(sub)[1])
        return self.changes[sub.pk]

    def report_row(self, number: int, cells: tuple) -> None:
        sheet = REPORTS_SHEET
        sub = self.subproject(sheet, number, cells[0])
        if sub is None or not self.first_time(sheet, number, ("R", sub.pk), "A"):
            return
        if row_digest("R", sub.code, *cells[3:10]) == normalise(cells[11]):
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
                    fields[name] = normalise(cells[index])
                    check_length(fields[name], TEXT_MAX_LENGTH)
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
        code, category = normalise(cells[1]), normalise(cells[3])
        rows = self.metric_rows(sub)
        row = rows.get((code, category.casefold()))
        if row is None:
            if not code:
                self.error(sheet, number, "B", _("The metric code is missing."))
            elif code not in {metric_code for metric_code, _category in rows}:
                self.error(sheet, number, "B", _(
                    "Unknown metric code %(code)s: subproject %(subproject)s has no such metric "
                    "due in %(month)s."
                ) % {"code": code, "subproject": sub.code, "month": format_month(self.month)})
            else:
                self.error(sheet, number, "D", _(
                    "Unknown category “%(category)s” of metric %(code)s."
                ) % {"category": category, "code": code})
            return
        if not self.first_time(sheet, number, ("M", sub.pk, code, category.casefold()), "B"):
            return
        if row_digest("M", sub.code, code, category, cells[6], cells[7]) == normalise(cells[11]):
            self.unchanged += 1
            return
        comment = normalise(cells[7])
        try:
            check_length(comment, COMMENT_MAX_LENGTH)
        except ValidationError as error:
            comment_errors = error.messages
        else:
            comment_errors = []
        try:
            parsed = parse_metric_input(row.metric, cells[6])
        except ValidationError as error:
            parsed, messages = None, error.messages
        else:
            messages = []
            try:
                check_comment(parsed, comment)
            except ValidationError as error:
                comment_errors = [*comment_errors, *error.messages]
            stored = row.value
            if (stored is None and parsed.is_empty and not comment) or (stored is not None and (
                    parsed.value, parsed.text, comment)
                    == (stored.value, stored.text_value, stored.comment)):
                self.unchanged += 1
                return
        if not self.allowed(sheet, number, sub, "G", cells[10]):
            return
        for column, column_messages in (("G", messages), ("H", comment_errors)):
            for message in column_messages:
                self.error(sheet, number, column, message)
        if parsed is None or comment_errors:
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
    data = read_bytes(file)
    if isinstance(data, ImportResult):
        return data
    workbook = open_workbook(data)
    if isinstance(workbook, ImportResult):
        return workbook
    errors = Errors()
    try:
        check_meta(workbook, project, month, errors)
        if errors:
            return errors.result()
        report_rows = read_rows(workbook, REPORTS_SHEET, len(REPORT_HEADERS), MAX_ROWS, errors)
        metric_rows = read_rows(workbook, METRICS_SHEET, len(METRIC_HEADERS), MAX_ROWS, errors)
    finally:
        workbook.close()
    if errors:
        return errors.result()
    check_headers(REPORTS_SHEET, report_rows, REPORT_HEADERS, errors, REPORT_FILLED_COLUMNS)
    check_headers(METRICS_SHEET, metric_rows, METRIC_HEADERS, errors, METRIC_FILLED_COLUMNS)
    if errors:
        return errors.result()
    check_formulas(data, {REPORTS_SHEET: report_rows, METRICS_SHEET: metric_rows}, errors)
    if errors:
        return errors.result()
    try:
        check_period(month)
    except ValidationError as error:
        return file_error(" ".join(error.messages))

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
                        on_behalf_of=change.on_behalf_of,
                    )
                except (ReportLocked, ReportConflict, PermissionDenied) as error:
                    raise _Abort(CellError(change.sheet, change.row, "A", str(error))) from None
                except ValidationError as error:
                    raise _Abort(CellError(change.sheet, change.row, "A",
                                           " ".join(error.messages))) from None
                result.reports += bool(change.fields)
                result.values += len(change.values)
                if change.on_behalf_of is not None:
                    coordinator = change.on_behalf_of
                    result.on_behalf.append((change.subproject.code, coordinator.get_full_name()
                                             or coordinator.get_username()))
    except _Abort as abort:  # raised inside the atomic block: everything is rolled back
        return ImportResult(errors=[abort.error])
    return result
