"""The monthly reporting workflow: save, submit, return, approve, reopen.

Every entry point (pages, Excel import, API, tasks, tests) calls these functions, so the
rules live here: who may do what, what an approved report refuses, how conflicts are caught
and what the history records."""

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import selectors as indicator_selectors
from indicators.models import DisaggregationCategory, Metric
from indicators.services import (
    COMMENT_MAX_LENGTH,
    ParsedValue,
    check_comment,
    check_period,
    metric_value_set,
    values_publish,
    values_withdraw,
)
from projects import audit, permissions
from projects.models import Project
from reports import selectors, tasks
from reports.models import MonthlyReport, ReportEvent, StatusLight
from workpackages.models import Subproject

TEXT_FIELDS = ["situation", "next_steps", "problems", "help_needed", "light_reason"]
EDITABLE_FIELDS = ["light", "progress", *TEXT_FIELDS]
EDITABLE_STATES = (MonthlyReport.State.DRAFT, MonthlyReport.State.RETURNED)
# The longest text a report field or a manager's comment takes (a few printed pages).
TEXT_MAX_LENGTH = 5000


class ReportLocked(Exception):
    """The report is approved (or waiting for review) and refuses changes."""

    def __init__(self, report: MonthlyReport, user=None):
        self.report = report
        if report.state == MonthlyReport.State.APPROVED and user is not None and (
                permissions.can_review_reports(user, report.project_id)):
            message = _("The report is approved and locked. To change it, reopen it below "
                        "with the reason.")
        elif report.state == MonthlyReport.State.APPROVED:
            message = _("The report is approved and locked. Ask the project manager to reopen it.")
        else:
            message = _("The report has been submitted and waits for the manager's review.")
        super().__init__(message)


class ReportConflict(Exception):
    """Someone else saved the report after this user opened it."""

    def __init__(self, report: MonthlyReport, changed: dict[str, str], by: str,
                 by_self: bool = False):
        self.report, self.changed, self.by, self.by_self = report, changed, by, by_self
        # (label, saved value) in the reader's language, for the conflict panel
        self.readable = [(selectors.field_label(name), selectors.readable_value(name, value))
                         for name, value in changed.items()]
        if by_self:
            message = _("You saved this report in another window or tab while editing it "
                        "here. Your text is kept below; compare it with the saved version and "
                        "save again.")
        else:
            message = _("%(user)s saved this report while you were editing it. Your text is "
                        "kept below; compare it with the saved version and save again.") % {
                            "user": by}
        super().__init__(message)


class ReportChanged(Exception):
    """The report changed after the manager opened it: approving now would publish what
    the manager has not read."""

    def __init__(self, report: MonthlyReport):
        self.report = report
        super().__init__(_(
            "Report %(report)s changed after you opened it, and it was not approved. Read it "
            "again before approving."
        ) % {"report": str(report)})


@dataclass
class ValueInput:
    metric: Metric
    category: DisaggregationCategory | None
    parsed: ParsedValue
    comment: str = ""

    @property
    def key(self) -> str:
        """The value's name in the report form (metric_<key>, comment_<key>)."""
        return f"{self.metric.pk}_{self.category.pk}" if self.category else str(self.metric.pk)


@dataclass
class ReportInput:
    fields: dict = field(default_factory=dict)
    values: list[ValueInput] = field(default_factory=list)


def _record(report: MonthlyReport, user, action: str, comment: str = "", changes=None,
            on_behalf_of=None) -> None:
    ReportEvent.objects.create(
        report=report, user=user if user and user.is_authenticated else None,
        action=action, comment=comment, changes=changes or {}, on_behalf_of=on_behalf_of,
    )


def _name(user) -> str:
    if user is None:
        return _("another user")
    return user.get_full_name() or user.username


def _recompute_rollup_after_commit(report: MonthlyReport) -> None:
    """Approved data changed: refresh the month's roll-up once the change is committed."""
    project_id, month, changed_at = report.project_id, report.period.isoformat(), report.updated_at
    # Never fails the request: with Redis down the hourly sweep recomputes it instead.
    transaction.on_commit(lambda: tasks.enqueue_rollup(project_id, month, changed_at))


def _values_of(report: MonthlyReport):
    return indicator_selectors.report_values(
        project_id=report.project_id, subproject_id=report.subproject_id, period=report.period)


def _bump(report: MonthlyReport, fields: list[str]) -> None:
    report.version += 1
    report.save(update_fields=[*fields, "version", "updated_at"])


def visible(text: str) -> str:
    """The text without surrounding whitespace and invisible format characters (a
    zero-width space or a byte order mark alone says nothing)."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


def check_length(text, limit: int) -> None:
    """Refuse a text longer than the limit, saying how long it is."""
    if isinstance(text, str) and len(text) > limit:
        raise ValidationError(_("Write at most %(limit)d characters (now %(count)d).") % {
            "limit": limit, "count": len(text)})


def _check_lengths(texts: dict[str, str], limit: int) -> None:
    too_long = {}
    for name, text in texts.items():
        try:
            check_length(text, limit)
        except ValidationError as error:
            too_long[name] = error.messages
    if too_long:
        raise ValidationError(too_long)


def _owned_value(report: MonthlyReport, item: ValueInput) -> None:
    """A report writes only its own metrics' values (never a sibling's or another project's)."""
    metric = item.metric
    owned = (metric.subproject_id == report.subproject_id if report.subproject_id
             else metric.project_id == report.project_id and metric.subproject_id is None)
    if not owned:
        raise ValidationError(_(
            "Metric %(code)s is not reported in this report; its value was not saved."
        ) % {"code": metric.code})
    if item.category is not None and item.category.disaggregation_id != metric.disaggregation_id:
        raise ValidationError(_("Category %(category)s does not belong to metric %(code)s.") % {
            "category": item.category.name, "code": metric.code})


@transaction.atomic
def monthly_report_save(
    *, period: dt.date, user, data: ReportInput, expected_version: int | None,
    subproject: Subproject | None = None, project: Project | None = None,
    action: str = ReportEvent.Action.SAVED, on_behalf_of=None,
) -> MonthlyReport:
    """Save a draft: report texts and the month's metric values, without the checks meant
    for submitting. A subproject's report is its coordinator's; the project's own report
    (no subproject: the goal and project metrics) is the manager's.

    `expected_version` is the version the user opened (0 or None: no report existed yet).
    Refuses a locked report (ReportLocked), a report saved by someone else meanwhile — also
    one created meanwhile (ReportConflict) — and values of metrics the report does not
    carry; records every changed field in the history.

    `on_behalf_of`: the subproject's coordinator, when the project's manager saves for them
    (an Excel sheet the coordinator filled); the history and the audit record both."""
    if on_behalf_of is not None:
        if subproject is None or not permissions.can_save_on_behalf(user, subproject, on_behalf_of):
            raise PermissionDenied(_(
                "Only the project manager can save a report on behalf of its coordinator."))
        with audit.on_behalf_of(on_behalf_of):
            return _save_draft(period=period, user=user, data=data, subproject=subproject,
                               project=subproject.project, expected_version=expected_version,
                               action=action, on_behalf_of=on_behalf_of)
    if subproject is not None:
        project = subproject.project
        if not permissions.can_edit_report(user, subproject):
            raise PermissionDenied(_("You can edit only the reports of your own subprojects."))
    elif project is None or not permissions.can_edit_project_report(user, project):
        raise PermissionDenied(_("Only the project manager can edit the project's own report."))
    return _save_draft(period=period, user=user, data=data, subproject=subproject, project=project,
                       expected_version=expected_version, action=action)


def _save_draft(*, period, user, data: ReportInput, subproject, project, expected_version, action,
                on_behalf_of=None) -> MonthlyReport:
    """monthly_report_save once the user's right to the report is checked."""
    check_period(period, project)
    _check_lengths({name: data.fields.get(name) for name in TEXT_FIELDS}, TEXT_MAX_LENGTH)
    _check_lengths({f"comment_{item.key}": item.comment for item in data.values},
                   COMMENT_MAX_LENGTH)
    for item in data.values:
        try:
            check_comment(item.parsed, item.comment)
        except ValidationError as error:
            raise ValidationError({f"comment_{item.key}": error.messages}) from None
    report, created = MonthlyReport.objects.select_for_update(of=("self",)).order_by().get_or_create(
        subproject=subproject, period=period, project=project,
    )
    if created and subproject is not None:
        report.suggested_light = selectors.suggested_light(subproject, period)
        report.save(update_fields=["suggested_light"])
    if created:
        _record(report, user, ReportEvent.Action.CREATED, on_behalf_of=on_behalf_of)
    elif report.state not in EDITABLE_STATES:
        raise ReportLocked(report, user)
    elif (expected_version or 0) != report.version:
        last = report.events.select_related("user").first()
        changed = {
            name: getattr(report, name) for name in EDITABLE_FIELDS
            if name in data.fields and getattr(report, name) != data.fields[name]
        }
        by_self = bool(last and last.user_id == user.pk)
        raise ReportConflict(report, changed, _name(last.user if last else None), by_self)

    changes = {}
    for name in EDITABLE_FIELDS:
        if name in data.fields and getattr(report, name) != data.fields[name]:
            changes[name] = {"old": getattr(report, name), "new": data.fields[name]}
            setattr(report, name, data.fields[name])
    value_changes = {}
    for item in data.values:
        try:
            _owned_value(report, item)
            _value, change = metric_value_set(
                metric=item.metric, period=period, category=item.category, parsed=item.parsed,
                comment=item.comment, user=user,
            )
        except ValidationError as error:  # said at the value's own field
            raise ValidationError({f"metric_{item.key}": error.messages}) from None
        if change:
            key = item.metric.code + (f" / {item.category.name}" if item.category else "")
            value_changes[key] = change
    report.full_clean(exclude=["project", "subproject", "period"], validate_unique=False)
    if changes or value_changes or created:
        _bump(report, [*changes.keys()])
    if changes:
        _record(report, user, action, changes=changes, on_behalf_of=on_behalf_of)
    if value_changes:
        _record(report, user, ReportEvent.Action.VALUES, changes=value_changes,
                on_behalf_of=on_behalf_of)
    return report


def submit_problems(report: MonthlyReport) -> dict[str, list[str]]:
    """What must be fixed before the report can be submitted, by field name."""
    problems: dict[str, list[str]] = {}

    def need(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if not report.light:
        need("light", _("Choose a status light."))
    if not visible(report.situation):
        need("situation", _("Describe the situation and key achievements."))
    if not visible(report.next_steps):
        need("next_steps", _("Describe the progress and upcoming actions."))
    if (report.light and report.suggested_light and report.light != report.suggested_light
            and not visible(report.light_reason)):
        need("light_reason", _(
            "You chose a different light than suggested (%(suggested)s): give the reason."
        ) % {"suggested": StatusLight(report.suggested_light).label})
    if report.is_project_report:
        return problems
    for row in selectors.metric_rows(report.subproject, report.period):
        if row.value_missing:
            need(row.field_name, _("Enter the value before submitting."))
        elif row.sudden_change and not visible(row.comment):
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
        raise ReportLocked(report, user)
    problems = submit_problems(report)
    if problems:
        raise ValidationError(problems)
    report.state = MonthlyReport.State.SUBMITTED
    report.submitted_at = timezone.now()
    _bump(report, ["state", "submitted_at"])
    _record(report, user, ReportEvent.Action.SUBMITTED)
    return report


def _manager_transition(report: MonthlyReport, user, allowed_from, *, refused: str,
                        wrong_state: str) -> MonthlyReport:
    """The report, locked for the manager's action; `refused` is said to anyone else and
    `wrong_state` (with the report's %(state)s) when the report is not in `allowed_from`."""
    report = MonthlyReport.objects.select_for_update(of=("self",)).select_related("subproject").get(
        pk=report.pk
    )
    if not permissions.can_review_reports(user, report.project_id):
        raise PermissionDenied(refused)
    if report.state not in allowed_from:
        raise ValidationError(wrong_state % {"state": report.get_state_display()})
    return report


@transaction.atomic
def monthly_report_return(*, report: MonthlyReport, user, comment: str) -> MonthlyReport:
    """Send a submitted report back to the coordinator with the manager's comment."""
    report = _manager_transition(
        report, user, [MonthlyReport.State.SUBMITTED],
        refused=_("Only the project manager can return reports."),
        wrong_state=_("The report cannot be returned now: its state is %(state)s."))
    if not visible(comment):
        raise ValidationError({"comment": [_("Tell the coordinator what to fix.")]})
    _check_lengths({"comment": comment}, TEXT_MAX_LENGTH)
    report.state = MonthlyReport.State.RETURNED
    report.return_comment = comment.strip()
    _bump(report, ["state", "return_comment"])
    _record(report, user, ReportEvent.Action.RETURNED, comment=comment.strip())
    return report


@transaction.atomic
def monthly_report_approve(*, report: MonthlyReport, user,
                           expected_version: int | None) -> MonthlyReport:
    """Approve a submitted report: the report and its values are locked, and exactly its
    values are published to national readers. The project's own report is the manager's:
    it is approved without being submitted first.

    `expected_version` is the version the manager read (the pages always send it); a report
    changed since (returned, corrected and submitted again) is refused with ReportChanged.
    None approves whatever the report holds now (the admin's action, which shows the
    current report)."""
    allowed = ([MonthlyReport.State.SUBMITTED, *EDITABLE_STATES] if report.is_project_report
               else [MonthlyReport.State.SUBMITTED])
    report = _manager_transition(
        report, user, allowed, refused=_("Only the project manager can approve reports."),
        wrong_state=_("The report cannot be approved now: its state is %(state)s."))
    if expected_version is not None and expected_version != report.version:
        raise ReportChanged(report)
    report.state = MonthlyReport.State.APPROVED
    report.approved_at, report.approved_by = timezone.now(), user
    _bump(report, ["state", "approved_at", "approved_by"])
    _record(report, user, ReportEvent.Action.APPROVED)
    values_publish(_values_of(report), at=report.approved_at)
    _recompute_rollup_after_commit(report)
    return report


@transaction.atomic
def monthly_report_approve_many(*, reports: list[tuple[MonthlyReport, int | None]], user) -> int:
    """Approve several submitted reports at once, each at the version the manager read
    (all or none)."""
    for report, version in reports:
        monthly_report_approve(report=report, user=user, expected_version=version)
    return len(reports)


@transaction.atomic
def monthly_report_reopen(*, report: MonthlyReport, user, reason: str) -> MonthlyReport:
    """Unlock an approved report for corrections; the reason is recorded."""
    report = _manager_transition(
        report, user, [MonthlyReport.State.APPROVED],
        refused=_("Only the project manager can reopen reports."),
        wrong_state=_("The report cannot be reopened now: its state is %(state)s."))
    if not visible(reason):
        raise ValidationError({"reason": [_("Give the reason for reopening.")]})
    _check_lengths({"reason": reason}, TEXT_MAX_LENGTH)
    report.state = MonthlyReport.State.RETURNED
    report.return_comment = reason.strip()
    report.approved_at = report.approved_by = None
    _bump(report, ["state", "return_comment", "approved_at", "approved_by"])
    _record(report, user, ReportEvent.Action.REOPENED, comment=reason.strip())
    values_withdraw(_values_of(report), at=report.updated_at)
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
