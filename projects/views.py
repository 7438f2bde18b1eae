from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from projects import audit, permissions, selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list_for(request.user)
    return render(request, "projects/project_list.html", {"projects": projects})


@login_required
def project_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's audit trail for its managers (and administrators), as a page or CSV."""
    project = permissions.get_visible_project_or_404(request.user, pk)
    if not (request.user.is_superuser or permissions.is_manager(request.user, project)):
        raise PermissionDenied
    entries = audit.project_audit(project.pk)
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(audit.export_csv_lines(entries.iterator()),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{project.code}-audit.csv"'
        return response
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    for entry in page:
        entry.readable_changes = audit.readable_changes(entry)
        entry.on_behalf_of = audit.on_behalf_of_name(entry)
    return render(request, "projects/audit.html", {"project": project, "page": page})
