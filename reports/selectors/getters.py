"""Reads that check access (projects.permissions): a getter returns the object the user may
read or raises 404; the project's documents are those the user may read."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from projects import permissions
from projects.models import Project
from reports.models import GeneratedDocument, MonthlyReport
from workpackages.models import Subproject


def get_visible_subproject(user, pk) -> Subproject:
    """The subproject if the user may read its project; 404 otherwise."""
    queryset = permissions.scope_by_project(
        user, Subproject.objects.select_related("project", "work_package")
    )
    return get_object_or_404(queryset, pk=pk)


def get_visible_report(user, pk) -> MonthlyReport:
    """The report if the user may read it; 404 otherwise."""
    queryset = permissions.scope_reports(
        user, MonthlyReport.objects.select_related("subproject", "subproject__project")
    )
    return get_object_or_404(queryset, pk=pk)


def get_visible_document(user, pk) -> GeneratedDocument:
    queryset = permissions.scope_documents(user, GeneratedDocument.objects.select_related("project"))
    return get_object_or_404(queryset, pk=pk)


def project_documents(user, project: Project) -> QuerySet[GeneratedDocument]:
    return permissions.scope_documents(user, project.documents.select_related("requested_by", "phase")
                           ).order_by("-requested_at")[:50]
