from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from projects import audit, permissions, selectors
from projects.forms import AuditFilterForm

AUDIT_PAGE_SIZE = 50


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
    form = AuditFilterForm(request.GET, project=project)
    context = {"project": project, "form": form, "page": None}
    if not form.is_valid():  # said on the page, the CSV too: nothing is narrowed by half
        return render(request, "projects/audit.html", context, status=400)
    filters = form.filters()
    entries = audit.project_audit(project.pk, **filters)
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(audit.export_csv_lines(entries.iterator(), filters["field"]),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{project.code}-audit.csv"'
        return response
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.readable_changes = audit.readable_changes(entry)
        entry.actor_name = audit.person_name(entry.actor) if entry.actor else ""
        entry.action_name = audit.action_name(entry)
    context.update(page=page, page_range=page.paginator.get_elided_page_range(page.number),
                   filtered=any(value for value in filters.values()))
    return render(request, "projects/audit.html", context)
