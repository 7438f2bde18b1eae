"""Reads of the API: per endpoint the rows the reader may see, with the joins and prefetches
that keep the number of queries of a page fixed whatever its size."""

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet

from api import access
from indicators.models import (
    DisaggregationCategory,
    Metric,
    MetricTarget,
    MetricValue,
    ValueWithdrawal,
)
from projects.models import BenefitGoal, Organisation, Phase, Project, Region
from reports.models import (
    EvaluationNarrative,
    EvaluationRound,
    GeneratedDocument,
    MetricAggregate,
    MonthlyReport,
    ProjectRollup,
    ReportEvent,
    WorkPackageStatus,
)
from workpackages.models import (
    Activity,
    ActualCost,
    BudgetLine,
    Goal,
    Risk,
    RiskReview,
    Subproject,
    WorkPackage,
)

SUBPROJECT_JOINS = ("subproject", "subproject__project", "subproject__work_package")


def regions(request) -> QuerySet[Region]:
    """Regions are public reference data: every reader sees all of them."""
    return Region.objects.prefetch_related("municipalities")


def organisations(request) -> QuerySet[Organisation]:
    """Organisations are public reference data too."""
    return Organisation.objects.select_related("region")


def projects(request) -> QuerySet[Project]:
    reader = access.reader_for(request)
    queryset = Project.objects.select_related("programme", "region", "administrator")
    if reader.project_ids is not None:
        queryset = queryset.filter(pk__in=reader.project_ids)
    return queryset.prefetch_related(
        "co_implementers", Prefetch("phases", Phase.objects.order_by("start_date", "id"))
    )


def work_packages(request) -> QuerySet[WorkPackage]:
    return access.scope_by_project(request, WorkPackage.objects.select_related("project")
                                   ).prefetch_related("benefit_goals", "lead_organisations",
                                                      "lead_people")


def goals(request) -> QuerySet[Goal]:
    return access.scope_by_project(
        request, Goal.objects.select_related("project", "parent", "benefit_goal"))


def subprojects(request) -> QuerySet[Subproject]:
    return access.scope_by_project(
        request, Subproject.objects.select_related("project", "work_package", "organisation")
    ).prefetch_related("goals", "responsible_people")


def activities(request) -> QuerySet[Activity]:
    return access.scope_by_project(
        request, Activity.objects.select_related(*SUBPROJECT_JOINS),
        "subproject__project")


def metrics(request) -> QuerySet[Metric]:
    return access.scope_by_project(
        request, Metric.objects.select_related("project", "goal", "subproject", "disaggregation")
    ).prefetch_related(
        Prefetch("disaggregation__categories", DisaggregationCategory.objects.order_by(
            "order", "code")),
        Prefetch("targets", MetricTarget.objects.order_by("-effective_from")),
    )


def metric_values(request) -> QuerySet[MetricValue]:
    """Values of the readable projects; for national readers only published ones."""
    return access.scope_values(request, MetricValue.objects.all())


# The rows a metric value's JSON row, CSV line and JSON-stat labels take codes and names
# from (they have a change time each; a disaggregation's code alone has none).
VALUE_REFERENCES = (Metric, DisaggregationCategory, Project, Region, BenefitGoal, Goal,
                    Subproject, WorkPackage)


def value_references_stamp() -> str:
    """When any row a metric value's answer names last changed: part of its ETag, so a
    renamed metric or region changes the ETag of the answers that name it."""
    return "|".join(str(model.objects.aggregate(newest=Max("updated_at"))["newest"])
                    for model in VALUE_REFERENCES)


def value_withdrawals(request) -> QuerySet[ValueWithdrawal]:
    """Withdrawals of published values in the projects the reader may read."""
    return access.scope_by_project(
        request, ValueWithdrawal.objects.select_related("metric__project", "category"),
        "metric__project")


def monthly_reports(request) -> QuerySet[MonthlyReport]:
    """Subprojects' monthly reports (the project's own report is read as its values)."""
    return access.scope_reports(request, MonthlyReport.objects.filter(
        subproject__isnull=False).select_related(*SUBPROJECT_JOINS))


def newest_reopening(request):
    """When a report of the projects the reader may read was last reopened (None: never).
    A reopening takes an approved report out of a national reader's rows."""
    return access.scope_by_project(
        request, ReportEvent.objects.filter(action=ReportEvent.Action.REOPENED),
        "report__project").aggregate(newest=Max("at"))["newest"]


def newest_withdrawal(request):
    """When a published value the reader may read was last withdrawn (None: never)."""
    return value_withdrawals(request).aggregate(newest=Max("updated_at"))["newest"]


def rollups(request) -> QuerySet[ProjectRollup]:
    return access.scope_by_project(
        request, ProjectRollup.objects.select_related("project")
    ).prefetch_related(
        Prefetch("work_package_statuses", WorkPackageStatus.objects.select_related(
            "work_package").order_by("work_package__code_sort")),
        Prefetch("metric_aggregates", MetricAggregate.objects.select_related("metric").order_by(
            "metric__code_sort")),
    )


def budget_lines(request) -> QuerySet[BudgetLine]:
    return access.scope_by_project(
        request, BudgetLine.objects.select_related(*SUBPROJECT_JOINS), "subproject__project")


def actual_costs(request) -> QuerySet[ActualCost]:
    return access.scope_by_project(
        request, ActualCost.objects.select_related(*SUBPROJECT_JOINS), "subproject__project")


def risks(request) -> QuerySet[Risk]:
    return access.scope_by_project(
        request, Risk.objects.select_related("project", "owner")
    ).prefetch_related(Prefetch("reviews", RiskReview.objects.order_by("-reviewed_on", "-id")))


def evaluation_rounds(request) -> QuerySet[EvaluationRound]:
    return access.scope_by_project(
        request, EvaluationRound.objects.select_related("project")
    ).prefetch_related(Prefetch("narratives", EvaluationNarrative.objects.select_related(
        "goal").order_by("goal__code_sort")))


def documents(request) -> QuerySet[GeneratedDocument]:
    return access.scope_documents(request, GeneratedDocument.objects.select_related("project"))


def context_metrics(request) -> QuerySet[Metric]:
    """The metrics the reader may see that name a Sotkanet indicator (their context is THL's
    published statistics; the metric's project decides who sees that it is compared)."""
    return access.scope_by_project(
        request, Metric.objects.filter(sotkanet_indicator__isnull=False)
        .select_related("project", "project__region"))


def sotkanet_country() -> int:
    """Sotkanet's region id of the whole country."""
    return settings.SOTKANET_COUNTRY_REGION
