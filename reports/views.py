"""Pages of the monthly reporting: my reports, the report form, the manager's review."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.services import check_period
from projects import permissions
from projects import selectors as project_selectors
from projects.models import Project
from projects.months import (
    FIRST_YEAR,
    LAST_YEAR,
    add_months,
    month_or_404,
    month_start,
    parse_typed_month,
)
from reports import selectors, services
from reports.forms import ApproveForm, CommentForm, ReopenForm, ReportForm


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """The coordinator's reports of one month, by default the open month due next (of the
    open and late reports the first still to be sent, else the first), and the other open
    and late months below."""
    rows = selectors.my_reports(request.user)
    to_send = [row for row in rows if row.state not in selectors.REPORTED_STATES]
    default = (to_send or rows)[0].month if rows else month_start(timezone.localdate())
    switch = _month_switch(request, default, selectors.my_report_months(request.user))
    month = switch["month"]
    managed = [p for p in permissions.visible_projects(request.user)
               if permissions.is_manager(request.user, p)]
    # One Excel link per project and month listed: the template of the user's subprojects.
    excel_months = list(dict.fromkeys((row.subproject.project, row.month) for row in rows))
    return render(request, "reports/my_reports.html", {
        **switch,
        "month_rows": selectors.my_month_reports(request.user, month),
        "rows": [row for row in rows if row.month != month], "managed_projects": managed,
        "excel_months": excel_months,
        "projects": project_selectors.project_list_for(request.user),
    })


def _month_switch(request, default, choices=()) -> dict:
    """The month a page shows: ?month= as typed (7/2022, 07/2022) or linked (2022-07), else
    default; what was typed and why it is not a month, kept for the month field; the
    months before and after (if the portal takes them); the months the field offers."""
    month, error = default, ""
    typed = request.GET.get("month", "").strip()
    if typed:
        try:
            month = parse_typed_month(typed)
        except ValueError as refusal:
            error = str(refusal)
    return {
        "month": month, "month_typed": typed if error else "", "month_error": error,
        "previous_month": _within_limits(add_months(month, -1)),
        "next_month": _within_limits(add_months(month, 1)),
        "month_choices": list(choices),
    }


def _may_edit(user, owner) -> bool:
    if isinstance(owner, Project):
        return permissions.can_edit_project_report(user, owner)
    return permissions.can_edit_report(user, owner)


def _report_page(request, owner, month, form=None, conflict=None, status=200,
                 manager_form=None):
    """The report form of a subproject's month, or of the project's own report (owner is the
    project). A reader outside the project sees only published values."""
    project_report = isinstance(owner, Project)
    project = owner if project_report else owner.project
    subproject = None if project_report else owner
    report = selectors.report_for(owner, month)
    editable = _may_edit(request.user, owner) and (
        report is None or report.state in services.EDITABLE_STATES
    )
    closed_month = ""  # why nothing can be reported for the month, if so
    if editable and report is None:
        try:
            check_period(month, project)
        except ValidationError as error:
            editable, closed_month = False, " ".join(error.messages)
    rows = selectors.metric_rows(
        owner, month, published_only=not permissions.roles_in(request.user, project))
    if form is None:
        form = ReportForm(rows=rows, report=report, disabled=not editable,
                          project_report=project_report)
    context = {
        "subproject": subproject, "project": project, "month": month,
        "project_report": project_report,
        "report": report, "form": form, "editable": editable, "conflict": conflict,
        "closed_month": closed_month,
        "is_manager": permissions.can_review_reports(request.user, project.pk),
        # The history holds drafts' values and comments: the project's own people only.
        "history": (selectors.report_history(report)
                    if report and permissions.roles_in(request.user, project) else []),
        "deadline": selectors.deadline_for(project, month),
        "previous_month": _within_limits(add_months(month, -1)),
        "next_month": _within_limits(add_months(month, 1)),
        # The manager's return or reopen form, as typed when it was refused.
        "comment_form": manager_form if isinstance(manager_form, CommentForm) else CommentForm(),
        "reopen_form": manager_form if isinstance(manager_form, ReopenForm) else ReopenForm(),
    }
    if not project_report:
        context["suggested"] = (report.suggested_light if report and report.suggested_light
                                else selectors.suggested_light(subproject, month))
        context["has_previous"] = selectors.has_previous_report(subproject, month)
        # The month's Excel template and upload: for the subproject's coordinator and the manager.
        context["excel_link"] = permissions.can_edit_report(request.user, subproject) or (
            context["is_manager"])
    template = "reports/_report_form.html" if request.htmx else "reports/report.html"
    return render(request, template, context, status=status)


@login_required
def report_edit(request: HttpRequest, subproject_id: int, month: str) -> HttpResponse:
    subproject = selectors.get_visible_subproject(request.user, subproject_id)
    return _report_view(request, subproject, month_or_404(month))


@login_required
def project_report_edit(request: HttpRequest, project_id: int, month: str) -> HttpResponse:
    """The project's own report of the month: the values of the goal and project metrics,
    entered and approved by the manager."""
    project = permissions.get_visible_project_or_404(request.user, project_id)
    return _report_view(request, project, month_or_404(month))


def _report_view(request, owner, period):
    project_report = isinstance(owner, Project)
    report = selectors.report_for(owner, period)
    if report is not None and not permissions.can_view_report(request.user, report):
        raise Http404
    if request.method != "POST":
        return _report_page(request, owner, period)
    if not _may_edit(request.user, owner):
        raise PermissionDenied
    rows = selectors.metric_rows(owner, period)
    form = ReportForm(request.POST, rows=rows, report=report, project_report=project_report)
    action = request.POST.get("action", "save")
    if not form.is_valid():
        form.mark_errors()
        messages.error(request, _("The report was not saved. Fix the marked fields."))
        return _report_page(request, owner, period, form=form, status=422)
    owner_kwargs = {"project": owner} if project_report else {"subproject": owner}
    try:
        if action == "copy" and not project_report:
            services.monthly_report_copy_previous(
                subproject=owner, period=period, user=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
            messages.success(request, _("Last month's texts were copied as a starting point."))
            return redirect(request.path)
        saved = services.monthly_report_save(
            **owner_kwargs, period=period, user=request.user, data=form.to_input(),
            expected_version=form.cleaned_data.get("version"),
        )
        if action == "approve" and project_report:  # what is on screen, saved and published
            try:
                services.monthly_report_approve(report=saved, user=request.user,
                                                expected_version=saved.version)
            except (services.ReportChanged, ValidationError) as error:
                saved.refresh_from_db()
                if saved.state == saved.State.APPROVED:  # e.g. a double click: the other did
                    messages.info(request, _("The values were already published."))
                else:  # changed in another tab between the save and the approval
                    messages.error(request, " ".join([
                        _("The values were saved but not published."),
                        *getattr(error, "messages", [str(error)])]))
                return redirect(request.path)
            messages.success(request, _("The values were saved and published."))
        elif action == "submit" and not project_report:
            try:
                services.monthly_report_submit(report=saved, user=request.user)
            except ValidationError as error:
                rebound = _rebind(request, rows, saved, project_report)
                rebound.mark_errors(error.message_dict if hasattr(error, "error_dict")
                                    else {"__all__": error.messages})
                messages.error(request, _(
                    "The draft was saved but not submitted. Fix the marked fields."))
                return _report_page(request, owner, period, form=rebound, status=422)
            messages.success(request, _("The report was submitted for review."))
        else:
            messages.success(request, _("The draft was saved."))
    except services.ReportConflict as conflict:
        # The user's text with the version now saved: saving again, having compared the two,
        # is the user's choice (a save from yet another tab is a conflict again).
        return _report_page(request, owner, period,
                            form=_rebind(request, rows, conflict.report, project_report),
                            conflict=conflict, status=409)
    except services.ReportLocked as locked:
        messages.error(request, str(locked))
        return _report_page(request, owner, period, form=_rebind(request, rows, None, project_report),
                            status=409)
    except ValidationError as error:
        form.mark_errors(getattr(error, "message_dict", {"__all__": error.messages}))
        messages.error(request, _("The report was not saved. Fix the marked fields."))
        return _report_page(request, owner, period, form=form, status=422)
    return redirect(request.path)


def _rebind(request, rows, report, project_report: bool):
    """The user's input again, bound, with the version of the saved report."""
    data = request.POST.copy()
    if report is not None:
        data["version"] = report.version
    form = ReportForm(data, rows=rows, report=report, project_report=project_report)
    form.is_valid()
    return form


def report_url(report) -> str:
    month = f"{report.period:%Y-%m}"
    if report.is_project_report:
        return reverse("reports:project_report", args=[report.project_id, month])
    return reverse("reports:edit", args=[report.subproject_id, month])


def _next_or(request, default: str) -> str:
    """The `next` URL the form asked to return to, if it is on this site; else default."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _manager_action(request, report_id: int, action, form_class=None):
    """Run a manager's action on a report. A refusal tied to the action's form (an empty or
    too long comment) shows the report page again with the form as typed and the error at
    its field; a report changed since the page was read shows the page again as it is now
    (409); other refusals return to the page with the message."""
    report = selectors.get_visible_report(request.user, report_id)
    url = report_url(report)
    if request.method != "POST":  # e.g. reloading the page a refusal showed
        return redirect(url)
    if not permissions.can_review_reports(request.user, report.project_id):
        raise PermissionDenied
    owner = report.project if report.is_project_report else report.subproject
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return _report_page(request, owner, report.period, manager_form=form, status=422)
    try:
        action(report, form.cleaned_data if form else {})
    except services.ReportChanged as changed:
        messages.error(request, str(changed))
        return _report_page(request, owner, report.period, status=409)
    except ValidationError as error:
        fields = getattr(error, "error_dict", {})
        if form is None or not set(fields) <= set(form.fields):
            messages.error(request, " ".join(error.messages))
            return redirect(_next_or(request, url))
        form.add_error(None, error)
        messages.error(request, " ".join(error.messages))
        return _report_page(request, owner, report.period, manager_form=form, status=422)
    return redirect(_next_or(request, url))


@login_required
def report_return(request: HttpRequest, report_id: int) -> HttpResponse:
    def act(report, data):
        services.monthly_report_return(report=report, user=request.user, comment=data["comment"])
        messages.success(request, _("The report was returned to the coordinator."))

    return _manager_action(request, report_id, act, CommentForm)


@login_required
def report_approve(request: HttpRequest, report_id: int) -> HttpResponse:
    def act(report, data):
        services.monthly_report_approve(report=report, user=request.user,
                                        expected_version=data["version"])
        messages.success(request, _("The report was approved and locked."))

    return _manager_action(request, report_id, act, ApproveForm)


@login_required
def report_reopen(request: HttpRequest, report_id: int) -> HttpResponse:
    def act(report, data):
        services.monthly_report_reopen(report=report, user=request.user, reason=data["reason"])
        messages.success(request, _("The report was reopened for corrections."))

    return _manager_action(request, report_id, act, ReopenForm)


# A chosen report in the review queue: its id and the version the manager read.
_CHOSEN_REPORT = re.compile(r"([0-9]{1,18}):([0-9]{1,9})")


def _chosen_reports(values: list[str]) -> dict[int, int] | None:
    """Report id -> the version the manager read, or None if any choice is not recognised."""
    matches = [_CHOSEN_REPORT.fullmatch(value) for value in values]
    if not all(matches):
        return None
    return {int(match[1]): int(match[2]) for match in matches}


def _bulk_approval(request, project, month) -> HttpResponse | int:
    """The queue's approval of the chosen reports: first a page that asks to confirm (what
    and how many), then the approval at the versions the manager read. Returns that page,
    or the status of the queue to show again (409: a chosen report changed meanwhile)."""
    chosen = _chosen_reports(request.POST.getlist("report"))
    reports = [] if chosen is None else list(selectors.review_queue(project).filter(pk__in=chosen))
    if chosen is None:
        messages.error(request, _("The chosen reports were not recognised. Nothing was "
                                  "approved; choose the reports again."))
        return 200
    if not reports:
        messages.error(request, _("Choose at least one report to approve."))
        return 200
    try:
        changed = next((r for r in reports if r.version != chosen[r.pk]), None)
        if changed is not None:
            raise services.ReportChanged(changed)
        if not request.POST.get("confirm"):
            return render(request, "reports/review_confirm.html", {
                "project": project, "month": month, "reports": reports})
        count = services.monthly_report_approve_many(
            reports=[(report, chosen[report.pk]) for report in reports], user=request.user)
    except services.ReportChanged as error:  # the queue shows it as it is now
        messages.error(request, " ".join([str(error), _(
            "None of the chosen reports was approved.")]))
        return 409
    except ValidationError as error:  # e.g. approved meanwhile (a double click)
        messages.error(request, " ".join(error.messages))
        return 200
    messages.success(request, ngettext(
        "%(count)d report was approved.", "%(count)d reports were approved.", count) % {
            "count": count})
    return 200


@login_required
def review(request: HttpRequest, project_id: int) -> HttpResponse:
    """The manager's queue: submitted reports, bulk approval, completeness of the month."""
    project = permissions.get_visible_project_or_404(request.user, project_id)
    if not permissions.can_review_reports(request.user, project):
        raise PermissionDenied
    period = selectors.current_period(project)
    switch = _month_switch(
        request, period.month if period else month_start(timezone.localdate()),
        project.reporting_periods.order_by("-month").values_list("month", flat=True))
    month = switch["month"]
    try:  # a month nothing is reported for is shown, saying so
        check_period(month, project)
        month_note = ""
    except ValidationError as error:
        month_note = " ".join(error.messages)
    status = 200
    if request.method == "POST":
        outcome = _bulk_approval(request, project, month)
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
        if status == 200:
            return redirect(f"{request.path}?month={month:%Y-%m}")
    return render(request, "reports/review.html", {
        "project": project,
        "queue": selectors.review_queue(project),
        "completeness": selectors.completeness([project.pk], month)[project.pk],
        "status_rows": selectors.completeness_rows(project, month),
        **switch, "month_note": month_note,
    }, status=status)


def _within_limits(month):
    """The month, if the portal takes it (FIRST_YEAR–LAST_YEAR), else None."""
    return month if FIRST_YEAR <= month.year <= LAST_YEAR else None
