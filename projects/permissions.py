"""Who may see and do what. Every page and API endpoint asks here; nothing else decides.

Roles come from memberships, a person's role in a project:
- coordinator: edits the monthly reports of the subprojects they are responsible for;
- manager: reviews, returns, approves and reopens the project's reports, edits its plan;
- steering group member and project staff: read the project;
- national viewer (STM, THL): holds `projects.view_all_projects` and reads every project, but
  of monthly reports only the approved ones unless they are also a member of the project;
- administrator: a superuser; manages users in the admin.

Helpers that take a queryset of a higher app's model filter it by lookups, so this module
imports nothing above `projects`."""

from django.db.models import Q, QuerySet
from django.http import Http404

from projects.models import Membership, Project

APPROVED = "approved"


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
            for project_id, role in Membership.objects.filter(person__user=user).values_list(
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


def is_responsible_for(user, subproject) -> bool:
    """Whether the user is one of the subproject's responsible people (its coordinator)."""
    if not user.is_authenticated:
        return False
    return subproject.responsible_people.filter(user=user).exists()


def can_edit_report(user, subproject) -> bool:
    """A coordinator edits the reports of their own subprojects, in projects they belong to."""
    return bool(roles_in(user, subproject.project_id)) and is_responsible_for(user, subproject)


def can_review_reports(user, project: Project | int) -> bool:
    return is_manager(user, project)


def can_view_report(user, report) -> bool:
    """Members read every report of their project; national viewers only approved ones."""
    if roles_in(user, report.subproject.project_id):
        return True
    return is_national_viewer(user) and report.state == APPROVED


def scope_reports(user, reports: QuerySet) -> QuerySet:
    """Narrow a MonthlyReport queryset to the reports the user may read."""
    if not user.is_authenticated:
        return reports.none()
    members = Q(subproject__project_id__in=member_project_ids(user))
    if is_national_viewer(user):
        return reports.filter(members | Q(state=APPROVED))
    return reports.filter(members)


def scope_by_project(user, queryset: QuerySet, project_field: str = "project") -> QuerySet:
    """Narrow any queryset whose rows belong to a project (by the given lookup path)."""
    if is_national_viewer(user):
        return queryset
    return queryset.filter(**{f"{project_field}_id__in": member_project_ids(user)})
