"""Pages of the monthly reporting: my reports, the report form, the manager's review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects import permissions
from projects import selectors as project_selectors
from projects.months import month_start, parse_month
from reports import selectors, services
from reports.forms import CommentForm, ReopenForm, ReportForm


def _month_or_404(text: str):
    try:
        return parse_month(text)
    except ValueError:
        raise Http404 from None


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    rows = selectors.my_reports(request.user)
    managed = [p for p in permissions.visible_projects(request.user)
               if permissions.is_manager(request.user, p)]
    return render(request, "reports/my_reports.html", {
        "rows": rows, "managed_projects": managed,
        "projects": project_selectors.project_list_for(request.user),
    })


def _report_page(request, subproject, month, form=None, conflict=None, status=200):
    report = selectors.report_for(subproject, month)
    editable = permissions.can_edit_report(request.user, subproject) and (
        report is None or report.state in services.EDITABLE_STATES
    )
    rows = selectors.metric_rows(subproject, month)
    if form is None:
        form = ReportForm(rows=rows, report=report, disabled=not editable)
    is_manager = permissions.can_review_reports(request.user, subproject.project_id)
    context = {
        "subproject": subproject, "project": subproject.project, "month": month,
        "report": report, "form": form, "editable": editable, "conflict": conflict,
        "is_manager": is_manager,
        "suggested": report.suggested_light if report and report.suggested_light
        else selectors.suggested_light(subproject, month),
        "history": selectors.report_history(report) if report else [],
        "deadline": selectors.deadline_for(subproject.project, month),
        "comment_form": CommentForm(), "reopen_form": ReopenForm(),
        "has_previous": selectors.has_previous_report(subproject, month),
    }
    template = "reports/_report_form.html" if request.htmx else "reports/report.html"
    return render(request, template, context, status=status)


@login_required
def report_edit(request: HttpRequest, subproject_id: int, month: str) -> HttpResponse:
    subproject = selectors.get_visible_subproject(request.user, subproject_id)
    period = _month_or_404(month)
    report = selectors.report_for(subproject, period)
    if report is not None and not permissions.can_view_report(request.user, report):
        raise Http404
    if request.method != "POST":
        if report is None and not permissions.can_view_project(request.user, subproject.project):
            raise Http404
        return _report_page(request, subproject, period)
    if not permissions.can_edit_report(request.user, subproject):
        raise PermissionDenied
    rows = selectors.metric_rows(subproject, period)
    form = ReportForm(request.POST, rows=rows, report=report)
    action = request.POST.get("action", "save")
    if not form.is_valid():
        form.mark_errors()
        messages.error(request, _("The report was not saved. Fix the marked fields."))
        return _report_page(request, subproject, period, form=form, status=422)
    try:
        if action == "copy":
            services.monthly_report_copy_previous(
                subproject=subproject, period=period, user=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
            messages.success(request, _("Last month's texts were copied as a starting point."))
            return redirect(request.path)
        saved = services.monthly_report_save(
            subproject=subproject, period=period, user=request.user, data=form.to_input(),
            expected_version=form.cleaned_data.get("version"),
        )
        if action == "submit":
            try:
                services.monthly_report_submit(report=saved, user=request.user)
            except ValidationError as error:
                rebound = _rebind(request, rows, saved)
                rebound.mark_errors(error.message_dict if hasattr(error, "error_dict")
                                    else {"__all__": error.messages})
                messages.error(request, _(
                    "The draft was saved but not submitted. Fix the marked fields."))
                return _report_page(request, subproject, period, form=rebound, status=422)
            messages.success(request, _("The report was submitted for review."))
        else:
            messages.success(request, _("The draft was saved."))
    except services.ReportConflict as conflict:
        form.mark_errors()
        return _report_page(request, subproject, period, form=_rebind(request, rows, None),
                            conflict=conflict, status=409)
    except services.ReportLocked as locked:
        messages.error(request, str(locked))
        return _report_page(request, subproject, period, status=409)
    except ValidationError as error:
        form.mark_errors(getattr(error, "message_dict", {"__all__": error.messages}))
        messages.error(request, _("The report was not saved. Fix the marked fields."))
        return _report_page(request, subproject, period, form=form, status=422)
    return redirect(request.path)


def _rebind(request, rows, report):
    """The user's input again, bound, with the version of the saved report."""
    data = request.POST.copy()
    if report is not None:
        data["version"] = report.version
    form = ReportForm(data, rows=rows, report=report)
    form.is_valid()
    return form


def _manager_action(request, report_id: int, action):
    report = selectors.get_visible_report(request.user, report_id)
    url = reverse("reports:edit", args=[report.subproject_id, f"{report.period:%Y-%m}"])
    if not permissions.can_review_reports(request.user, report.subproject.project_id):
        raise PermissionDenied
    try:
        action(report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(request.POST.get("next") or url)


@login_required
@require_POST
def report_return(request: HttpRequest, report_id: int) -> HttpResponse:
    def act(report):
        services.monthly_report_return(
            report=report, user=request.user, comment=request.POST.get("comment", "")
        )
        messages.success(request, _("The report was returned to the coordinator."))

    return _manager_action(request, report_id, act)


@login_required
@require_POST
def report_approve(request: HttpRequest, report_id: int) -> HttpResponse:
    def act(report):
        services.monthly_report_approve(report=report, user=request.user)
        messages.success(request, _("The report was approved and locked."))

    return _manager_action(request, report_id, act)


@login_required
@require_POST
def report_reopen(request: HttpRequest, report_id: int) -> HttpResponse:
    def act(report):
        services.monthly_report_reopen(
            report=report, user=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The report was reopened for corrections."))

    return _manager_action(request, report_id, act)


@login_required
def review(request: HttpRequest, project_id: int) -> HttpResponse:
    """The manager's queue: submitted reports, bulk approval, completeness of the month."""
    project = permissions.get_visible_project_or_404(request.user, project_id)
    if not permissions.can_review_reports(request.user, project):
        raise PermissionDenied
    month = _month_or_404(request.GET["month"]) if request.GET.get("month") else None
    if month is None:
        period = selectors.current_period(project)
        month = period.month if period else month_start(timezone.localdate())
    if request.method == "POST":
        ids = request.POST.getlist("report")
        reports = list(selectors.review_queue(project).filter(pk__in=ids))
        if not reports:
            messages.error(request, _("Choose at least one report to approve."))
        else:
            count = services.monthly_report_approve_many(reports=reports, user=request.user)
            messages.success(request, _("%(count)d reports were approved.") % {"count": count})
        return redirect(f"{request.path}?month={month:%Y-%m}")
    return render(request, "reports/review.html", {
        "project": project, "month": month,
        "queue": selectors.review_queue(project),
        "completeness": selectors.completeness([project.pk], month)[project.pk],
        "status_rows": selectors.completeness_rows(project, month),
    })
