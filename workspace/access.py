"""Who may use the workspace: the project's managers (and administrators), through the one
access module."""

from django.core.exceptions import PermissionDenied

from projects import permissions
from projects.models import Project


def managed_project_or_404(request, pk) -> Project:
    """The project of a workspace page: 404 for a project the user may not read, 403 for one
    they read but do not manage."""
    project = permissions.get_visible_project_or_404(request.user, pk)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied
    return project
