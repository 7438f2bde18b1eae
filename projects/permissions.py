"""Who may see and do what. Every page, API endpoint, export and document request asks
here, and so do the reporting services, which the Excel import and the admin's report
actions go through. Decided elsewhere: which projects an API token covers (api/access.py,
which then narrows with the same `narrow()`), and what a staff user may change in the admin
(Django's staff flag and model permissions).

Roles come from memberships, a person's role in a project:
- coordinator: edits the monthly reports of the subprojects they are responsible for;
- manager: reviews, returns, approves and reopens the project's reports, edits its plan;
- steering group member and project staff: read the project;
- national viewer (STM, THL): holds `projects.view_all_projects` and reads every project, but
  of the data with drafts only what a manager approved (PUBLISHED below) unless they are also
  a member of the project;
- administrator: a superuser; manages users in the admin.

Helpers that take a queryset of a higher app's model filter it by lookups, so this module
imports nothing above `projects`."""

from django.db.models import Q, QuerySet
from django.http import Http404

from projects.models import Membership, Project

APPROVED = "approved"
# A monthly status report prints submitted, not yet approved texts: only the project's members
# read it. Final and evaluation reports print the plan and the evaluation.
PUBLIC_DOCUMENT_KINDS = ("final", "evaluation")

# The data that has drafts, by kind: the lookup to its project, and what of it a reader
# outside the project (a national viewer, an API client) may read. Members of the project
# read every row of it, provisional ones included.
PUBLISHED = {
    "report": ("project", Q(state=APPROVED)),
    "value": ("metric__project", Q(published=True)),
    "document": ("project", Q(kind__in=PUBLIC_DOCUMENT_KINDS)),
}


def is_national_viewer(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("projects.view_all_projects")
    )


def _roles(user) -> dict[int, set[str]]:
    """project id -> roles, read once per request (cached on the user object)."""
    cache = getattr(user, "_project_roles", None)
    if cache is None:
        cache = {}
        if user.is_authenticated:
            for project_id, role in Membership.objects.current().filter(person__user=user).values_list(
                "project_id", "role"
            ):
                cache.setdefault(project_id, set()).add(role)
        user._project_roles = cache
    return cache


def roles_in(user, project: Project | int) -> set[str]:
    """The membership roles the user holds in the project (empty for strangers)."""
    project_id = project if isinstance(project, int) else project.pk
    return _roles(user).get(project_id, set())


def member_project_ids(user) -> set[int]:
    return set(_roles(user))


def visible_projects(user) -> QuerySet[Project]:
    """The projects the user may read."""
    projects = Project.objects.select_related("region", "administrator")
    if is_national_viewer(user):
        return projects
    return projects.filter(pk__in=member_project_ids(user))


def can_view_project(user, project: Project) -> bool:
    return is_national_viewer(user) or bool(roles_in(user, project))


def get_visible_project_or_404(user, pk) -> Project:
    """The one getter views use for a project: 404 for a project the user may not read."""
    try:
        return visible_projects(user).get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_manager(user, project: Project | int) -> bool:
    return Membership.Role.MANAGER in roles_in(user, project)


def can_manage_project(user, project: Project | int) -> bool:
    """The project workspace (plan, people, budget, risks, evaluation) is its managers'."""
    return is_manager(user, project)


def is_responsible_for(user, subproject) -> bool:
    """Whether the user writes the subproject's reports: one of its responsible people or
    one of its reporting coordinators."""
    if not user.is_authenticated:
        return False
    return (subproject.responsible_people.filter(user=user).exists()
            or subproject.reporting_coordinators.filter(user=user).exists())


def can_edit_report(user, subproject) -> bool:
    """A coordinator edits the reports of their own subprojects, in projects they belong to."""
    return bool(roles_in(user, subproject.project_id)) and is_responsible_for(user, subproject)


def can_review_reports(user, project: Project | int) -> bool:
    return is_manager(user, project)


def can_use_excel(user, project: Project) -> bool:
    """The Excel template and upload of a project: its manager (every subproject) and the
    coordinators of its subprojects (their own)."""
    if can_review_reports(user, project):
        return True
    return bool(roles_in(user, project)) and project.subprojects.reported_by(user).exists()


def excel_subprojects(user, project: Project, subprojects: QuerySet) -> QuerySet:
    """The subprojects (a queryset of the project's) whose rows the user's Excel template
    holds: every one for the manager, a coordinator's own ones otherwise."""
    if can_review_reports(user, project):
        return subprojects
    if not roles_in(user, project):
        return subprojects.none()
    return subprojects.reported_by(user)


def report_coordinator(subproject):
    """The user account the subproject's reports belong to: its first responsible person (by
    name) who is a member of the project; None if it has none in the portal."""
    people = subproject.responsible_people.filter(
        user__isnull=False, user__is_active=True,
        memberships__project_id=subproject.project_id,
    ).select_related("user").order_by("name", "pk")
    person = people.first()
    return person.user if person else None


def can_save_on_behalf(user, subproject, coordinator) -> bool:
    """The project's manager may save a subproject's report on behalf of its coordinator —
    the Excel sheet the coordinator filled and the manager collected."""
    return (coordinator is not None and coordinator.pk != getattr(user, "pk", None)
            and is_manager(user, subproject.project_id)
            and can_edit_report(coordinator, subproject))


def can_edit_project_report(user, project: Project | int) -> bool:
    """The project's own report (goal and project metrics) is the manager's."""
    return is_manager(user, project)


def can_view_report(user, report) -> bool:
    """Members read every report of their project; national viewers only approved ones."""
    if roles_in(user, report.project_id):
        return True
    return is_national_viewer(user) and report.state == APPROVED


def can_request_document(user, project: Project | int) -> bool:
    """Documents are asked for by the project's own people."""
    return bool(roles_in(user, project))


def readable_project_ids(user) -> set[int] | None:
    """The projects whose rows the user may read; None: every project."""
    if not user.is_authenticated:
        return set()
    return None if is_national_viewer(user) else member_project_ids(user)


def narrow(kind: str | None, queryset: QuerySet, *, readable: set[int] | frozenset[int] | None,
           members: set[int] | frozenset[int], project_field: str | None = None) -> QuerySet:
    """The one rule for reading rows: rows of the readable projects (None: all), and of a kind
    with drafts (PUBLISHED) only the published rows outside the reader's own projects.
    The pages pass a user's scopes, the API a token's (no members)."""
    field, published = PUBLISHED[kind] if kind else (project_field, None)
    field = project_field or field
    if readable is not None:
        queryset = queryset.filter(**{f"{field}_id__in": readable})
    if published is None or (readable is not None and set(readable) <= set(members)):
        return queryset
    return queryset.filter(Q(**{f"{field}_id__in": members}) | published)


def scope(user, kind: str | None, queryset: QuerySet, project_field: str | None = None) -> QuerySet:
    """Narrow a queryset of a kind of data (a key of PUBLISHED, or None for plan data with
    `project_field`) to the rows the user may read."""
    members = member_project_ids(user) if user.is_authenticated else set()
    return narrow(kind, queryset, readable=readable_project_ids(user), members=members,
                  project_field=project_field)


def scope_reports(user, reports: QuerySet) -> QuerySet:
    """Narrow a MonthlyReport queryset to the reports the user may read."""
    return scope(user, "report", reports)


def scope_values(user, values: QuerySet) -> QuerySet:
    """Narrow a MetricValue queryset to the values the user may read."""
    return scope(user, "value", values)


def scope_documents(user, documents: QuerySet) -> QuerySet:
    """Narrow a GeneratedDocument queryset to the documents the user may read."""
    return scope(user, "document", documents)


def scope_by_project(user, queryset: QuerySet, project_field: str = "project") -> QuerySet:
    """Narrow any queryset of plan data whose rows belong to a project (by the given lookup)."""
    return scope(user, None, queryset, project_field)
