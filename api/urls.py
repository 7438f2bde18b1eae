from django.urls import include, path, re_path
from rest_framework import routers
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from api import context_views, value_views, views
from api.errors import JsonErrorsMixin
from api.renderers import JSONRenderer
from api.schema import POSTPROCESSING_HOOKS, DocsView, SchemaView
from api.throttling import ApiRateThrottle
from api.viewsets import ReadOnlyApiViewSet

app_name = "api"


class ApiRootView(JsonErrorsMixin, routers.APIRootView):
    """The endpoints of version 1 of the sote-portal API (read-only)."""

    authentication_classes = ReadOnlyApiViewSet.authentication_classes
    permission_classes = ReadOnlyApiViewSet.permission_classes
    throttle_classes = [ApiRateThrottle]


class Router(routers.DefaultRouter):
    APIRootView = ApiRootView
    include_format_suffixes = False  # ?format= picks the format


router = Router()
router.register("regions", views.RegionViewSet, basename="region")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("work-packages", views.WorkPackageViewSet, basename="work-package")
router.register("goals", views.GoalViewSet, basename="goal")
router.register("subprojects", views.SubprojectViewSet, basename="subproject")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("metrics", views.MetricViewSet, basename="metric")
router.register("metric-values", value_views.MetricValueViewSet, basename="metric-value")
router.register("metric-value-withdrawals", value_views.ValueWithdrawalViewSet,
                basename="metric-value-withdrawal")
router.register("monthly-reports", views.MonthlyReportViewSet, basename="monthly-report")
router.register("rollups", views.RollupViewSet, basename="rollup")
router.register("budget-lines", views.BudgetLineViewSet, basename="budget-line")
router.register("actual-costs", views.ActualCostViewSet, basename="actual-cost")
router.register("risks", views.RiskViewSet, basename="risk")
router.register("evaluation-rounds", views.EvaluationRoundViewSet, basename="evaluation-round")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("context", context_views.ContextViewSet, basename="context")


class NotFoundView(JsonErrorsMixin, APIView):
    """Any other path under v1/: a JSON 404 (after authentication, as for every endpoint),
    not the portal's HTML page, whatever the method."""

    authentication_classes = ReadOnlyApiViewSet.authentication_classes
    permission_classes = ReadOnlyApiViewSet.permission_classes
    throttle_classes = [ApiRateThrottle]
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        """No such path is a 404 whatever format or Accept was asked (not a 406)."""
        return super().perform_content_negotiation(request, force=True)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()


v1 = [path("v1/", include(router.urls))]

urlpatterns = [
    *v1,
    # Only paths ending in a slash: a path without one is redirected to it first (APPEND_SLASH).
    # Any character, a line break too (/api/v1/projects/1%0A/). Other paths under /api/ are
    # answered by the portal's handler404 in JSON (api.errors.page_not_found).
    re_path(r"^v1/[\s\S]*/\Z", NotFoundView.as_view()),
    path("schema/", SchemaView.as_view(
        patterns=[path("api/", include((v1, "api")))],
        authentication_classes=ReadOnlyApiViewSet.authentication_classes,
        custom_settings={"SCHEMA_PATH_PREFIX": r"/api/v1",
                         "POSTPROCESSING_HOOKS": POSTPROCESSING_HOOKS},
    ), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
]
