"""Reads of the projects app."""

from django.db.models import Count, QuerySet

from projects import permissions
from projects.models import Project


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
