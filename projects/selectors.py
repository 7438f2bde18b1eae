"""Reads of the projects app."""

from django.db.models import Count, F, QuerySet

from projects import permissions
from projects.models import Membership, Person, Project


def project_list_for(user) -> QuerySet[Project]:
    """The projects a user may read, with the counts the project list shows."""
    return (
        permissions.visible_projects(user)
        .annotate(
            work_package_count=Count("work_packages", distinct=True),
            subproject_count=Count("subprojects", distinct=True),
        )
        .order_by("region__name", "code")
    )


def project_people(project: Project) -> QuerySet[Membership]:
    """The project's roles: the current ones first, then the ended ones, newest first."""
    return (project.memberships.select_related("person__user", "person__organisation", "ended_by")
            .order_by(F("ended_at").desc(nulls_first=True), "role", "person__name"))


def project_people_persons(project: Project) -> QuerySet[Person]:
    """The people who hold or held a role in the project, each once (a person may hold
    several roles, or the same one again after it ended)."""
    return Person.objects.filter(memberships__project=project).distinct()


def person_roles(user, person: Person) -> QuerySet[Membership]:
    """A person's roles over time in the projects whose people the reader may see: those they
    hold a role in (a national viewer reads every project's data, not its staff list)."""
    projects = (permissions.visible_projects(user) if user.is_superuser
                else permissions.member_project_ids(user))
    return (Membership.objects.filter(person=person, project__in=projects)
            .select_related("project", "ended_by").order_by("-started_at"))
