"""Workspace pages: plan (issue 11, parts 1, 2 and 8) — the project and its phases, work
packages, the goal tree, subprojects and their activities, and the month's summary with the
work packages' light overrides. Every page is its project's managers' (managed_project_or_404);
an id of another project's row in the URL is a 404; every save goes through a service with the
conflict check of workspace.forms.edit_page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from projects.codes import natural_sort_key
from projects.models import Phase
from projects.months import month_or_404
from projects.services import phase_save, project_save
from projects.versioning import StaleEdit, version_of
from reports.models import ProjectRollup, ReportingPeriod, WorkPackageStatus
from reports.rollups import rollup_compute, work_package_status_override_if_unchanged
from workpackages.models import Activity, Goal, Subproject, WorkPackage
from workpackages.services import (
    plan_row_save,
    subproject_close,
    subproject_delete,
    subproject_has_history,
    subproject_people_save,
)
from workspace import plan_forms
from workspace.access import managed_project_or_404
from workspace.forms import edit_page

FORM = "workspace/plan/form.html"


def _url(name, project, *args):
    return reverse(f"workspace:{name}", args=[project.pk, *args])


def _form_page(request, project, *, form_class, instance, title, back, message, save,
               submit=None, intro="", extra=None):
    """One edit page of the plan: `back` (url, label) is the page the form returns to."""
    return edit_page(
        request, project=project, form_class=form_class, instance=instance, template=FORM,
        success_url=back[0], message=message,
        save=save, context={"heading": title, "back": back, "intro": intro,
                            "submit": submit or _("Save"), **(extra or {})},
    )


def _in_project(project):
    return lambda form, version: plan_row_save(form, version, project=project)


# --- The project and its phases ------------------------------------------------------------

@login_required
def project_page(request, pk):
    """The project's names, description, Innokylä link and co-implementers; its phases and
    the national benefit goals of its work packages listed below the form."""
    project = managed_project_or_404(request, pk)
    work_packages = WorkPackage.objects.filter(project=project).prefetch_related("benefit_goals")
    return _form_page(
        request, project, form_class=plan_forms.ProjectForm, instance=project,
        title=_("Project details"), back=(_url("plan_project", project), _("Project details")),
        message=_("The project's details were saved."),
        save=lambda form, version: project_save(form, version, project=project),
        extra={"phases": project.phases.order_by("start_date"), "work_packages": work_packages,
               "project_page": True},
    )


@login_required
def phase_page(request, pk, phase_id=None):
    project = managed_project_or_404(request, pk)
    phase = get_object_or_404(Phase, pk=phase_id, project=project) if phase_id \
        else Phase(project=project)
    return _form_page(
        request, project, form_class=plan_forms.PhaseForm, instance=phase,
        title=_("Phase: %(name)s") % {"name": phase.name} if phase.pk else _("New phase"),
        back=(_url("plan_project", project), _("Project details")),
        message=_("The phase was saved."),
        save=lambda form, version: phase_save(form, version, project=project),
    )


# --- Work packages, subprojects and activities ---------------------------------------------

@login_required
def structure(request, pk):
    """The work packages with their subprojects and activities, in the natural order of
    their codes."""
    project = managed_project_or_404(request, pk)
    work_packages = WorkPackage.objects.filter(project=project).order_by("code_sort") \
        .prefetch_related(Prefetch("subprojects", Subproject.objects.order_by("code_sort")
                                   .prefetch_related("activities")))
    return render(request, "workspace/plan/structure.html", {
        "project": project, "work_packages": work_packages})


@login_required
def work_package_page(request, pk, wp_id=None):
    project = managed_project_or_404(request, pk)
    wp = get_object_or_404(WorkPackage, pk=wp_id, project=project) if wp_id \
        else WorkPackage(project=project)
    return _form_page(
        request, project, form_class=plan_forms.WorkPackageForm, instance=wp,
        title=_("Work package %(code)s") % {"code": wp.code} if wp.pk else _("New work package"),
        back=(_url("plan_structure", project), _("Work packages and subprojects")),
        message=_("The work package was saved."), save=_in_project(project),
    )


@login_required
def subproject_page(request, pk, sub_id=None):
    project = managed_project_or_404(request, pk)
    sub = get_object_or_404(Subproject, pk=sub_id, project=project) if sub_id \
        else Subproject(project=project)
    if not sub.pk and request.method == "GET" and (wp := request.GET.get("work_package")):
        sub.work_package = WorkPackage.objects.filter(project=project, pk=wp).first() \
            if wp.isdigit() else None
    return _form_page(
        request, project, form_class=plan_forms.SubprojectForm, instance=sub,
        title=_("Subproject %(code)s") % {"code": sub.code} if sub.pk else _("New subproject"),
        back=(_url("plan_structure", project), _("Work packages and subprojects")),
        message=_("The subproject was saved."), save=_in_project(project),
    )


@login_required
def subproject_people_page(request, pk, sub_id):
    """Issue 11, part 3: who answers for the subproject and who reports it. The review page,
    completeness and the coordinator's own pages follow the change at once."""
    project = managed_project_or_404(request, pk)
    sub = get_object_or_404(Subproject, pk=sub_id, project=project)
    return _form_page(
        request, project, form_class=plan_forms.SubprojectPeopleForm, instance=sub,
        title=_("Responsibility for %(code)s %(name)s") % {"code": sub.code, "name": sub.name},
        back=(_url("plan_structure", project), _("Work packages and subprojects")),
        message=_("The responsibility for the subproject was saved."),
        save=lambda form, version: subproject_people_save(form, version, project=project),
    )


@login_required
def subproject_close_page(request, pk, sub_id):
    project = managed_project_or_404(request, pk)
    sub = get_object_or_404(Subproject, pk=sub_id, project=project)
    return _form_page(
        request, project, form_class=plan_forms.SubprojectCloseForm, instance=sub,
        title=_("Close subproject %(code)s %(name)s") % {"code": sub.code, "name": sub.name},
        intro=_("A closed subproject is no longer expected to report from the month you give. "
                "Its reports, metric values and history stay and are shown as before."),
        back=(_url("plan_structure", project), _("Work packages and subprojects")),
        message=_("The subproject's closing month was saved."), submit=_("Save the closing"),
        save=lambda form, version: subproject_close(
            subproject=sub, closed_from=form.cleaned_data["closed_from"], version=version),
    )


@login_required
def subproject_delete_page(request, pk, sub_id):
    """Deleting a subproject added by mistake, after a confirmation; one with history is
    offered closing instead."""
    project = managed_project_or_404(request, pk)
    sub = get_object_or_404(Subproject, pk=sub_id, project=project)
    error = ""
    if request.method == "POST":
        try:
            subproject_delete(subproject=sub, version=request.POST.get("version", ""))
        except (StaleEdit, ValidationError) as refusal:
            error = refusal.message if isinstance(refusal, StaleEdit) else refusal.messages[0]
        else:
            messages.success(request, _("Subproject %(code)s %(name)s was deleted.") % {
                "code": sub.code, "name": sub.name})
            return redirect(_url("plan_structure", project))
    return render(request, "workspace/plan/delete.html", {
        "project": project, "object": sub, "version": version_of(sub), "error": error,
        "has_history": subproject_has_history(sub),
    }, status=400 if error else 200)


@login_required
def activity_page(request, pk, sub_id=None, activity_id=None):
    project = managed_project_or_404(request, pk)
    if activity_id:
        activity = get_object_or_404(Activity, pk=activity_id, subproject__project=project)
    else:
        activity = Activity(subproject=get_object_or_404(Subproject, pk=sub_id, project=project))
    sub = activity.subproject
    return _form_page(
        request, project, form_class=plan_forms.ActivityForm, instance=activity,
        title=(_("Activity of %(code)s: %(name)s") % {"code": sub.code, "name": activity.name}
               if activity.pk else _("New activity of %(code)s") % {"code": sub.code}),
        back=(_url("plan_structure", project), _("Work packages and subprojects")),
        message=_("The activity was saved."), save=_in_project(project),
    )


# --- The goal tree -------------------------------------------------------------------------

@login_required
def goals(request, pk):
    """The goal tree: each goal under its parent, siblings in the natural order of codes."""
    project = managed_project_or_404(request, pk)
    nodes = list(Goal.objects.filter(project=project).select_related("benefit_goal", "parent"))
    children: dict = {}
    for goal in nodes:
        children.setdefault(goal.parent_id, []).append(goal)
    rows = []

    def walk(parent_id, depth):
        for goal in sorted(children.get(parent_id, []), key=lambda g: natural_sort_key(g.code)):
            rows.append((goal, depth))
            walk(goal.pk, depth + 1)
    walk(None, 0)
    return render(request, "workspace/plan/goals.html", {"project": project, "rows": rows})


@login_required
def goal_page(request, pk, goal_id=None):
    project = managed_project_or_404(request, pk)
    goal = get_object_or_404(Goal, pk=goal_id, project=project) if goal_id \
        else Goal(project=project)
    return _form_page(
        request, project, form_class=plan_forms.GoalForm, instance=goal,
        title=_("Goal %(code)s") % {"code": goal.code} if goal.pk else _("New goal"),
        back=(_url("plan_goals", project), _("Goal tree")),
        message=_("The goal was saved."), save=_in_project(project),
    )


# --- The month's summary and the work packages' lights (part 8) -------------------------

@login_required
def months(request, pk):
    project = managed_project_or_404(request, pk)
    periods = ReportingPeriod.objects.filter(project=project).order_by("-month")
    summaries = dict(ProjectRollup.objects.filter(project=project).values_list("month", "narrative"))
    return render(request, "workspace/plan/months.html", {
        "project": project,
        "rows": [(period.month, bool(summaries.get(period.month))) for period in periods]})


def _rollup(project, month_text):
    """The project's roll-up of a reporting month (computed if it is not yet): a 404 for a
    month the project does not report."""
    month = month_or_404(month_text)
    get_object_or_404(ReportingPeriod, project=project, month=month)
    rollup = ProjectRollup.objects.filter(project=project, month=month).first()
    return rollup or rollup_compute(project=project, month=month)


@login_required
def month_page(request, pk, month):
    project = managed_project_or_404(request, pk)
    rollup = _rollup(project, month)
    statuses = rollup.work_package_statuses.select_related("work_package").order_by(
        "work_package__code_sort")
    return _form_page(
        request, project, form_class=plan_forms.SummaryForm, instance=rollup,
        title=_("Summary of %(month)s") % {"month": f"{rollup.month.month}/{rollup.month.year}"},
        back=(_url("plan_month", project, month), _("Month %(month)s") % {
            "month": f"{rollup.month.month}/{rollup.month.year}"}),
        message=_("The month's summary was saved."), submit=_("Save the summary"),
        save=lambda form, version: plan_row_save(form, version, project=project),
        extra={"rollup": rollup, "statuses": statuses, "month_text": month,
               "months_back": (_url("plan_months", project), _("Monthly summaries"))},
    )


@login_required
def override_page(request, pk, month, wp_id):
    project = managed_project_or_404(request, pk)
    rollup = _rollup(project, month)
    status = get_object_or_404(WorkPackageStatus, rollup=rollup, work_package_id=wp_id,
                               work_package__project=project)
    month_label = f"{rollup.month.month}/{rollup.month.year}"
    return _form_page(
        request, project, form_class=plan_forms.OverrideForm, instance=status,
        title=_("Light of %(code)s %(name)s in %(month)s") % {
            "code": status.work_package.code, "name": status.work_package.name,
            "month": month_label},
        intro=_("Computed from the approved reports: %(light)s. A light you set is shown on the "
                "dashboards and printed in the monthly report with its reason.") % {
            "light": status.get_computed_light_display() or "–"},
        back=(_url("plan_month", project, month), _("Month %(month)s") % {"month": month_label}),
        message=_("The work package's light was saved."),
        save=lambda form, version: work_package_status_override_if_unchanged(
            status=status, user=request.user, light=form.cleaned_data["override_light"],
            reason=form.cleaned_data["override_reason"], version=version),
        extra={"months_back": (_url("plan_months", project), _("Monthly summaries"))},
    )


_P = "projects/<int:pk>/manage/"
urlpatterns = [
    path(f"{_P}project/", project_page, name="plan_project"),
    path(f"{_P}phases/new/", phase_page, name="plan_phase_new"),
    path(f"{_P}phases/<int:phase_id>/", phase_page, name="plan_phase"),
    path(f"{_P}plan/", structure, name="plan_structure"),
    path(f"{_P}work-packages/new/", work_package_page, name="plan_work_package_new"),
    path(f"{_P}work-packages/<int:wp_id>/", work_package_page, name="plan_work_package"),
    path(f"{_P}subprojects/new/", subproject_page, name="plan_subproject_new"),
    path(f"{_P}subprojects/<int:sub_id>/", subproject_page, name="plan_subproject"),
    path(f"{_P}subprojects/<int:sub_id>/people/", subproject_people_page,
         name="plan_subproject_people"),
    path(f"{_P}subprojects/<int:sub_id>/close/", subproject_close_page,
         name="plan_subproject_close"),
    path(f"{_P}subprojects/<int:sub_id>/delete/", subproject_delete_page,
         name="plan_subproject_delete"),
    path(f"{_P}subprojects/<int:sub_id>/activities/new/", activity_page,
         name="plan_activity_new"),
    path(f"{_P}activities/<int:activity_id>/", activity_page, name="plan_activity"),
    path(f"{_P}goals/", goals, name="plan_goals"),
    path(f"{_P}goals/new/", goal_page, name="plan_goal_new"),
    path(f"{_P}goals/<int:goal_id>/", goal_page, name="plan_goal"),
    path(f"{_P}months/", months, name="plan_months"),
    path(f"{_P}months/<str:month>/", month_page, name="plan_month"),
    path(f"{_P}months/<str:month>/work-packages/<int:wp_id>/", override_page,
         name="plan_override"),
]
