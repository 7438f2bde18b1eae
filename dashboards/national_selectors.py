"""Reads of the national overview: every visible project on the national benefit goals in a
month, and the metrics several projects share. The rules of dashboards/selectors.py hold
here too; the number of queries does not grow with the number of projects."""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from dashboards import progress as progress_rules
from dashboards.budgets import Budget, actual, budgets, chart_row, planned
from dashboards.metric_cards import card, targets_by_metric, values_by_metric
from dashboards.selectors import APPROVED, add_counts, covering_phase
from indicators.models import Metric, MetricTarget
from projects import permissions
from projects.formatting import benefit_goal_name
from projects.models import BenefitGoal, Phase, Project, Region
from projects.months import add_months
from reports import selectors as report_selectors
from reports.models import MonthlyReport
from workpackages.models import WorkPackage

COMPARED_GROUPS = 4      # shared metrics compared side by side when none is chosen
COMPARISON_MONTHS = 24   # months of values read for a compared metric (pace + latest value)


def project_label(project: Project) -> str:
    return f"{project.region.name} ({project.code})"


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

    @property
    def chart_rows(self) -> list[dict]:
        """The bars of dashboards.charts.value_bars_svg: each project's latest value."""
        return [{"label": project_label(r.project), "value": r.progress.latest,
                 "target": float(r.target.target_value) if r.target and
                 r.target.target_value is not None else None}
                for r in self.rows]


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

    @property
    def goal_status_rows(self) -> list[dict]:
        """The stacked light bars per goal, in the reader's language."""
        return [{"label": benefit_goal_name(g.goal), "counts": g.counts} for g in self.goals]

    @property
    def project_status_rows(self) -> list[dict]:
        return [{"label": project_label(r.project), "counts": r.counts} for r in self.projects]

    @property
    def project_budget_rows(self) -> list[dict]:
        return [chart_row(project_label(r.project), r.budget) for r in self.projects]


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
    targets = targets_by_metric(ids, month)
    values = values_by_metric(ids, month, add_months(month, 1 - COMPARISON_MONTHS))
    for group in compared:
        for project_id, metric_id in members[group.key].items():
            metric = metrics[metric_id]
            judged = card(metric, targets.get(metric_id), values.get(metric_id, []), month)
            group.rows.append(ComparisonRow(projects[project_id], metric_id, metric.code,
                                            metric.unit, judged.target, judged.progress))
        group.rows.sort(key=lambda r: (r.project.region.name, r.project.code))
    return shared, compared


def _goal_links(projects: list[Project]) -> tuple[dict[int, list[int]], dict[int, set[int]]]:
    """The national goals of each work package and of each project: one query."""
    wp_goals: dict[int, list[int]] = defaultdict(list)
    project_goals: dict[int, set[int]] = defaultdict(set)
    for wp_id, project_id, goal_id in WorkPackage.benefit_goals.through.objects.filter(
        workpackage__project_id__in=[p.pk for p in projects]
    ).values_list("workpackage_id", "workpackage__project_id", "benefitgoal_id"):
        wp_goals[wp_id].append(goal_id)
        project_goals[project_id].add(goal_id)
    return wp_goals, project_goals


def _lights(ids: list[int], month: dt.date, wp_goals: dict, benefit_goals: list[BenefitGoal],
            chosen_goal: BenefitGoal | None) -> tuple[dict[int, dict], list[GoalRow]]:
    """The month's approved lights per project (of the chosen goal's work packages when one
    is chosen) and per goal, each goal's also per project: one query."""
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
            add_counts(project_counts[project_id], {light: n})
        for goal_id in goal_ids:
            add_counts(goal_counts[goal_id], {light: n})
            add_counts(goal_project[goal_id][project_id], {light: n})
    shown_goals = [chosen_goal] if chosen_goal else benefit_goals
    goals = [GoalRow(g, goal_counts.get(g.pk, {}), dict(goal_project.get(g.pk, {})))
             for g in shown_goals]
    if chosen_goal is None and None in goal_counts:
        goals.append(GoalRow(None, goal_counts[None], dict(goal_project[None])))
    return project_counts, goals


def _grants(ids: list[int], month: dt.date) -> dict[int, Decimal | None]:
    """The state grant of each project's phase covering the month: one query."""
    phases: dict[int, list] = defaultdict(list)
    for row in Phase.objects.filter(project_id__in=ids).order_by("start_date").values(
        "project_id", "start_date", "end_date", "state_grant", "staff_count"
    ):
        phases[row["project_id"]].append(row)
    grants = {}
    for project_id in ids:
        phase = covering_phase(phases[project_id], month)
        grants[project_id] = phase["state_grant"] if phase else None
    return grants


def national_overview(user, *, month: dt.date, region: str = "", goal: str = "",
                      metric: str = "") -> NationalOverview:
    """Every visible project on the national benefit goals in the month: status lights per
    goal and project, completeness, budget use, and the metrics projects share."""
    visible = list(permissions.visible_projects(user).order_by("region__name", "code"))
    regions = sorted({p.region for p in visible}, key=lambda r: r.name)
    wp_goals, project_goals = _goal_links(visible)
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
    project_counts, goals = _lights(ids, month, wp_goals, benefit_goals, chosen_goal)
    completeness = report_selectors.completeness(ids, month)
    by_project = Q(subproject__project_id__in=ids)
    project_budgets = budgets(planned(by_project, "subproject__project_id"),
                              actual(by_project, "subproject__project_id", month))
    grants = _grants(ids, month)
    rows = []
    total_budget, total_counts = Budget(), {}
    for p in projects:
        budget = project_budgets.get(p.pk, Budget())
        total_budget.add(budget)
        add_counts(total_counts, project_counts.get(p.pk, {}))
        rows.append(ProjectRow(p, completeness[p.pk], project_counts.get(p.pk, {}), budget,
                               grants[p.pk], project_goals[p.pk]))
    shared, compared = _shared_metrics({p.pk: p for p in projects}, month, metric)
    return NationalOverview(
        month=month, projects=rows, goals=goals, regions=regions, benefit_goals=benefit_goals,
        region=chosen_region, goal=chosen_goal, shared=shared, compared=compared,
        counts=total_counts, budget=total_budget,
        expected=sum(c.expected for c in completeness.values()),
        reported=sum(c.reported for c in completeness.values()),
    )
