"""Reads of the project, work package and subproject dashboards, one small function per
section of the page, each with a fixed number of queries (values()/annotate, one prefetch per
relation), so a page's queries do not grow with its subprojects, months or metric values.
The national overview is read in national_selectors.py, the budgets in budgets.py and the
metric cards in metric_cards.py.

Rules every page follows
- Status lights and report texts come from approved reports only: the manager's word, what a
  national viewer may read, and what the roll-up (reports.rollups) uses. They are read live
  from the reports, so a page is right the moment a report is approved; the stored roll-up
  adds only what cannot be derived — the manager's light override and summary.
- A work package's light is the worst light of its subprojects' approved reports
  (reports.rollups.worst_light) unless the manager overrode it in the month's roll-up.
- Completeness is reports.selectors.completeness: expected =
  Subproject.objects.expected_to_report (started subprojects planned to run in the month),
  reported = submitted or approved.
- Budget use is the actual costs of the months up to the chosen month over the planned
  budget of all years; by year, each year's plan against its costs up to the month."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Min, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from dashboards.budgets import Budget, actual, budgets, chart_row, planned
from dashboards.metric_cards import MetricCard, metric_cards
from projects import permissions
from projects.models import Phase, Project
from projects.months import add_months, month_range, month_start
from reports import selectors as report_selectors
from reports.models import MonthlyReport, ProjectRollup, StatusLight, WorkPackageStatus
from reports.rollups import worst_light
from workpackages.models import Risk, RiskReview, Subproject, WorkPackage
from workpackages.timeline import timeline_months, timeline_row, with_activities

APPROVED = MonthlyReport.State.APPROVED
LIGHT_ORDER = [StatusLight.GREEN, StatusLight.YELLOW, StatusLight.RED, StatusLight.BLUE,
               StatusLight.GREY]
WORSE = {StatusLight.RED: 3, StatusLight.YELLOW: 2, StatusLight.GREEN: 1}
PROBABILITY_BANDS = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 100)]
TOP_RISKS = 5
WINDOWS = (6, 12, 24, 36)
# What the lights of the status matrix need of a report (the texts are read only for pages
# that show them).
LIGHT_FIELDS = ("id", "subproject_id", "period", "state", "light", "progress")


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


@dataclass(frozen=True)
class Scope:
    """What a page covers: a project, one of its work packages or one subproject."""

    project: Project
    work_package: WorkPackage | None = None
    subproject: Subproject | None = None

    @property
    def subprojects(self) -> Q:
        """The page's subprojects."""
        if self.subproject is not None:
            return Q(pk=self.subproject.pk)
        if self.work_package is not None:
            return Q(work_package=self.work_package)
        return Q(project=self.project)

    @property
    def of_subprojects(self) -> Q:
        """Rows of the page's subprojects: reports, budget lines, actual costs."""
        if self.subproject is not None:
            return Q(subproject=self.subproject)
        if self.work_package is not None:
            return Q(subproject__work_package=self.work_package)
        return Q(subproject__project=self.project)

    @property
    def metrics(self) -> Q:
        """The page's metrics: its subprojects' own and those of the goals they serve. Always
        within the project: the project's index bounds the rows read, where the OR of two
        joins alone reads every project's metrics."""
        if self.subproject is not None:
            return Q(project=self.project) & (Q(subproject=self.subproject) | Q(
                subproject__isnull=True, goal__subprojects=self.subproject))
        if self.work_package is not None:
            return Q(project=self.project) & (Q(subproject__work_package=self.work_package) | Q(
                subproject__isnull=True, goal__subprojects__work_package=self.work_package))
        return Q(project=self.project)


# --- Small helpers shared with the national overview -------------------------------------


def add_counts(into: dict, counts: dict) -> None:
    for light, n in counts.items():
        into[light] = into.get(light, 0) + n


def band_of(probability: int) -> int:
    for i, (low, high) in enumerate(PROBABILITY_BANDS):
        if low <= probability <= high:
            return i
    return len(PROBABILITY_BANDS) - 1


def covering_phase(phases: list[dict], month: dt.date) -> dict | None:
    """The phase running in the month, else the latest one started before it, else the
    first."""
    if not phases:
        return None
    running = [p for p in phases if p["start_date"].replace(day=1) <= month <= p["end_date"]]
    if running:
        return running[-1]
    before = [p for p in phases if p["start_date"] <= month]
    return before[-1] if before else phases[0]


# --- What a page shows ------------------------------------------------------------------


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

    @property
    def label(self) -> str:
        return f"{self.subproject.code} {self.subproject.name}"


class ReportingRate:
    """How many of the `subprojects` rows were expected to report in the month and did."""

    @property
    def expected(self) -> int:
        return sum(1 for r in self.subprojects if r.expected)

    @property
    def reported(self) -> int:
        return sum(1 for r in self.subprojects if r.expected and r.reported)

    @property
    def completeness_rate(self) -> float:
        return self.reported / self.expected if self.expected else 0.0


@dataclass
class WorkPackageRow(ReportingRate):
    work_package: WorkPackage
    subprojects: list[SubprojectRow]
    light: str = ""
    override_reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    budget: Budget = field(default_factory=Budget)
    budget_years: dict[int, Budget] = field(default_factory=lambda: defaultdict(Budget))


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
class Dashboard(ReportingRate):
    """A project, a work package or a subproject in the month: what the pages show, the
    charts' rows included."""

    project: Project
    month: dt.date
    window: list[dt.date]                  # months of the status matrix
    timeline_months: list[dt.date]
    timeline_rows: list[dict]              # workpackages.timeline rows, one per subproject
    work_packages: list[WorkPackageRow]
    subprojects: list[SubprojectRow]
    cards: list[MetricCard]
    budget: Budget
    budget_years: dict[int, Budget]
    counts: dict[str, int]
    light_changes: list[LightChange]
    approved_previous: int
    reports: dict[dt.date, list[tuple[SubprojectRow, MonthlyReport]]] = field(
        default_factory=dict)             # approved texts by month, newest first
    completeness: report_selectors.Completeness | None = None
    risks: RiskSummary | None = None
    phase: dict | None = None
    co_implementers: list = field(default_factory=list)
    summary: str = ""

    @property
    def approved(self) -> int:
        return sum(1 for r in self.subprojects if r.light)

    @property
    def first_reports(self) -> list[SubprojectRow]:
        return [s for s in self.subprojects if s.first_report]

    @property
    def matrix_rows(self) -> list[dict]:
        """The rows of dashboards.charts.status_matrix_svg."""
        return [{"label": r.label, "grey": r.subproject.starts_later, "cells": r.cells}
                for r in self.subprojects]

    @property
    def work_package_status_rows(self) -> list[dict]:
        """The stacked light bars per work package."""
        return [{"label": f"{w.work_package.code} {w.work_package.name}", "counts": w.counts}
                for w in self.work_packages]

    @property
    def subproject_budget_rows(self) -> list[dict]:
        return [chart_row(r.label, r.budget) for r in self.subprojects
                if r.budget.planned or r.budget.actual]

    @property
    def year_budget_rows(self) -> list[dict]:
        return [chart_row(str(year), budget) for year, budget in self.budget_years.items()]


# --- The sections, each a fixed number of queries ----------------------------------------


def _subproject_rows(scope: Scope, month: dt.date) -> dict[int, SubprojectRow]:
    """A row per subproject of the page, with its activities: two queries."""
    subprojects = with_activities(
        Subproject.objects.filter(scope.subprojects).with_expected_to_report(month)
        .select_related("work_package", "organisation")
        .order_by("work_package__code_sort", "code_sort"))
    return {s.pk: SubprojectRow(s, s.expected_to_report) for s in subprojects}


def _reports(scope: Scope, month: dt.date, since: dt.date | None) -> QuerySet[MonthlyReport]:
    """The reports of the page's subprojects up to the month (from `since` on), newest
    first."""
    reports = MonthlyReport.objects.filter(scope.of_subprojects, period__lte=month)
    if since is not None:
        reports = reports.filter(period__gte=since)
    return reports.order_by("-period", "subproject_id")


def _apply_reports(rows: dict[int, SubprojectRow], reports, month: dt.date,
                   window: list[dt.date]) -> int:
    """Each row's state of the month and its approved lights (of the month, of the month
    before and in the matrix's window); returns how many were approved the month before."""
    previous = add_months(month, -1)
    approved_previous = 0
    for report in reports:
        row = rows.get(report.subproject_id)
        if row is None:
            continue
        if report.period == month:
            row.state = report.state
        if report.state != APPROVED:
            continue
        if report.period >= window[0]:
            row.cells[report.period.isoformat()[:7]] = report.light
        if report.period == month:
            row.light, row.progress = report.light, report.progress
        elif report.period == previous:
            row.previous_light = report.light
            approved_previous += 1
    return approved_previous


def _mark_first_reports(scope: Scope, rows: dict[int, SubprojectRow], month: dt.date) -> None:
    """Marks the rows whose first approved report is the month's: one query."""
    for sub_id in (
        MonthlyReport.objects.filter(scope.of_subprojects, state=APPROVED, period__lte=month)
        .order_by().values("subproject_id").annotate(first=Min("period")).filter(first=month)
        .values_list("subproject_id", flat=True)
    ):
        if sub_id in rows:
            rows[sub_id].first_report = True


def _texts(rows: dict[int, SubprojectRow], reports, since: dt.date | None) -> dict:
    """The approved reports (texts) by month, newest first, from `since` on."""
    texts: dict[dt.date, list] = defaultdict(list)
    for report in reports:
        row = rows.get(report.subproject_id)
        if row is not None and report.state == APPROVED and (
            since is None or report.period >= since
        ):
            texts[report.period].append((row, report))
    return dict(texts)


def _overrides(project: Project, month: dt.date) -> dict[int, tuple[str, str]]:
    """work package id -> (light, reason) the manager set in the month's roll-up: one
    query."""
    return {
        wp_id: (light, reason) for wp_id, light, reason in WorkPackageStatus.objects.filter(
            rollup__project=project, rollup__month=month
        ).exclude(override_light="").values_list(
            "work_package_id", "override_light", "override_reason")
    }


def _work_package_rows(scope: Scope, rows: dict[int, SubprojectRow],
                       overrides: dict[int, tuple[str, str]]) -> list[WorkPackageRow]:
    """A row per work package of the page with its subprojects' rows, light counts and
    light (the worst, unless overridden): one query on the project page, none otherwise."""
    if scope.work_package is None and scope.subproject is None:
        work_packages = list(WorkPackage.objects.filter(project=scope.project)
                             .order_by("code_sort"))
    else:
        work_packages = list({r.subproject.work_package_id: r.subproject.work_package
                              for r in rows.values()}.values())
        if scope.work_package is not None and not work_packages:
            work_packages = [scope.work_package]
    wp_rows = {wp.pk: WorkPackageRow(wp, []) for wp in work_packages}
    for row in rows.values():
        wp_row = wp_rows.get(row.subproject.work_package_id)
        if wp_row is not None:
            wp_row.subprojects.append(row)
            if row.light:
                add_counts(wp_row.counts, {row.light: 1})
    for wp_row in wp_rows.values():
        wp_row.light = worst_light(s.light for s in wp_row.subprojects)
        if wp_row.work_package.pk in overrides:
            wp_row.light, wp_row.override_reason = overrides[wp_row.work_package.pk]
    return list(wp_rows.values())


def _apply_budgets(scope: Scope, rows: dict[int, SubprojectRow],
                   wp_rows: list[WorkPackageRow], month: dt.date) -> tuple[Budget, dict]:
    """Each subproject's and work package's budget, in all and by year; returns the page's
    total and its years: two queries."""
    planned_rows = list(planned(scope.of_subprojects, "subproject_id"))
    actual_rows = list(actual(scope.of_subprojects, "subproject_id", month))
    by_subproject = budgets(planned_rows, actual_rows)
    by_year = budgets([(y, y, t) for _, y, t in planned_rows],
                      [(y, y, t) for _, y, t in actual_rows])
    by_subproject_year = budgets([((s, y), y, t) for s, y, t in planned_rows],
                                 [((s, y), y, t) for s, y, t in actual_rows])
    total = Budget()
    for row in rows.values():
        row.budget = by_subproject.get(row.subproject.pk, Budget())
        row.budget_years = {y: by_subproject_year.get((row.subproject.pk, y), Budget())
                            for y in sorted(by_year)}
        total.add(row.budget)
    for wp_row in wp_rows:
        for row in wp_row.subprojects:
            wp_row.budget.add(row.budget)
            for y, budget in row.budget_years.items():
                wp_row.budget_years[y].add(budget)
    return total, dict(sorted(by_year.items()))


def _light_changes(rows: dict[int, SubprojectRow]) -> list[LightChange]:
    """The subprojects whose approved light differs from the month before's, worse first."""
    changes = [LightChange(r, r.previous_light, r.light) for r in rows.values()
               if r.light and r.previous_light and r.light != r.previous_light]
    changes.sort(key=lambda c: (not c.worse, c.row.subproject.code_sort))
    return changes


def _risks(project: Project, month: dt.date) -> RiskSummary:
    """The register by score, the matrix cells, and what the month's reviews changed. The
    register has no creation date: a risk counts as new in the month of its first review.
    Two queries."""
    risks = sorted(Risk.objects.filter(project=project).exclude(closed_on__lt=month)
                   .select_related("owner"),
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


def _phases(project: Project) -> list[dict]:
    """The project's phases in order: one query."""
    return list(Phase.objects.filter(project=project).order_by("start_date").values(
        "code", "name", "start_date", "end_date", "state_grant", "staff_count",
        "project_count"))


def _summary(project: Project, month: dt.date) -> str:
    """The manager's summary in the month's roll-up: one query."""
    return ProjectRollup.objects.filter(project=project, month=month).values_list(
        "narrative", flat=True).first() or ""


def _dashboard(scope: Scope, *, month: dt.date, window: list[dt.date], reports,
               overrides: dict, phases: list[dict]) -> Dashboard:
    """The sections every page has: lights, timeline, metric cards, budget and changes."""
    rows = _subproject_rows(scope, month)
    approved_previous = _apply_reports(rows, reports, month, window)
    _mark_first_reports(scope, rows, month)
    wp_rows = _work_package_rows(scope, rows, overrides)
    budget, budget_years = _apply_budgets(scope, rows, wp_rows, month)
    counts: dict[str, int] = {}
    for row in rows.values():
        if row.light:
            add_counts(counts, {row.light: 1})
    subprojects = [r.subproject for r in rows.values()]
    return Dashboard(
        project=scope.project, month=month, window=window,
        timeline_months=timeline_months(
            subprojects, [(p["start_date"], p["end_date"]) for p in phases], month),
        timeline_rows=[timeline_row(r.subproject, r.label) for r in rows.values()],
        work_packages=wp_rows, subprojects=list(rows.values()),
        cards=metric_cards(scope.metrics, month),
        budget=budget, budget_years=budget_years, counts=counts,
        light_changes=_light_changes(rows), approved_previous=approved_previous,
    )


def _window(month: dt.date, window: int) -> list[dt.date]:
    return month_range(add_months(month, 1 - window), month)


# --- The pages ----------------------------------------------------------------------------


def project_dashboard(project: Project, *, month: dt.date, window: int = 12) -> Dashboard:
    """Key figures, status per work package, the status matrix, metric cards, timeline,
    budget, risks and what changed since last month, for one project."""
    scope, months = Scope(project), _window(month, window)
    phases = _phases(project)
    dashboard = _dashboard(
        scope, month=month, window=months,
        reports=_reports(scope, month, since=months[0]).only(*LIGHT_FIELDS),
        overrides=_overrides(project, month), phases=phases)
    dashboard.summary = _summary(project, month)
    dashboard.co_implementers = list(project.co_implementers.order_by("name"))
    dashboard.completeness = report_selectors.completeness([project.pk], month)[project.pk]
    dashboard.risks = _risks(project, month)
    dashboard.phase = covering_phase(phases, month)
    return dashboard


def work_package_dashboard(work_package: WorkPackage, *, month: dt.date,
                           window: int = 12) -> Dashboard:
    """The project dashboard narrowed to one work package, with the report texts of the
    window's months."""
    scope, months = Scope(work_package.project, work_package=work_package), _window(month, window)
    reports = list(_reports(scope, month, since=months[0]))
    dashboard = _dashboard(scope, month=month, window=months, reports=reports,
                           overrides=_overrides(work_package.project, month), phases=[])
    dashboard.reports = _texts({r.subproject.pk: r for r in dashboard.subprojects}, reports,
                               since=months[0])
    return dashboard


def subproject_dashboard(subproject: Subproject, *, month: dt.date,
                         window: int = 12) -> Dashboard:
    """One subproject: its light month by month, metrics, timeline, budget and every
    approved report text up to the month."""
    scope, months = Scope(subproject.project, subproject=subproject), _window(month, window)
    reports = list(_reports(scope, month, since=None))
    dashboard = _dashboard(scope, month=month, window=months, reports=reports, overrides={},
                           phases=[])
    dashboard.reports = _texts({r.subproject.pk: r for r in dashboard.subprojects}, reports,
                               since=None)
    return dashboard
