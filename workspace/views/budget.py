"""Workspace pages: the budget by subproject and year, actual costs, the cost import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from workpackages.models import ActualCost, BudgetLine, CostImport
from workpackages.services import (
    CostImportRefused,
    actual_cost_save,
    budget_line_save,
    budget_totals,
    cost_columns,
    import_costs,
)
from workspace.access import managed_project_or_404
from workspace.budget_forms import ActualCostForm, BudgetLineForm, CostImportForm
from workspace.forms import edit_page


@login_required
def budget(request, pk):
    project = managed_project_or_404(request, pk)
    return render(request, "workspace/budget/budget.html", {
        "project": project, "totals": budget_totals(project),
        "lines": BudgetLine.objects.filter(subproject__project=project)
        .select_related("subproject").order_by("subproject__code_sort", "year", "category"),
        "costs": ActualCost.objects.filter(subproject__project=project)
        .select_related("subproject").order_by("-period", "subproject__code_sort", "category"),
        "imports": CostImport.objects.filter(project=project).select_related("imported_by")[:10],
    })


def _edit(request, project, instance, form_class, save, heading, message):
    section_url = reverse("workspace:budget", args=[project.pk])
    return edit_page(
        request, project=project, form_class=form_class, instance=instance,
        template="workspace/edit_form.html", save=save, success_url=section_url,
        message=message, form_kwargs={"project": project},
        context={"heading": heading, "section_name": _("Budget and costs"),
                 "section_url": section_url},
    )


@login_required
def budget_line_edit(request, pk, line_pk=None):
    project = managed_project_or_404(request, pk)
    line = (get_object_or_404(BudgetLine, pk=line_pk, subproject__project=project) if line_pk
            else BudgetLine())
    return _edit(request, project, line, BudgetLineForm, budget_line_save,
                 _("Edit a budget line") if line.pk else _("Add a budget line"),
                 _("The budget line was saved."))


@login_required
def cost_edit(request, pk, cost_pk=None):
    project = managed_project_or_404(request, pk)
    cost = (get_object_or_404(ActualCost, pk=cost_pk, subproject__project=project) if cost_pk
            else ActualCost())
    return _edit(request, project, cost, ActualCostForm, actual_cost_save,
                 _("Edit an actual cost") if cost.pk else _("Add an actual cost"),
                 _("The actual cost was saved."))


@login_required
def cost_import(request, pk):
    """The bookkeeping's CSV export, all or nothing (workpackages.services: the rule)."""
    project = managed_project_or_404(request, pk)
    form = CostImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_costs(project, upload.read(), file_name=upload.name,
                                  user=request.user)
        except CostImportRefused as refusal:
            errors = refusal.errors
        else:
            if result.already_imported:
                messages.info(request, _(
                    "This file was already imported on %(day)s; nothing was changed.")
                    % {"day": f"{result.already_imported.created_at:%d.%m.%Y}"})
            else:
                messages.success(request, _(
                    "%(rows)s cost rows imported; %(costs)s monthly costs set.")
                    % {"rows": result.rows, "costs": result.costs})
            return redirect("workspace:budget", project.pk)
    return render(request, "workspace/budget/import.html", {
        "project": project, "form": form, "errors": errors, "columns": cost_columns(),
    }, status=400 if request.method == "POST" else 200)


urlpatterns = [
    path("projects/<int:pk>/manage/budget/", budget, name="budget"),
    path("projects/<int:pk>/manage/budget/new/", budget_line_edit, name="budget_line_add"),
    path("projects/<int:pk>/manage/budget/<int:line_pk>/", budget_line_edit,
         name="budget_line_edit"),
    path("projects/<int:pk>/manage/costs/new/", cost_edit, name="cost_add"),
    path("projects/<int:pk>/manage/costs/<int:cost_pk>/", cost_edit, name="cost_edit"),
    path("projects/<int:pk>/manage/costs/import/", cost_import, name="cost_import"),
]
