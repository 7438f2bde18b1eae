from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from projects import audit, permissions, selectors, services
from projects.forms import AuditFilterForm
from projects.models import Person

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
        entry.on_behalf_of = audit.on_behalf_of_display(entry)
    context.update(page=page, page_range=page.paginator.get_elided_page_range(page.number),
                   filtered=any(value for value in filters.values()))
    return render(request, "projects/audit.html", context)


@login_required
def project_people(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's people and their roles over time; its managers end a role here."""
    project = permissions.get_visible_project_or_404(request.user, pk)
    if not permissions.roles_in(request.user, project) and not request.user.is_superuser:
        raise PermissionDenied  # national viewers read the data, not the staff list
    may_end = permissions.is_manager(request.user, project)
    error = None
    if request.method == "POST":
        if not may_end:
            raise PermissionDenied
        membership = get_object_or_404(project.memberships, pk=request.POST.get("membership"))
        try:
            services.membership_end(membership=membership, by=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _("The role of %(person)s as %(role)s has ended.") % {
                "person": membership.person.name, "role": membership.get_role_display()})
            return redirect("project-people", pk=project.pk)
    return render(request, "projects/people.html", {
        "project": project, "memberships": selectors.project_people(project),
        "may_end": may_end, "error": error}, status=400 if error else 200)


@login_required
def person_roles(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """A person's roles over time, in the projects the reader may read."""
    project = permissions.get_visible_project_or_404(request.user, pk)
    if not permissions.roles_in(request.user, project) and not request.user.is_superuser:
        raise PermissionDenied
    person = get_object_or_404(Person, pk=person_pk, memberships__project=project)
    return render(request, "projects/person.html", {
        "project": project, "person": person,
        "memberships": selectors.person_roles(request.user, person)})
