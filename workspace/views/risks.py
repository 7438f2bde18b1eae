"""Workspace pages: the risk register and its monthly re-assessment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.versioning import StaleEdit, version_of
from workpackages.models import Risk, RiskReview
from workpackages.services import risk_close, risk_reopen, risk_review, risk_save
from workspace.access import managed_project_or_404
from workspace.forms import edit_page
from workspace.risks_forms import RiskForm, RiskReviewForm


@login_required
def risk_list(request, pk):
    project = managed_project_or_404(request, pk)
    risks = (Risk.objects.filter(project=project).select_related("owner")
             .prefetch_related(Prefetch("reviews", RiskReview.objects.order_by("-reviewed_on"))))
    return render(request, "workspace/risks/list.html", {
        "project": project, "open": [r for r in risks if r.closed_on is None],
        "closed": [r for r in risks if r.closed_on is not None],
    })


@login_required
def risk_edit(request, pk, risk_pk=None):
    project = managed_project_or_404(request, pk)
    risk = (get_object_or_404(Risk, pk=risk_pk, project=project) if risk_pk
            else Risk(project=project))
    section_url = reverse("workspace:risks", args=[project.pk])
    return edit_page(
        request, project=project, form_class=RiskForm, instance=risk,
        template="workspace/edit_form.html", save=risk_save, success_url=section_url,
        message=_("The risk was saved."), form_kwargs={"project": project},
        context={"heading": _("Edit the risk") if risk.pk else _("Add a risk"),
                 "intro": _("Severity and probability change by the monthly re-assessment, "
                            "so each month's stays.") if risk.pk else "",
                 "section_name": _("Risk register"), "section_url": section_url},
    )


@login_required
def risk_review_page(request, pk, risk_pk):
    """The month's re-assessment of one risk."""
    project = managed_project_or_404(request, pk)
    risk = get_object_or_404(Risk, pk=risk_pk, project=project)
    form = RiskReviewForm(request.POST or None, initial={
        "reviewed_on": timezone.localdate(), "severity": risk.severity,
        "probability": risk.probability})
    version = request.POST.get("version", "") if request.method == "POST" else version_of(risk)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            risk_review(risk, version=version, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal.messages)
        except StaleEdit as refusal:
            risk.refresh_from_db()
            version = version_of(risk)
            stale = {"stale": True, "stale_message": refusal.message, "stale_values": [
                (_("severity (1–5)"), risk.severity), (_("probability (%)"), risk.probability)]}
        else:
            messages.success(request, _("The re-assessment was saved."))
            return redirect("workspace:risks", project.pk)
    return render(request, "workspace/risks/review.html", {
        "project": project, "risk": risk, "form": form, "version": version, **(stale or {}),
        "reviews": risk.reviews.order_by("-reviewed_on"),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def risk_close_page(request, pk, risk_pk):
    project = managed_project_or_404(request, pk)
    risk = get_object_or_404(Risk, pk=risk_pk, project=project)
    reopen = request.POST.get("action") == "reopen"
    try:
        (risk_reopen if reopen else risk_close)(risk, version=request.POST.get("version", ""))
    except StaleEdit as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The risk was reopened.") if reopen
                         else _("The risk was closed."))
    return redirect("workspace:risks", project.pk)


urlpatterns = [
    path("projects/<int:pk>/manage/risks/", risk_list, name="risks"),
    path("projects/<int:pk>/manage/risks/new/", risk_edit, name="risk_add"),
    path("projects/<int:pk>/manage/risks/<int:risk_pk>/", risk_edit, name="risk_edit"),
    path("projects/<int:pk>/manage/risks/<int:risk_pk>/review/", risk_review_page,
         name="risk_review"),
    path("projects/<int:pk>/manage/risks/<int:risk_pk>/close/", risk_close_page,
         name="risk_close"),
]
