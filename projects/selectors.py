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


def person_roles(user, person: Person) -> QuerySet[Membership]:
    """A person's roles over time in the projects the reader may read."""
    return (Membership.objects.filter(person=person,
                                      project__in=permissions.visible_projects(user))
            .select_related("project", "ended_by").order_by("-started_at"))
