"""The endpoints of /api/v1/ (read-only). Each one: a serializer, a filter set and a
selector that scopes the rows to the reader; the base class does the rest."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from api import filtersets, selectors
from api.conditional import Validators, not_modified
from api.renderers import JSONRenderer, PDFRenderer
from api.serializers import plan, reports
from api.viewsets import ReadOnlyApiViewSet


def documented(noun: str, extra: str = ""):
    """Summaries of the list and detail operations."""
    return extend_schema_view(
        list=extend_schema(summary=f"List {noun}", description=extra or None),
        retrieve=extend_schema(summary=f"One of the {noun}"),
    )


@documented("regions", "Wellbeing services counties with their municipalities. Public "
            "reference data: every reader sees every region.")
class RegionViewSet(ReadOnlyApiViewSet):
    serializer_class = plan.RegionSerializer
    filterset_class = filtersets.RegionFilterSet

    def get_queryset(self):
        return selectors.regions(self.request)


@documented("organisations", "Joint authorities, municipalities, hospital districts and "
            "other organisations. Public reference data.")
class OrganisationViewSet(ReadOnlyApiViewSet):
    serializer_class = plan.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilterSet

    def get_queryset(self):
        return selectors.organisations(self.request)


@documented("projects", "The projects the reader may see, each with its phases.")
class ProjectViewSet(ReadOnlyApiViewSet):
    serializer_class = plan.ProjectSerializer
    filterset_class = filtersets.ProjectFilterSet
    nested = ("phases",)
    counted = ("co_implementers",)

    def get_queryset(self):
        return selectors.projects(self.request)


@documented("work packages")
class WorkPackageViewSet(ReadOnlyApiViewSet):
    serializer_class = plan.WorkPackageSerializer
    filterset_class = filtersets.WorkPackageFilterSet

    def get_queryset(self):
        return selectors.work_packages(self.request)


@documented("goals", "The goal tree of each project: benefit goal → process goal → sub-goal.")
class GoalViewSet(ReadOnlyApiViewSet):
    serializer_class = plan.GoalSerializer
    filterset_class = filtersets.GoalFilterSet

    def get_queryset(self):
        return selectors.goals(self.request)


@documented("subprojects", "The units coordinators report on every month.")
class SubprojectViewSet(ReadOnlyApiViewSet):
    serializer_class = plan.SubprojectSerializer
    filterset_class = filtersets.SubprojectFilterSet

    def get_queryset(self):
        return selectors.subprojects(self.request)


@documented("activities", "The bars of the subprojects' timelines.")
class ActivityViewSet(ReadOnlyApiViewSet):
    serializer_class = plan.ActivitySerializer
    filterset_class = filtersets.ActivityFilterSet

    def get_queryset(self):
        return selectors.activities(self.request)


@documented("metrics", "Metrics with their disaggregation categories and target versions.")
class MetricViewSet(ReadOnlyApiViewSet):
    serializer_class = plan.MetricSerializer
    filterset_class = filtersets.MetricFilterSet
    counted = ("targets",)

    def get_queryset(self):
        return selectors.metrics(self.request)


@documented("monthly reports", "Project members see their projects' reports in every state, "
            "as on the pages; national viewers and API clients see approved reports only.")
class MonthlyReportViewSet(ReadOnlyApiViewSet):
    serializer_class = reports.MonthlyReportSerializer
    filterset_class = filtersets.MonthlyReportFilterSet

    def get_queryset(self):
        return selectors.monthly_reports(self.request)

    def newest_removal(self):
        return selectors.newest_reopening(self.request)


@documented("monthly roll-ups", "A project's month for the steering group and Hankesalkku: "
            "completeness, a light per work package, metric aggregates, the summary.")
class RollupViewSet(ReadOnlyApiViewSet):
    serializer_class = reports.RollupSerializer
    filterset_class = filtersets.RollupFilterSet
    counted = ("work_package_statuses", "metric_aggregates")

    def get_queryset(self):
        return selectors.rollups(self.request)


@documented("planned budget lines", "Planned money per subproject, year and cost category.")
class BudgetLineViewSet(ReadOnlyApiViewSet):
    serializer_class = reports.BudgetLineSerializer
    filterset_class = filtersets.BudgetLineFilterSet

    def get_queryset(self):
        return selectors.budget_lines(self.request)


@documented("actual costs", "Money spent per subproject, month and cost category.")
class ActualCostViewSet(ReadOnlyApiViewSet):
    serializer_class = reports.ActualCostSerializer
    filterset_class = filtersets.ActualCostFilterSet

    def get_queryset(self):
        return selectors.actual_costs(self.request)


@documented("risks", "Risks with their earlier assessments.")
class RiskViewSet(ReadOnlyApiViewSet):
    serializer_class = reports.RiskSerializer
    filterset_class = filtersets.RiskFilterSet
    counted = ("reviews",)

    def get_queryset(self):
        return selectors.risks(self.request)


@documented("evaluation rounds", "Self-evaluations with a narrative per goal.")
class EvaluationRoundViewSet(ReadOnlyApiViewSet):
    serializer_class = reports.EvaluationRoundSerializer
    filterset_class = filtersets.EvaluationRoundFilterSet
    counted = ("narratives",)

    def get_queryset(self):
        return selectors.evaluation_rounds(self.request)


@documented("generated documents", "PDF reports made for the project, with download links.")
class DocumentViewSet(ReadOnlyApiViewSet):
    serializer_class = reports.DocumentSerializer
    filterset_class = filtersets.DocumentFilterSet

    def get_queryset(self):
        return selectors.documents(self.request)

    @extend_schema(
        summary="Download a generated document",
        responses={(200, "application/pdf"): {"type": "string", "format": "binary"}},
        parameters=[],
    )
    @action(detail=True, url_path="download", filter_backends=[], pagination_class=None,
            renderer_classes=[PDFRenderer, JSONRenderer])
    def download(self, request, pk=None):
        document = self.get_object()
        if document.status != document.Status.DONE or not document.file:
            raise NotFound(_("The document is not ready."))
        checksum = document.file_checksum or f"{document.pk}-{document.updated_at.timestamp()}"
        validators = Validators(etag=f'"{checksum}"', last_modified=document.finished_at)
        if (response := not_modified(request, validators)) is not None:
            return response
        response = FileResponse(document.file.open("rb"), as_attachment=True,
                                filename=document.filename, content_type="application/pdf")
        validators.apply(response)
        return response
