"""The monthly reporting workflow: save, submit, return, approve, reopen.

Every entry point (pages, Excel import, API, tasks, tests) calls these functions, so the
rules live here: who may do what, what an approved report refuses, how conflicts are caught
and what the history records."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import DisaggregationCategory, Metric
from indicators.services import ParsedValue, check_period, metric_value_set
from projects import permissions
from reports import selectors, tasks
from reports.models import MonthlyReport, ReportEvent, StatusLight
from workpackages.models import Subproject

TEXT_FIELDS = ["situation", "next_steps", "problems", "help_needed", "light_reason"]
EDITABLE_FIELDS = ["light", "progress", *TEXT_FIELDS]
EDITABLE_STATES = (MonthlyReport.State.DRAFT, MonthlyReport.State.RETURNED)


class ReportLocked(Exception):
    """The report is approved (or waiting for review) and refuses changes."""

    def __init__(self, report: MonthlyReport):
        self.report = report
        if report.state == MonthlyReport.State.APPROVED:
            message = _("The report is approved and locked. Ask the project manager to reopen it.")
        else:
            message = _("The report has been submitted and waits for the manager's review.")
        super().__init__(message)


class ReportConflict(Exception):
    """Someone else saved the report after this user opened it."""

    def __init__(self, report: MonthlyReport, changed: dict[str, str], by: str):
        self.report, self.changed, self.by = report, changed, by
        super().__init__(
            _("%(user)s saved this report while you were editing it. Your text is kept below; "
              "compare it with the saved version and save again.") % {"user": by}
        )


@dataclass
class ValueInput:
    metric: Metric
    category: DisaggregationCategory | None
    parsed: ParsedValue
    comment: str = ""


@dataclass
class ReportInput:
    fields: dict = field(default_factory=dict)
    values: list[ValueInput] = field(default_factory=list)


def _record(report: MonthlyReport, user, action: str, comment: str = "", changes=None) -> None:
    ReportEvent.objects.create(
        report=report, user=user if user and user.is_authenticated else None,
        action=action, comment=comment, changes=changes or {},
    )


def _name(user) -> str:
    if user is None:
        return _("another user")
    return user.get_full_name() or user.username


def _recompute_rollup_after_commit(report: MonthlyReport) -> None:
    """Approved data changed: refresh the month's roll-up once the change is committed."""
    project_id, month = report.subproject.project_id, report.period.isoformat()
    # Never fails the request: with Redis down the hourly sweep recomputes it instead.
    transaction.on_commit(lambda: tasks.enqueue_rollup(project_id, month))


def _bump(report: MonthlyReport, fields: list[str]) -> None:
    report.version += 1
    report.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def monthly_report_save(
    *, subproject: Subproject, period: dt.date, user, data: ReportInput,
    expected_version: int | None, action: str = ReportEvent.Action.SAVED,
) -> MonthlyReport:
    """Save a draft: report texts and the month's metric values, without the checks meant
    for submitting. Refuses a locked report (ReportLocked) and a stale version
    (ReportConflict); records every changed field in the history."""
    if not permissions.can_edit_report(user, subproject):
        raise PermissionDenied(_("You can edit only the reports of your own subprojects."))
    check_period(period)
    report, created = MonthlyReport.objects.select_for_update(of=("self",)).order_by().get_or_create(
        subproject=subproject, period=period
    )
    if created:
        report.suggested_light = selectors.suggested_light(subproject, period)
        report.save(update_fields=["suggested_light"])
        _record(report, user, ReportEvent.Action.CREATED)
    elif report.state not in EDITABLE_STATES:
        raise ReportLocked(report)
    elif expected_version is not None and expected_version != report.version:
        last = report.events.exclude(user=user).select_related("user").first()
        changed = {
            name: getattr(report, name) for name in EDITABLE_FIELDS
            if name in data.fields and getattr(report, name) != data.fields[name]
        }
        raise ReportConflict(report, changed, _name(last.user if last else None))

    changes = {}
    for name in EDITABLE_FIELDS:
        if name in data.fields and getattr(report, name) != data.fields[name]:
            changes[name] = {"old": getattr(report, name), "new": data.fields[name]}
            setattr(report, name, data.fields[name])
    value_changes = {}
    for item in data.values:
        _value, change = metric_value_set(
            metric=item.metric, period=period, category=item.category, parsed=item.parsed,
            comment=item.comment, user=user,
        )
        if change:
            key = item.metric.code + (f" / {item.category.name}" if item.category else "")
            value_changes[key] = change
    report.full_clean(exclude=["subproject", "period"], validate_unique=False)
    if changes or value_changes or created:
        _bump(report, [*changes.keys()])
    if changes:
        _record(report, user, action, changes=changes)
    if value_changes:
        _record(report, user, ReportEvent.Action.VALUES, changes=value_changes)
    return report


def submit_problems(report: MonthlyReport) -> dict[str, list[str]]:
    """What must be fixed before the report can be submitted, by field name."""
    problems: dict[str, list[str]] = {}

    def need(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if not report.light:
        need("light", _("Choose a status light."))
    if not report.situation.strip():
        need("situation", _("Describe the situation and key achievements."))
    if not report.next_steps.strip():
        need("next_steps", _("Describe the progress and upcoming actions."))
    if (report.light and report.suggested_light and report.light != report.suggested_light
            and not report.light_reason.strip()):
        need("light_reason", _(
            "You chose a different light than suggested (%(suggested)s): give the reason."
        ) % {"suggested": StatusLight(report.suggested_light).label})
    for row in selectors.metric_rows(report.subproject, report.period):
        if row.value_missing:
            need(row.field_name, _("Enter the value before submitting."))
        elif row.sudden_change and not row.comment.strip():
            need(row.comment_field_name, _(
                "The value differs much from last month's (%(previous)s): explain it in a comment."
            ) % {"previous": row.previous_display})
    return problems


@transaction.atomic
def monthly_report_submit(*, report: MonthlyReport, user) -> MonthlyReport:
    """Send the report to the manager's review queue once it is complete."""
    report = MonthlyReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if not permissions.can_edit_report(user, report.subproject):
        raise PermissionDenied(_("You can submit only the reports of your own subprojects."))
    if report.state not in EDITABLE_STATES:
        raise ReportLocked(report)
    problems = submit_problems(report)
    if problems:
        raise ValidationError(problems)
    report.state = MonthlyReport.State.SUBMITTED
    report.submitted_at = timezone.now()
    _bump(report, ["state", "submitted_at"])
    _record(report, user, ReportEvent.Action.SUBMITTED)
    return report


def _manager_transition(report: MonthlyReport, user, allowed_from, action_text) -> MonthlyReport:
    report = MonthlyReport.objects.select_for_update(of=("self",)).select_related("subproject").get(
        pk=report.pk
    )
    if not permissions.can_review_reports(user, report.subproject.project_id):
        raise PermissionDenied(_("Only the project manager can %(action)s reports.") % {
            "action": action_text})
    if report.state not in allowed_from:
        raise ValidationError(_("The report is %(state)s and cannot be %(action)s now.") % {
            "state": report.get_state_display(), "action": action_text})
    return report


@transaction.atomic
def monthly_report_return(*, report: MonthlyReport, user, comment: str) -> MonthlyReport:
    """Send a submitted report back to the coordinator with the manager's comment."""
    report = _manager_transition(report, user, [MonthlyReport.State.SUBMITTED], _("returned"))
    if not comment.strip():
        raise ValidationError({"comment": [_("Tell the coordinator what to fix.")]})
    report.state = MonthlyReport.State.RETURNED
    report.return_comment = comment.strip()
    _bump(report, ["state", "return_comment"])
    _record(report, user, ReportEvent.Action.RETURNED, comment=comment.strip())
    return report


@transaction.atomic
def monthly_report_approve(*, report: MonthlyReport, user) -> MonthlyReport:
    """Approve a submitted report; the report and its values are then locked."""
    report = _manager_transition(report, user, [MonthlyReport.State.SUBMITTED], _("approved"))
    report.state = MonthlyReport.State.APPROVED
    report.approved_at, report.approved_by = timezone.now(), user
    _bump(report, ["state", "approved_at", "approved_by"])
    _record(report, user, ReportEvent.Action.APPROVED)
    _recompute_rollup_after_commit(report)
    return report


@transaction.atomic
def monthly_report_approve_many(*, reports, user) -> int:
    """Approve several submitted reports at once (all or none)."""
    count = 0
    for report in reports:
        monthly_report_approve(report=report, user=user)
        count += 1
    return count


@transaction.atomic
def monthly_report_reopen(*, report: MonthlyReport, user, reason: str) -> MonthlyReport:
    """Unlock an approved report for corrections; the reason is recorded."""
    report = _manager_transition(report, user, [MonthlyReport.State.APPROVED], _("reopened"))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for reopening.")]})
    report.state = MonthlyReport.State.RETURNED
    report.return_comment = reason.strip()
    report.approved_at = report.approved_by = None
    _bump(report, ["state", "return_comment", "approved_at", "approved_by"])
    _record(report, user, ReportEvent.Action.REOPENED, comment=reason.strip())
    _recompute_rollup_after_commit(report)
    return report


@transaction.atomic
def monthly_report_copy_previous(*, subproject: Subproject, period: dt.date, user,
                                 expected_version: int | None) -> MonthlyReport:
    """Start this month's texts from the previous report's."""
    previous = (
        MonthlyReport.objects.filter(subproject=subproject, period__lt=period)
        .order_by("-period").first()
    )
    if previous is None:
        raise ValidationError(_("There is no earlier report to copy."))
    fields = {name: getattr(previous, name) for name in
              ["light", "progress", "situation", "next_steps", "problems", "help_needed"]}
    return monthly_report_save(
        subproject=subproject, period=period, user=user, data=ReportInput(fields=fields),
        expected_version=expected_version,
    )
