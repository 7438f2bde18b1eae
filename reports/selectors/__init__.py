"""The reads of the reports app, one module per idea; the rest of the portal uses the names
below as `reports.selectors.<name>`:

- deadlines.py: when a month's reports are due, the open period, which reports count as
  reported and when one is late;
- reporting_rates.py: completeness (how many expected reports came, and on time) and the
  review page's row per expected subproject;
- form_rows.py: the metric inputs of a report form with this and last month's values;
- light_suggestion.py: the status light the form proposes;
- report_lists.py: the review queue, a coordinator's reports, the month's report, history;
- getters.py: the getters that check access (404 otherwise) and the project's documents.

Which subprojects are expected to report in a month is the Subproject queryset's
(`Subproject.objects.expected_to_report(month)`, workpackages.models)."""

from reports.selectors.deadlines import (
    REPORTED_STATES,
    current_period,
    deadline_for,
    default_deadline,
)
from reports.selectors.form_rows import MetricRow, metric_rows
from reports.selectors.getters import (
    get_visible_document,
    get_visible_report,
    get_visible_subproject,
    project_documents,
)
from reports.selectors.light_suggestion import suggested_light
from reports.selectors.report_lists import (
    field_label,
    has_previous_report,
    my_month_reports,
    my_report_months,
    my_reports,
    readable_value,
    report_for,
    report_history,
    review_queue,
)
from reports.selectors.reporting_rates import Completeness, completeness, completeness_rows

__all__ = [
    "REPORTED_STATES", "Completeness", "MetricRow", "completeness", "completeness_rows",
    "current_period", "deadline_for", "default_deadline", "field_label", "get_visible_document",
    "get_visible_report", "get_visible_subproject", "has_previous_report", "metric_rows",
    "my_month_reports", "my_report_months", "my_reports", "project_documents", "readable_value",
    "report_for", "report_history", "review_queue",
    "suggested_light",
]
