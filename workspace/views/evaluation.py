"""Workspace pages: evaluation rounds, their narratives per goal, publishing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.versioning import StaleEdit
from reports.evaluation_services import (
    narratives_save,
    narratives_version,
    refuse_if_published,
    round_publish,
    round_save,
)
from reports.models import EvaluationRound
from workpackages.models import Goal
from workspace.access import managed_project_or_404
from workspace.evaluation_forms import EvaluationRoundForm, NarrativesForm
from workspace.forms import edit_page


@login_required
def round_list(request, pk):
    project = managed_project_or_404(request, pk)
    rounds = EvaluationRound.objects.filter(project=project).order_by("-date")
    return render(request, "workspace/evaluation/list.html",
                  {"project": project, "rounds": rounds})


@login_required
def round_edit(request, pk, round_pk=None):
    project = managed_project_or_404(request, pk)
    evaluation = (get_object_or_404(EvaluationRound, pk=round_pk, project=project) if round_pk
                  else EvaluationRound(project=project))
    section_url = reverse("workspace:evaluation", args=[project.pk])
    if evaluation.published:
        return _published(request, evaluation)
    return edit_page(
        request, project=project, form_class=EvaluationRoundForm, instance=evaluation,
        template="workspace/edit_form.html", save=round_save, success_url=section_url,
        message=_("The evaluation round was saved."), form_kwargs={"project": project},
        context={"heading": _("Edit the evaluation round") if evaluation.pk
                 else _("Add an evaluation round"),
                 "intro": _("A new round is a draft, visible to the project's members only, "
                            "until you publish it."),
                 "section_name": _("Evaluation rounds"), "section_url": section_url},
    )


@login_required
def narratives(request, pk, round_pk):
    """The round's narrative of each goal, in the goal tree's order."""
    project = managed_project_or_404(request, pk)
    evaluation = get_object_or_404(EvaluationRound, pk=round_pk, project=project)
    if evaluation.published:
        return _published(request, evaluation)
    goals = Goal.objects.filter(project=project).order_by("code_sort")
    saved = {n.goal_id: n.text for n in evaluation.narratives.all()}
    form = NarrativesForm(request.POST or None, goals=goals, initial_texts=saved)
    version = (request.POST.get("version", "") if request.method == "POST"
               else narratives_version(evaluation))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            narratives_save(evaluation, form.texts(), version=version)
        except StaleEdit as refusal:
            version = narratives_version(evaluation)
            stale = {"stale": True, "stale_message": refusal.message, "stale_values": [
                (f"{n.goal.code} {n.goal.name}", n.text)
                for n in evaluation.narratives.select_related("goal")]}
        else:
            messages.success(request, _("The narratives were saved."))
            return redirect("workspace:evaluation", project.pk)
    return render(request, "workspace/evaluation/narratives.html", {
        "project": project, "round": evaluation, "form": form, "version": version,
        **(stale or {}),
    }, status=400 if request.method == "POST" else 200)


def _published(request, evaluation):
    """A published round is changed only after a (recorded) return to draft."""
    try:
        refuse_if_published(evaluation)
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    return redirect("workspace:evaluation", evaluation.project_id)


@login_required
@require_POST
def publish(request, pk, round_pk):
    project = managed_project_or_404(request, pk)
    evaluation = get_object_or_404(EvaluationRound, pk=round_pk, project=project)
    draft = request.POST.get("action") == "unpublish"
    try:
        round_publish(evaluation, version=request.POST.get("version", ""), publish=not draft)
    except StaleEdit as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The round is a draft again.") if draft
                         else _("The round was published."))
    return redirect("workspace:evaluation", project.pk)


urlpatterns = [
    path("projects/<int:pk>/manage/evaluation/", round_list, name="evaluation"),
    path("projects/<int:pk>/manage/evaluation/new/", round_edit, name="round_add"),
    path("projects/<int:pk>/manage/evaluation/<int:round_pk>/", round_edit, name="round_edit"),
    path("projects/<int:pk>/manage/evaluation/<int:round_pk>/narratives/", narratives,
         name="round_narratives"),
    path("projects/<int:pk>/manage/evaluation/<int:round_pk>/publish/", publish,
         name="round_publish"),
]
