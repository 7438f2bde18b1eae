"""Reads of the dashboards. Each page's figures come from a fixed set of aggregate queries
(values()/annotate, one prefetch per relation), so the number of queries does not grow with
the number of projects, subprojects, months or metric values.

Rules every page follows
- Status lights and report texts come from approved reports only: the manager's word, what a
  national viewer may read, and what the roll-up (reports.rollups) uses. They are read live
  from the reports, so a page is right the moment a report is approved; the stored roll-up
  adds only what cannot be derived — the manager's light override and summary.
- A work package's light is the worst light of its subprojects' approved reports
  (reports.rollups.worst_light) unless the manager overrode it in the month's roll-up.
- Completeness is reports.selectors.completeness: expected = started subprojects planned to
  run in the month, reported = submitted or approved.
- Budget use is the actual costs of the months up to the chosen month over the planned
  budget of all years; "this year" compares the year's plan with its costs so far."""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch, Q, Sum
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.utils import timezone

from dashboards import progress as progress_rules
from indicators.models import Metric, MetricTarget, MetricValue
from projects import permissions
from projects.models import BenefitGoal, Phase, Project, Region
from projects.months import add_months, month_range, month_start
from reports import selectors as report_selectors
from reports.models import MonthlyReport, ProjectRollup, StatusLight, WorkPackageStatus
from reports.rollups import worst_light
from workpackages.models import (
    Activity,
    ActualCost,
    BudgetLine,
    Risk,
    RiskReview,
    Subproject,
    WorkPackage,
)

APPROVED = MonthlyReport.State.APPROVED
LIGHT_ORDER = [StatusLight.GREEN, StatusLight.YELLOW, StatusLight.RED, StatusLight.BLUE,
               StatusLight.GREY]
WORSE = {StatusLight.RED: 3, StatusLight.YELLOW: 2, StatusLight.GREEN: 1}
PROBABILITY_BANDS = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 100)]
TOP_RISKS = 5
COMPARED_GROUPS = 4      # shared metrics compared side by side when none is chosen
COMPARISON_MONTHS = 24   # months of values read for a compared metric (pace + latest value)
WINDOWS = (6, 12, 24, 36)


# --- The month and the scope -----------------------------------------------------------


def default_month(project_ids) -> dt.date:
    """The latest month with an approved report in the projects (ids or a queryset of ids;
    not in the future), else last month: what a steering group meeting looks at."""
    this_month = month_start(timezone.localdate())
    latest = MonthlyReport.objects.filter(  # the (project, period, state) index
        project_id__in=project_ids, state=APPROVED, period__lte=this_month
    ).aggregate(latest=Max("period"))["latest"]
    return latest or add_months(this_month, -1)


def get_visible_work_package_or_404(user, pk) -> WorkPackage:
    """The work package if the user may read its project; 404 otherwise."""
    return get_object_or_404(permissions.scope_by_project(
        user, WorkPackage.objects.select_related("project", "project__region")), pk=pk)


# --- Small value objects ----------------------------------------------------------------


@dataclass
class Budget:
    planned: Decimal = Decimal(0)        # all years
    actual: Decimal = Decimal(0)         # up to the end of the chosen month
    year_planned: Decimal = Decimal(0)   # the chosen month's year
    year_actual: Decimal = Decimal(0)    # that year, up to the chosen month

    @property
    def use(self) -> float | None:
        return float(self.actual / self.planned) if self.planned else None

    @property
    def use_percent(self) -> float | None:
        return None if self.use is None else self.use * 100

    @property
    def year_use_percent(self) -> float | None:
        return float(self.year_actual / self.year_planned * 100) if self.year_planned else None

    def add(self, other: "Budget") -> None:
        self.planned += other.planned
        self.actual += other.actual
        self.year_planned += other.year_planned
        self.year_actual += other.year_actual


def _add_counts(into: dict, counts: dict) -> None:
    for light, n in counts.items():
        into[light] = into.get(light, 0) + n


def band_of(probability: int) -> int:
    for i, (low, high) in enumerate(PROBABILITY_BANDS):
        if low <= probability <= high:
            return i
    return len(PROBABILITY_BANDS) - 1


def _covering_phase(phases: list[dict], month: dt.date) -> dict | None:
    """The phase running in the month, else the latest one started before it, else the
    first."""
    if not phases:
        return None
    running = [p for p in phases if p["start_date"].replace(day=1) <= month <= p["end_date"]]
    if running:
        return running[-1]
    before = [p for p in phases if p["start_date"] <= month]
    return before[-1] if before else phases[0]


def _budgets(planned_rows, actual_rows, year: int) -> dict:
    """key -> Budget from (key, year, sum) rows of the plan and of the actual costs."""
    budgets: dict = defaultdict(Budget)
    for key, row_year, total in planned_rows:
        budgets[key].planned += total or 0
        if row_year == year:
            budgets[key].year_planned += total or 0
    for key, row_year, total in actual_rows:
        budgets[key].actual += total or 0
        if row_year == year:
            budgets[key].year_actual += total or 0
    return budgets


def _planned(filter_q: Q, key: str):
    return (BudgetLine.objects.filter(filter_q).order_by()
            .values_list(key, "year").annotate(total=Sum("amount")))


def _actual(filter_q: Q, key: str, month: dt.date):
    return (ActualCost.objects.filter(filter_q, period__lte=month).order_by()
            .values_list(key, ExtractYear("period")).annotate(total=Sum("amount")))


# --- Metrics ------------------------------------------------------------------------------


@dataclass
class MetricCard:
    metric: Metric
    target: MetricTarget | None
    series: dict[dt.date, Decimal]
    progress: progress_rules.Progress


def _targets_by_metric(metric_ids, month: dt.date) -> dict[int, MetricTarget]:
    targets: dict[int, MetricTarget] = {}
    for target in MetricTarget.objects.filter(
        metric_id__in=metric_ids, effective_from__lte=month
    ).order_by("metric_id", "-effective_from"):
        targets.setdefault(target.metric_id, target)
    return targets


def _values_by_metric(metric_ids, month: dt.date, first: dt.date | None = None) -> dict:
    rows: dict[int, list] = defaultdict(list)
    values = MetricValue.objects.filter(metric_id__in=metric_ids, period__lte=month,
                                        value__isnull=False, published=True)
    if first is not None:
        values = values.filter(period__gte=first)
    for metric_id, period, category_id, value in values.order_by().values_list(
        "metric_id", "period", "category_id", "value"
    ):
        rows[metric_id].append((period, category_id, value))
    return rows


def _card(metric: Metric, target: MetricTarget | None, rows, month: dt.date) -> MetricCard:
    series = progress_rules.monthly_series(metric.kind, rows)
    verdict = progress_rules.judge(
        series=series, month=month,
        baseline=target.baseline_value if target else None,
        target=target.target_value if target else None,
        target_date=target.target_date if target else None, direction=metric.direction,
    )
    return MetricCard(metric, target, series, verdict)


def metric_cards(metrics_q: Q, month: dt.date) -> list[MetricCard]:
    """Cards for the metrics matching the filter: the monthly series up to the month, the
    target valid in the month and the verdict of dashboards.progress.judge. A metric with
    neither a value nor a target has nothing to show and is left out (as in the monthly PDF).
    Three queries."""
    metrics = list(
        Metric.objects.filter(metrics_q).exclude(kind=Metric.Kind.TEXT)
        .distinct().order_by("code_sort")
    )
    ids = [m.pk for m in metrics]
    targets = _targets_by_metric(ids, month)
    values = _values_by_metric(ids, month)
    return [_card(m, targets.get(m.pk), values.get(m.pk, []), month) for m in metrics
            if m.pk in targets or m.pk in values]


# --- The national overview ----------------------------------------------------------------


@dataclass
class ProjectRow:
    project: Project
    completeness: report_selectors.Completeness
    counts: dict[str, int]
    budget: Budget
    grant: Decimal | None
    benefit_goal_ids: set[int]


@dataclass
class GoalRow:
    goal: BenefitGoal | None          # None: work packages mapped to no national goal
    counts: dict[str, int]
    per_project: dict[int, dict[str, int]]


@dataclass
class ComparisonRow:
    project: Project
    metric_id: int
    code: str
    unit: str
    target: MetricTarget | None
    progress: progress_rules.Progress


@dataclass
class SharedMetric:
    key: str
    code: str
    name: str
    project_count: int
    metric_ids: list[int] = field(default_factory=list)
    rows: list[ComparisonRow] = field(default_factory=list)


@dataclass
class NationalOverview:
    month: dt.date
    projects: list[ProjectRow]
    goals: list[GoalRow]
    regions: list[Region]
    benefit_goals: list[BenefitGoal]
    region: Region | None
    goal: BenefitGoal | None
    shared: list[SharedMetric]
    compared: list[SharedMetric]
    counts: dict[str, int]
    budget: Budget
    expected: int
    reported: int

    @property
    def completeness_rate(self) -> float:
        return self.reported / self.expected if self.expected else 0.0


def _shared_key(external_id: str, code: str, name: str) -> str:
    """A short stable key for a group of metrics that measure the same thing."""
    raw = f"x:{external_id.strip()}" if external_id.strip() else (
        f"c:{code.strip().lower()}|{' '.join(name.lower().split())}")
    return hashlib.sha1(raw.encode()).hexdigest()[:10]


def _shared_metrics(projects: dict[int, Project], month: dt.date, chosen: str):
    """Metrics several projects share (same external statistic, else same code and name);
    the chosen group (or the largest few) compared project by project."""
    groups: dict[str, SharedMetric] = {}
    members: dict[str, dict[int, int]] = defaultdict(dict)
    sort_keys: dict[str, str] = {}
    for metric_id, project_id, code, code_sort, name, external_id in (
        Metric.objects.filter(project_id__in=list(projects)).exclude(kind=Metric.Kind.TEXT)
        .order_by("code_sort", "project_id")
        .values_list("id", "project_id", "code", "code_sort", "name", "external_id")
    ):
        key = _shared_key(external_id, code, name)
        groups.setdefault(key, SharedMetric(key, code, name, 0))
        sort_keys.setdefault(key, code_sort)
        members[key].setdefault(project_id, metric_id)  # one metric per project and group
    shared = []
    for key, group in groups.items():
        if len(members[key]) < 2:
            continue
        group.project_count = len(members[key])
        group.metric_ids = list(members[key].values())
        shared.append(group)
    shared.sort(key=lambda g: (-g.project_count, sort_keys[g.key]))
    compared = [g for g in shared if g.key == chosen] if chosen else shared[:COMPARED_GROUPS]
    ids = [i for g in compared for i in g.metric_ids]
    if not ids:
        return shared, compared
    metrics = {m.pk: m for m in Metric.objects.filter(pk__in=ids).only(
        "id", "project_id", "code", "unit", "kind", "direction")}
    targets = _targets_by_metric(ids, month)
    values = _values_by_metric(ids, month, add_months(month, 1 - COMPARISON_MONTHS))
    for group in compared:
        for project_id, metric_id in members[group.key].items():
            metric = metrics[metric_id]
            card = _card(metric, targets.get(metric_id), values.get(metric_id, []), month)
            group.rows.append(ComparisonRow(projects[project_id], metric_id, metric.code,
                                            metric.unit, card.target, card.progress))
        group.rows.sort(key=lambda r: (r.project.region.name, r.project.code))
    return shared, compared


def national_overview(user, *, month: dt.date, region: str = "", goal: str = "",
                      metric: str = "") -> NationalOverview:
    """Every visible project on the national benefit goals in the month: status lights per
    goal and project, completeness, budget use, and the metrics projects share."""
    visible = list(permissions.visible_projects(user).order_by("region__name", "code"))
    regions = sorted({p.region for p in visible}, key=lambda r: r.name)
    wp_goals: dict[int, list[int]] = defaultdict(list)
    project_goals: dict[int, set[int]] = defaultdict(set)
    for wp_id, project_id, goal_id in WorkPackage.benefit_goals.through.objects.filter(
        workpackage__project_id__in=[p.pk for p in visible]
    ).values_list("workpackage_id", "workpackage__project_id", "benefitgoal_id"):
        wp_goals[wp_id].append(goal_id)
        project_goals[project_id].add(goal_id)
    benefit_goals = list(BenefitGoal.objects.filter(
        programme_id__in={p.programme_id for p in visible}).order_by("programme_id", "code_sort"))
    chosen_region = next((r for r in regions if r.code == region), None)
    chosen_goal = next((g for g in benefit_goals if g.code == goal), None)
    projects = [
        p for p in visible
        if (not region or p.region.code == region)
        and (not goal or (chosen_goal and chosen_goal.pk in project_goals[p.pk]))
    ]
    ids = [p.pk for p in projects]

    # Status lights of the month: per project and work package, mapped onto the goals.
    goal_counts: dict = defaultdict(dict)
    goal_project: dict = defaultdict(lambda: defaultdict(dict))
    project_counts: dict[int, dict] = defaultdict(dict)
    for project_id, wp_id, light, n in (
        MonthlyReport.objects.filter(project_id__in=ids, period=month, state=APPROVED)
        .exclude(light="").order_by()  # the project's own report has no light
        .values_list("project_id", "subproject__work_package_id", "light")
        .annotate(n=Count("id"))
    ):
        goal_ids = wp_goals.get(wp_id) or [None]
        if chosen_goal is None or chosen_goal.pk in goal_ids:
            _add_counts(project_counts[project_id], {light: n})
        for goal_id in goal_ids:
            _add_counts(goal_counts[goal_id], {light: n})
            _add_counts(goal_project[goal_id][project_id], {light: n})
    shown_goals = [chosen_goal] if chosen_goal else benefit_goals
    goals = [GoalRow(g, goal_counts.get(g.pk, {}), dict(goal_project.get(g.pk, {})))
             for g in shown_goals]
    if chosen_goal is None and None in goal_counts:
        goals.append(GoalRow(None, goal_counts[None], dict(goal_project[None])))

    completeness = report_selectors.completeness(ids, month)
    budgets = _budgets(
        _planned(Q(subproject__project_id__in=ids), "subproject__project_id"),
        _actual(Q(subproject__project_id__in=ids), "subproject__project_id", month),
        month.year,
    )
    phases: dict[int, list] = defaultdict(list)
    for row in Phase.objects.filter(project_id__in=ids).order_by("start_date").values(
        "project_id", "start_date", "end_date", "state_grant", "staff_count"
    ):
        phases[row["project_id"]].append(row)
    rows = []
    total_budget, total_counts = Budget(), {}
    for p in projects:
        phase = _covering_phase(phases[p.pk], month)
        budget = budgets.get(p.pk, Budget())
        total_budget.add(budget)
        _add_counts(total_counts, project_counts.get(p.pk, {}))
        rows.append(ProjectRow(p, completeness[p.pk], project_counts.get(p.pk, {}), budget,
                               phase["state_grant"] if phase else None, project_goals[p.pk]))
    shared, compared = _shared_metrics({p.pk: p for p in projects}, month, metric)
    return NationalOverview(
        month=month, projects=rows, goals=goals, regions=regions, benefit_goals=benefit_goals,
        region=chosen_region, goal=chosen_goal, shared=shared, compared=compared,
        counts=total_counts, budget=total_budget,
        expected=sum(c.expected for c in completeness.values()),
        reported=sum(c.reported for c in completeness.values()),
    )


# --- Project, work package and subproject dashboards --------------------------------------


@dataclass
class SubprojectRow:
    subproject: Subproject
    expected: bool                       # expected to report in the month
    state: str = ""                      # state of the month's report ("" = none)
    light: str = ""                      # approved light of the month
    previous_light: str = ""             # approved light of the month before
    progress: int | None = None          # approved progress % of the month
    cells: dict[str, str] = field(default_factory=dict)   # "YYYY-MM" -> approved light
    budget: Budget = field(default_factory=Budget)
    budget_years: dict[int, Budget] = field(default_factory=dict)   # year -> plan and costs
    first_report: bool = False           # the month's report is its first approved one

    @property
    def reported(self) -> bool:
        return self.state in report_selectors.REPORTED_STATES


@dataclass
class WorkPackageRow:
    work_package: WorkPackage
    subprojects: list[SubprojectRow]
    light: str = ""
    override_reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    budget: Budget = field(default_factory=Budget)
    budget_years: dict[int, Budget] = field(default_factory=lambda: defaultdict(Budget))

    @property
    def expected(self) -> int:
        return sum(1 for s in self.subprojects if s.expected)

    @property
    def reported(self) -> int:
        return sum(1 for s in self.subprojects if s.expected and s.reported)

    @property
    def completeness_rate(self) -> float:
        return self.reported / self.expected if self.expected else 0.0


@dataclass
class RiskSummary:
    risks: list[Risk]
    cells: dict[tuple[int, int], int]
    new: list[Risk]                                  # first reviewed in the month
    changed: list[tuple[Risk, tuple[int, int], tuple[int, int]]]  # (risk, before, after)

    @property
    def top(self) -> list[Risk]:
        return self.risks[:TOP_RISKS]


@dataclass
class LightChange:
    row: SubprojectRow
    before: str
    after: str

    @property
    def worse(self) -> bool:
        return WORSE.get(self.after, 0) > WORSE.get(self.before, 0)


@dataclass
class Dashboard:
    """A project, a work package or a subproject in the month: what the pages show."""

    project: Project
    month: dt.date
    window: list[dt.date]                  # months of the status matrix
    timeline_months: list[dt.date]
    work_packages: list[WorkPackageRow]
    subprojects: list[SubprojectRow]
    cards: list[MetricCard]
    budget: Budget
    budget_years: dict[int, Budget]
    counts: dict[str, int]
    expected: int
    reported: int
    approved: int
    light_changes: list[LightChange]
    approved_previous: int
    reports: dict[dt.date, list[tuple[SubprojectRow, MonthlyReport]]]  # texts, newest first
    completeness: report_selectors.Completeness | None = None
    risks: RiskSummary | None = None
    phase: dict | None = None
    co_implementers: list = field(default_factory=list)
    summary: str = ""

    @property
    def completeness_rate(self) -> float:
        return self.reported / self.expected if self.expected else 0.0

    @property
    def first_reports(self) -> list[SubprojectRow]:
        return [s for s in self.subprojects if s.first_report]


def _expected(sub: Subproject, month: dt.date) -> bool:
    """reports.selectors.reportable_subprojects' rule for one subproject already in hand."""
    return not sub.starts_later and (sub.start_month is None or sub.start_month <= month) and (
        sub.end_month is None or sub.end_month >= month)


def _timeline_months(subprojects: list[Subproject], phases: list[dict], month: dt.date):
    starts = [s.start_month for s in subprojects if s.start_month]
    ends = [s.end_month for s in subprojects if s.end_month]
    for sub in subprojects:
        for activity in sub.activities.all():
            starts.append(activity.start_month)
            ends.append(activity.end_month)
    starts += [p["start_date"].replace(day=1) for p in phases]
    ends += [p["end_date"].replace(day=1) for p in phases]
    return month_range(min(starts + [month]), max(ends + [month]))


def _risks(project: Project, month: dt.date) -> RiskSummary:
    """The register by score, the matrix cells, and what the month's reviews changed. The
    register has no creation date: a risk counts as new in the month of its first review."""
    risks = sorted(Risk.objects.filter(project=project).select_related("owner"),
                   key=lambda r: (-r.severity * r.probability, -r.severity, r.pk))
    cells: dict[tuple[int, int], int] = defaultdict(int)
    for risk in risks:
        cells[(risk.severity, band_of(risk.probability))] += 1
    reviews: dict[int, list] = defaultdict(list)
    for risk_id, on, severity, probability in RiskReview.objects.filter(
        risk__project=project, reviewed_on__lt=add_months(month, 1)
    ).order_by("risk_id", "reviewed_on", "id").values_list(
        "risk_id", "reviewed_on", "severity", "probability"
    ):
        reviews[risk_id].append((on, severity, probability))
    new, changed = [], []
    for risk in risks:
        dates = [r[0] for r in reviews.get(risk.pk, [])]
        if risk.reviewed_on and risk.reviewed_on < add_months(month, 1):
            dates.append(risk.reviewed_on)
        if dates and month_start(min(dates)) == month:
            new.append(risk)
            continue
        history = reviews.get(risk.pk, [])
        in_month = [r for r in history if month_start(r[0]) == month]
        earlier = [r for r in history if r[0] < month]
        if in_month and earlier and in_month[-1][1:] != earlier[-1][1:]:
            changed.append((risk, earlier[-1][1:], in_month[-1][1:]))
    return RiskSummary(risks, dict(cells), new, changed)


def _dashboard(*, project: Project, month: dt.date, window: int, work_package=None,
               subproject=None, with_texts: bool = False,
               texts_from: dt.date | None = None) -> Dashboard:
    """The shared body of the three pages, narrowed to a work package or a subproject."""
    if subproject is not None:
        scope = Q(pk=subproject.pk)
        by_sub = Q(subproject=subproject)
        metrics_q = Q(subproject=subproject) | Q(subproject__isnull=True,
                                                 goal__subprojects=subproject)
    elif work_package is not None:
        scope = Q(work_package=work_package)
        by_sub = Q(subproject__work_package=work_package)
        metrics_q = Q(subproject__work_package=work_package) | Q(
            subproject__isnull=True, goal__subprojects__work_package=work_package)
    else:
        scope = Q(project=project)
        by_sub = Q(subproject__project=project)
        metrics_q = Q(project=project)
    is_project = work_package is None and subproject is None

    subprojects = list(
        Subproject.objects.filter(scope).select_related("work_package", "organisation")
        .prefetch_related(Prefetch("activities", queryset=Activity.objects.order_by(
            "start_month", "order")))
        .order_by("work_package__code_sort", "code_sort")
    )
    if is_project:
        work_packages = list(WorkPackage.objects.filter(project=project).order_by("code_sort"))
    else:
        work_packages = list({s.work_package_id: s.work_package for s in subprojects}.values())
        if work_package is not None and not work_packages:
            work_packages = [work_package]
    months = month_range(add_months(month, 1 - window), month)
    previous = add_months(month, -1)
    rows = {s.pk: SubprojectRow(s, _expected(s, month)) for s in subprojects}

    reports = MonthlyReport.objects.filter(by_sub, period__lte=month)
    if not with_texts:
        reports = reports.only("id", "subproject_id", "period", "state", "light", "progress")
    first = min(months[0], texts_from) if with_texts and texts_from else (
        None if with_texts else months[0])
    if first is not None:
        reports = reports.filter(period__gte=first)
    texts: dict[dt.date, list] = defaultdict(list)
    approved_previous = 0
    for report in reports.order_by("-period", "subproject_id"):
        row = rows.get(report.subproject_id)
        if row is None:
            continue
        if report.period == month:
            row.state = report.state
        if report.state != APPROVED:
            continue
        if report.period >= months[0]:
            row.cells[report.period.isoformat()[:7]] = report.light
        if report.period == month:
            row.light, row.progress = report.light, report.progress
        elif report.period == previous:
            row.previous_light = report.light
            approved_previous += 1
        if with_texts and (texts_from is None or report.period >= texts_from):
            texts[report.period].append((row, report))
    for sub_id in (
        MonthlyReport.objects.filter(by_sub, state=APPROVED, period__lte=month).order_by()
        .values("subproject_id").annotate(first=Min("period")).filter(first=month)
        .values_list("subproject_id", flat=True)
    ):
        if sub_id in rows:
            rows[sub_id].first_report = True

    overrides = {}
    summary = ""
    if subproject is None:
        overrides = {
            wp_id: (light, reason) for wp_id, light, reason in WorkPackageStatus.objects.filter(
                rollup__project=project, rollup__month=month
            ).exclude(override_light="").values_list(
                "work_package_id", "override_light", "override_reason")
        }
    if is_project:
        summary = ProjectRollup.objects.filter(project=project, month=month).values_list(
            "narrative", flat=True).first() or ""

    planned_rows = list(_planned(by_sub, "subproject_id"))
    actual_rows = list(_actual(by_sub, "subproject_id", month))
    budgets = _budgets(planned_rows, actual_rows, month.year)
    budget_years = _budgets([(y, y, t) for _, y, t in planned_rows],
                            [(y, y, t) for _, y, t in actual_rows], month.year)
    sub_years = _budgets([((s, y), y, t) for s, y, t in planned_rows],
                         [((s, y), y, t) for s, y, t in actual_rows], month.year)

    wp_rows = {wp.pk: WorkPackageRow(wp, []) for wp in work_packages}
    total_budget, counts = Budget(), {}
    for row in rows.values():
        row.budget = budgets.get(row.subproject.pk, Budget())
        row.budget_years = {y: sub_years.get((row.subproject.pk, y), Budget())
                            for y in sorted(budget_years)}
        total_budget.add(row.budget)
        wp_row = wp_rows.get(row.subproject.work_package_id)
        if wp_row is not None:
            wp_row.subprojects.append(row)
            wp_row.budget.add(row.budget)
            for y, budget in row.budget_years.items():
                wp_row.budget_years[y].add(budget)
            if row.light:
                _add_counts(wp_row.counts, {row.light: 1})
        if row.light:
            _add_counts(counts, {row.light: 1})
    for wp_row in wp_rows.values():
        wp_row.light = worst_light(s.light for s in wp_row.subprojects)
        if wp_row.work_package.pk in overrides:
            wp_row.light, wp_row.override_reason = overrides[wp_row.work_package.pk]

    phases = []
    co_implementers = []
    if is_project:
        phases = list(Phase.objects.filter(project=project).order_by("start_date").values(
            "code", "name", "start_date", "end_date", "state_grant", "staff_count",
            "project_count"))
        co_implementers = list(project.co_implementers.order_by("name"))
    light_changes = [
        LightChange(r, r.previous_light, r.light) for r in rows.values()
        if r.light and r.previous_light and r.light != r.previous_light
    ]
    light_changes.sort(key=lambda c: (not c.worse, c.row.subproject.code_sort))
    subproject_rows = list(rows.values())
    return Dashboard(
        project=project, month=month, window=months,
        timeline_months=_timeline_months(subprojects, phases, month),
        work_packages=list(wp_rows.values()), subprojects=subproject_rows,
        cards=metric_cards(metrics_q, month),
        budget=total_budget, budget_years=dict(sorted(budget_years.items())),
        counts=counts,
        expected=sum(1 for r in subproject_rows if r.expected),
        reported=sum(1 for r in subproject_rows if r.expected and r.reported),
        approved=sum(1 for r in subproject_rows if r.light),
        light_changes=light_changes, approved_previous=approved_previous,
        reports=dict(texts),
        completeness=report_selectors.completeness([project.pk], month)[project.pk]
        if is_project else None,
        risks=_risks(project, month) if is_project else None,
        phase=_covering_phase(phases, month) if phases else None,
        co_implementers=co_implementers, summary=summary,
    )


def project_dashboard(project: Project, *, month: dt.date, window: int = 12) -> Dashboard:
    """Key figures, status per work package, the status matrix, metric cards, timeline,
    budget, risks and what changed since last month, for one project."""
    return _dashboard(project=project, month=month, window=window)


def work_package_dashboard(work_package: WorkPackage, *, month: dt.date,
                           window: int = 12) -> Dashboard:
    """The project dashboard narrowed to one work package, with the report texts of the
    window's months."""
    return _dashboard(project=work_package.project, month=month, window=window,
                      work_package=work_package, with_texts=True,
                      texts_from=add_months(month, 1 - window))


def subproject_dashboard(subproject: Subproject, *, month: dt.date,
                         window: int = 12) -> Dashboard:
    """One subproject: its light month by month, metrics, timeline, budget and every
    approved report text up to the month."""
    return _dashboard(project=subproject.project, month=month, window=window,
                      subproject=subproject, with_texts=True)
