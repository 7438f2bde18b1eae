"""The plan as an Excel workbook: download it, upload it filled in (issue 11, part 9)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from reports.excel.format import CONTENT_TYPE
from workspace import plan_excel
from workspace.access import managed_project_or_404


class PlanUploadForm(forms.Form):
    file = forms.FileField(label=_("The filled-in plan workbook (.xlsx)"),
                           error_messages={"required": _("Choose the file to import.")})


@login_required
def plan_excel_page(request, pk):
    project = managed_project_or_404(request, pk)
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = plan_excel.import_plan(project, form.cleaned_data["file"])
    status = 400 if (request.method == "POST" and (not form.is_valid() or not result.ok)) else 200
    return render(request, "workspace/plan_excel.html", {
        "project": project, "form": form, "result": result}, status=status)


@login_required
def plan_excel_download(request, pk):
    project = managed_project_or_404(request, pk)
    response = HttpResponse(plan_excel.plan_workbook(project), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{project.code}-suunnitelma.xlsx"'
    return response


urlpatterns = [
    path("projects/<int:pk>/manage/plan-excel/", plan_excel_page, name="plan_excel"),
    path("projects/<int:pk>/manage/plan-excel/download/", plan_excel_download,
         name="plan_excel_download"),
]
