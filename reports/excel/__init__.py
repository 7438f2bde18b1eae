"""The Excel round trip of the monthly reporting: the month's template of a project, and the
import of a filled one.

- `format`: what the template writer and the importer share — sheets, headers, the Finnish
  names in the cells, the normalised cell text and the row digest.
- `template`: the workbook the manager (every subproject) or a coordinator (their own)
  downloads (`build_template`).
- `reader`: opening an upload without trusting it — the size limits (`MAX_*`), the rows of a
  sheet, the check that it is this project's template of the month, the errors found.
- `importer`: validating the changed rows and saving them (`import_workbook`).

Who gets which rows and may change which is decided in projects.permissions
(`can_use_excel`, `excel_subprojects`, `can_save_on_behalf`): a manager's changes are saved
on behalf of each subproject's coordinator and recorded as such.

The import validates every changed cell first and imports only when the whole file is valid;
then it saves each subproject through `services.monthly_report_save` in one transaction, so
the reporting rules (who may edit, locked reports, conflicts, history) stay in one place.

A row is imported only when the user changed it: each data row carries, in hidden columns,
the report's version and a digest of the cells as the template wrote them. An unchanged row
is skipped, so a template passed round many coordinators never overwrites newer data with
its old copy, and rows of other people's subprojects can stay in the file untouched."""

from reports.excel.format import CONTENT_TYPE, FORMAT_VERSION
from reports.excel.importer import import_workbook
from reports.excel.reader import (
    MAX_ERRORS,
    MAX_ROWS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_WORKBOOK_CELLS,
    CellError,
    ImportResult,
    too_large,
)
from reports.excel.template import build_template, template_filename

__all__ = [
    "CONTENT_TYPE", "FORMAT_VERSION", "MAX_ERRORS", "MAX_ROWS", "MAX_SHEET_COLUMNS",
    "MAX_SHEET_ROWS", "MAX_UNPACKED_BYTES", "MAX_UPLOAD_BYTES", "MAX_WORKBOOK_CELLS", "CellError",
    "ImportResult", "build_template", "import_workbook", "template_filename",
    "too_large",
]
