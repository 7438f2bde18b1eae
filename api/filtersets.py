"""The filters of each list endpoint (see api.filters for the shared ones)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from api.filters import (
    ApiFilterSet,
    ChoiceFilter,
    CodeListFilter,
    IdListFilter,
    IntegerFilter,
    ProjectRowsFilterSet,
    period_filters,
    updated_since_filter,
)
from indicators.models import Metric, MetricValue, SotkanetIndicator, ValueWithdrawal
from projects.models import Organisation, Project, Region
from reports.models import (
    EvaluationRound,
    GeneratedDocument,
    MonthlyReport,
    ProjectRollup,
    StatusLight,
)
from workpackages.models import (
    Activity,
    ActualCost,
    BudgetLine,
    Goal,
    Risk,
    Subproject,
    WorkPackage,
)

BENEFIT_GOAL_HELP = _("National benefit goal codes (1–5), comma-separated.")
WORK_PACKAGE_HELP = _("Work package ids, comma-separated.")
SUBPROJECT_HELP = _("Subproject ids, comma-separated.")


def goal_tree_q(prefix: str, codes) -> Q:
    """The goal at `prefix`, or one of its ancestors, is mapped to one of the benefit goals."""
    prefix = f"{prefix}__" if prefix else ""
    return (Q(**{f"{prefix}benefit_goal__code__in": codes})
            | Q(**{f"{prefix}parent__benefit_goal__code__in": codes})
            | Q(**{f"{prefix}parent__parent__benefit_goal__code__in": codes}))


class RegionFilterSet(ApiFilterSet):
    code = CodeListFilter(field_name="code", vocabulary="region",
                          help_text=_("Official region codes, comma-separated."))

    class Meta:
        model = Region
        fields = []


class OrganisationFilterSet(ApiFilterSet):
    region = CodeListFilter(field_name="region__code", vocabulary="region", help_text=_(
        "Official region codes, comma-separated."))
    kind = ChoiceFilter(choices=Organisation.Kind.choices, help_text=_(
        "Kind of organisation."))

    class Meta:
        model = Organisation
        fields = []


class ProjectFilterSet(ApiFilterSet):
    updated_since = updated_since_filter("phases")
    code = CodeListFilter(field_name="code", vocabulary="project",
                          help_text=_("Project short names, comma-separated."))
    region = CodeListFilter(field_name="region__code", vocabulary="region", help_text=_(
        "Official region codes, comma-separated."))

    class Meta:
        model = Project
        fields = []


class WorkPackageFilterSet(ProjectRowsFilterSet):
    kind = ChoiceFilter(choices=WorkPackage.Kind.choices, help_text=_("Kind."))
    benefit_goal = CodeListFilter(field_name="benefit_goals__code", distinct=True,
                                  vocabulary="benefit_goal", help_text=BENEFIT_GOAL_HELP)

    class Meta:
        model = WorkPackage
        fields = []


class GoalFilterSet(ProjectRowsFilterSet):
    level = ChoiceFilter(choices=Goal.Level.choices, help_text=_("Level in the tree."))
    benefit_goal = CodeListFilter(method="filter_benefit_goal", vocabulary="benefit_goal",
                                  help_text=BENEFIT_GOAL_HELP)

    def filter_benefit_goal(self, queryset, name, value):
        return queryset.filter(goal_tree_q("", value)) if value else queryset

    class Meta:
        model = Goal
        fields = []


class SubprojectFilterSet(ProjectRowsFilterSet):
    work_package = IdListFilter(field_name="work_package_id", vocabulary="work_package",
                                help_text=WORK_PACKAGE_HELP)
    code = CodeListFilter(field_name="code", vocabulary="subproject_code", help_text=_(
        "Subproject codes, comma-separated."))

    class Meta:
        model = Subproject
        fields = []


class ActivityFilterSet(ProjectRowsFilterSet):
    project_path = "subproject__project"
    subproject = IdListFilter(field_name="subproject_id", vocabulary="subproject",
                              help_text=SUBPROJECT_HELP)
    work_package = IdListFilter(field_name="subproject__work_package_id",
                                vocabulary="work_package", help_text=WORK_PACKAGE_HELP)

    class Meta:
        model = Activity
        fields = []


class MetricFilterSet(ProjectRowsFilterSet):
    code = CodeListFilter(field_name="code", vocabulary="metric",
                          help_text=_("Metric codes, comma-separated."))
    kind = ChoiceFilter(choices=Metric.Kind.choices, help_text=_("Kind of metric."))
    frequency = ChoiceFilter(choices=Metric.Frequency.choices, help_text=_(
        "Reporting frequency."))
    work_package = IdListFilter(field_name="subproject__work_package_id",
                                vocabulary="work_package", help_text=WORK_PACKAGE_HELP)
    subproject = IdListFilter(field_name="subproject_id", vocabulary="subproject",
                              help_text=SUBPROJECT_HELP)
    benefit_goal = CodeListFilter(method="filter_benefit_goal", vocabulary="benefit_goal",
                                  help_text=BENEFIT_GOAL_HELP)

    def filter_benefit_goal(self, queryset, name, value):
        return queryset.filter(goal_tree_q("goal", value)) if value else queryset

    class Meta:
        model = Metric
        fields = []


def _context_changed(value) -> Q:
    """A metric's context changes with a fetch of its indicator (new values, or a failure),
    and with its project's region (its Sotkanet county)."""
    fetched = SotkanetIndicator.objects.filter(updated_at__gte=value).values("indicator_id")
    return (Q(sotkanet_indicator__in=fetched) | Q(project__updated_at__gte=value)
            | Q(project__region__updated_at__gte=value))


class ContextFilterSet(MetricFilterSet):
    """The metrics' filters for context/, whose `updated_since` counts the fetches too."""

    updated_since = updated_since_filter(also=_context_changed)

    class Meta:
        model = Metric
        fields = []


class MetricValueFilterSet(ProjectRowsFilterSet):
    project_path = "metric__project"
    metric = CodeListFilter(field_name="metric__code", vocabulary="metric", help_text=_(
        "Metric codes, comma-separated (codes are unique within a project: combine with "
        "project)."))
    metric_id = IdListFilter(field_name="metric_id", vocabulary="metric_id",
                             help_text=_("Metric ids, comma-separated."))
    work_package = IdListFilter(field_name="metric__subproject__work_package_id",
                                vocabulary="work_package", help_text=WORK_PACKAGE_HELP)
    subproject = IdListFilter(field_name="metric__subproject_id", vocabulary="subproject",
                              help_text=SUBPROJECT_HELP)
    benefit_goal = CodeListFilter(method="filter_benefit_goal", vocabulary="benefit_goal",
                                  help_text=BENEFIT_GOAL_HELP)
    period_from, period_to = period_filters("period")
    frequency = ChoiceFilter(field_name="metric__frequency",
                                     choices=Metric.Frequency.choices, help_text=_(
                                         "Frequency of the metric."))
    disaggregation = CodeListFilter(field_name="metric__disaggregation__code",
                                    vocabulary="disaggregation", help_text=_(
        "Values of metrics split this way (e.g. age_group), comma-separated."))
    category = CodeListFilter(method="filter_category", vocabulary="category", help_text=_(
        "Category codes (e.g. children), comma-separated; _T for the totals."))

    def filter_benefit_goal(self, queryset, name, value):
        return queryset.filter(goal_tree_q("metric__goal", value)) if value else queryset

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        wanted = Q(category__code__in=[code for code in value if code != "_T"])
        if "_T" in value:
            wanted |= Q(category__isnull=True)
        return queryset.filter(wanted)

    class Meta:
        model = MetricValue
        fields = []


class ValueWithdrawalFilterSet(ProjectRowsFilterSet):
    project_path = "metric__project"

    class Meta:
        model = ValueWithdrawal
        fields = []


class MonthlyReportFilterSet(ProjectRowsFilterSet):
    project_path = "subproject__project"
    subproject = IdListFilter(field_name="subproject_id", vocabulary="subproject",
                              help_text=SUBPROJECT_HELP)
    work_package = IdListFilter(field_name="subproject__work_package_id",
                                vocabulary="work_package", help_text=WORK_PACKAGE_HELP)
    state = ChoiceFilter(choices=MonthlyReport.State.choices, help_text=_("State."))
    light = ChoiceFilter(choices=StatusLight.choices, help_text=_("Status light."))
    period_from, period_to = period_filters("period")

    class Meta:
        model = MonthlyReport
        fields = []


class RollupFilterSet(ProjectRowsFilterSet):
    period_from, period_to = period_filters("month")

    class Meta:
        model = ProjectRollup
        fields = []


class BudgetLineFilterSet(ProjectRowsFilterSet):
    project_path = "subproject__project"
    subproject = IdListFilter(field_name="subproject_id", vocabulary="subproject",
                              help_text=SUBPROJECT_HELP)
    work_package = IdListFilter(field_name="subproject__work_package_id",
                                vocabulary="work_package", help_text=WORK_PACKAGE_HELP)
    year = IntegerFilter(field_name="year", min_value=1900, max_value=2999,
                         help_text=_("Budget year."))
    category = ChoiceFilter(choices=BudgetLine.Category.choices, help_text=_(
        "Cost category."))

    class Meta:
        model = BudgetLine
        fields = []


class ActualCostFilterSet(ProjectRowsFilterSet):
    project_path = "subproject__project"
    subproject = IdListFilter(field_name="subproject_id", vocabulary="subproject",
                              help_text=SUBPROJECT_HELP)
    work_package = IdListFilter(field_name="subproject__work_package_id",
                                vocabulary="work_package", help_text=WORK_PACKAGE_HELP)
    period_from, period_to = period_filters("period")
    category = ChoiceFilter(choices=BudgetLine.Category.choices, help_text=_(
        "Cost category."))

    class Meta:
        model = ActualCost
        fields = []


class RiskFilterSet(ProjectRowsFilterSet):
    category = ChoiceFilter(choices=Risk.Category.choices, help_text=_("Category."))
    severity_min = IntegerFilter(field_name="severity", lookup_expr="gte", min_value=1,
                                 max_value=5, help_text=_(
        "Only risks at least this severe (1–5)."))

    class Meta:
        model = Risk
        fields = []


class EvaluationRoundFilterSet(ProjectRowsFilterSet):
    kind = ChoiceFilter(choices=EvaluationRound.Kind.choices, help_text=_("Kind."))

    class Meta:
        model = EvaluationRound
        fields = []


class DocumentFilterSet(ProjectRowsFilterSet):
    kind = ChoiceFilter(choices=GeneratedDocument.Kind.choices, help_text=_("Kind."))
    status = ChoiceFilter(choices=GeneratedDocument.Status.choices, help_text=_(
        "Status."))

    class Meta:
        model = GeneratedDocument
        fields = []
