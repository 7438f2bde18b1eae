"""Workspace pages: metrics and their versioned targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from indicators.models import Metric, MetricTarget
from indicators.services import metric_save, metric_target_add
from workspace.access import managed_project_or_404
from workspace.forms import edit_page
from workspace.metrics_forms import MetricForm, MetricTargetForm


@login_required
def metric_list(request, pk):
    project = managed_project_or_404(request, pk)
    metrics = (Metric.objects.filter(project=project).select_related("subproject", "goal")
               .prefetch_related(Prefetch("targets", MetricTarget.objects.order_by(
                   "-effective_from"))))
    return render(request, "workspace/metrics/list.html",
                  {"project": project, "metrics": metrics})


@login_required
def metric_edit(request, pk, metric_pk=None):
    project = managed_project_or_404(request, pk)
    metric = (get_object_or_404(Metric, pk=metric_pk, project=project) if metric_pk
              else Metric(project=project))
    section_url = reverse("workspace:metrics", args=[project.pk])
    return edit_page(
        request, project=project, form_class=MetricForm, instance=metric,
        template="workspace/edit_form.html", save=metric_save, success_url=section_url,
        message=_("The metric was saved."), form_kwargs={"project": project},
        context={"heading": _("Edit the metric %(code)s") % {"code": metric.code} if metric.pk
                 else _("Add a metric"),
                 "section_name": _("Metrics and targets"), "section_url": section_url},
    )


@login_required
def target_add(request, pk, metric_pk):
    """A new version of the metric's baseline and target; the earlier ones stay."""
    project = managed_project_or_404(request, pk)
    metric = get_object_or_404(Metric, pk=metric_pk, project=project)
    current = metric.targets.order_by("-effective_from").first()
    initial = {}
    if current is not None:
        initial = {f: getattr(current, f) for f in
                   ("baseline_value", "baseline_date", "target_value", "target_date")}
    form = MetricTargetForm(request.POST or None, instance=MetricTarget(metric=metric),
                            initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            metric_target_add(form.instance)
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, _("The new target was saved; the earlier one is kept."))
            return redirect("workspace:metrics", project.pk)
    return render(request, "workspace/metrics/target.html", {
        "project": project, "metric": metric, "form": form, "current": current,
        "targets": metric.targets.order_by("-effective_from"),
    }, status=400 if request.method == "POST" else 200)


urlpatterns = [
    path("projects/<int:pk>/manage/metrics/", metric_list, name="metrics"),
    path("projects/<int:pk>/manage/metrics/new/", metric_edit, name="metric_add"),
    path("projects/<int:pk>/manage/metrics/<int:metric_pk>/", metric_edit, name="metric_edit"),
    path("projects/<int:pk>/manage/metrics/<int:metric_pk>/target/", target_add,
         name="target_add"),
]
