"""Pages of the Excel round trip: the manager downloads the month's template of every
subproject, a coordinator that of their own; either uploads it filled in (the manager's rows
saved on behalf of each subproject's coordinator)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from projects import permissions
from projects.months import month_or_404
from reports import excel

# Room for the form fields and multipart boundaries around the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in template (.xlsx)"),
        help_text=gettext_lazy("At most 5 MB and 2,000 rows per sheet."),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{excel.CONTENT_TYPE}"}),
    )

    def mark_errors(self) -> None:
        """Tie the error message to the input for screen readers."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({
                    "aria-invalid": "true",
                    "aria-describedby": f"id_{name}_error id_{name}_helptext",
                })


@login_required
@require_GET
def excel_template(request: HttpRequest, project_id: int, month: str) -> HttpResponse:
    """The month's reporting template of the project as .xlsx: the manager's holds every
    subproject, a coordinator's their own."""
    project = permissions.get_visible_project_or_404(request.user, project_id)
    period = month_or_404(month)
    if not permissions.can_use_excel(request.user, project):
        raise PermissionDenied
    content = excel.build_template(project=project, month=period, user=request.user)
    response = HttpResponse(content, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=excel.template_filename(project, period)
    )
    return response


def _page(request, project, period, form, result=None, status=200) -> HttpResponse:
    form.mark_errors()
    return render(request, "reports/excel_upload.html", {
        "project": project, "month": period, "form": form, "result": result,
        "is_manager": permissions.can_review_reports(request.user, project),
    }, status=status)


# The size check must come before anything reads the request body, and the CSRF middleware
# reads it; so CSRF is checked by `_import` instead, once the size is known to be sane.
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def excel_upload(request: HttpRequest, project_id: int, month: str) -> HttpResponse:
    """Upload a filled-in template: errors by sheet, row and column, or what was imported."""
    project = permissions.get_visible_project_or_404(request.user, project_id)
    period = month_or_404(month)
    if not permissions.can_use_excel(request.user, project):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request, project, period, UploadForm())
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > excel.MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        return _page(request, project, period, UploadForm(), excel.too_large(), status=413)
    return _import(request, project, period)


@csrf_protect
def _import(request: HttpRequest, project, period) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, project, period, form, status=422)
    result = excel.import_workbook(
        project=project, month=period, user=request.user, file=form.cleaned_data["file"]
    )
    if not result.ok:
        return _page(request, project, period, UploadForm(), result, status=422)
    if result.reports or result.values:
        messages.success(request, _(
            "The file was imported. Reports: %(reports)d, metric values: %(values)d; unchanged "
            "rows skipped: %(unchanged)d."
        ) % {"reports": result.reports, "values": result.values, "unchanged": result.unchanged})
        if result.on_behalf:
            messages.info(request, _("Saved on behalf of the coordinators: %(list)s.") % {
                "list": ", ".join(f"{code} {name}" for code, name in result.on_behalf)})
    else:
        messages.info(request, _("The file had no changes; nothing was imported."))
    return redirect(request.path)
