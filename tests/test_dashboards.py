"""Dashboards: the figures equal those computed here from the data the test made, each page
runs the same number of queries at two data sizes, and only visible projects open."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import charts
from dashboards.progress import MET, NOT_MET, OFF_TRACK, ON_TRACK, UNKNOWN, judge
from projects.models import BenefitGoal, Membership
from projects.months import add_months
from reports import services
from reports.models import MonthlyReport
from reports.rollups import rollup_compute, work_package_status_override
from tests import factories
from tests.conftest import MONTH

pytestmark = pytest.mark.django_db
APRIL, MARCH = add_months(MONTH, -1), add_months(MONTH, -2)


# --- Data -------------------------------------------------------------------------------


@dataclass
class Board:
    """What the test made, kept so the test can compute the figures on its own."""

    cast: object
    subprojects: list
    reports: list
    planned: list            # (subproject, year, amount)
    actual: list             # (subproject, period, amount)
    metrics: dict            # code -> (metric, baseline, target, target_date, values{period: v})
    tp2: object
    goal1: object
    goal2: object


def report(sub, period, state, light="", **texts):
    return factories.MonthlyReportFactory(subproject=sub, period=period, state=state,
                                          light=light, **texts)


def populate(cast) -> Board:
    """Project A with two work packages, reports of three months, budget, metrics and risks;
    project B with one approved report and a metric it shares with A."""
    programme = cast.project.programme
    goal1 = factories.BenefitGoalFactory(programme=programme, code="1", name="Saatavuus")
    goal2 = factories.BenefitGoalFactory(programme=programme, code="2", name="Ennaltaehkäisy")
    tp1 = cast.subproject.work_package
    tp1.benefit_goals.add(goal1)
    tp2 = factories.WorkPackageFactory(project=cast.project, code="TP2", name="Ennaltaehkäisy")
    tp2.benefit_goals.add(goal2)
    cast.other_subproject.work_package.benefit_goals.add(goal1)
    later = factories.SubprojectFactory(work_package=tp2, code="2.1", name="Nuorisovaltuusto",
                                        starts_later=True)
    ended = factories.SubprojectFactory(work_package=tp2, code="2.2", name="Ravitsemusterapia",
                                        end_month=MARCH)
    drafty = factories.SubprojectFactory(work_package=tp2, code="2.3", name="Perhekeskus")
    sent = factories.SubprojectFactory(work_package=tp2, code="2.4", name="Elintapaohjaus")
    sub, sibling = cast.subproject, cast.sibling
    factories.ActivityFactory(subproject=sub, name="Pilotointi Sosterissa",
                              start_month=dt.date(2022, 2, 1), end_month=dt.date(2022, 9, 1))
    reports = [
        report(sub, APRIL, "approved", "yellow"),
        report(sub, MONTH, "approved", "green", situation="Digihoitajien koulutus pidetty.",
               next_steps="Chat laajenee syksyllä."),
        report(sibling, APRIL, "approved", "green"),
        report(sibling, MONTH, "approved", "red", situation="Farmaseutin rekrytointi viivästyi."),
        report(ended, MARCH, "approved", "blue"),
        report(drafty, MONTH, "draft", "yellow"),
        report(sent, MONTH, "submitted", "yellow", situation="Lähetetty, ei vielä hyväksytty."),
        report(cast.other_subproject, MONTH, "approved", "yellow"),
    ]
    planned = [(sub, 2022, 10000), (sub, 2023, 5000), (sibling, 2022, 20000),
               (cast.other_subproject, 2022, 50000)]
    for s, year, amount in planned:
        factories.BudgetLineFactory(subproject=s, year=year, amount=amount)
    actual = [(sub, MARCH, 1500), (sub, MONTH, 2500), (sub, dt.date(2022, 6, 1), 9999),
              (sibling, APRIL, 3000), (cast.other_subproject, APRIL, 10000)]
    for s, period, amount in actual:
        factories.ActualCostFactory(subproject=s, period=period, amount=amount)
    metrics = {}
    for code, project, baseline, target, values, direction in [
        ("A.1", cast.project, 10, 40, [10, 12, 14, 16, 18], "higher"),   # behind: off track
        ("A.2", cast.project, 0, 60, [10, 20, 30], "higher"),            # fast: on track
        ("A.3", cast.project, 30, 20, [25, 19], "lower"),                # already met
        ("A.1", cast.other_project, 5, 25, [20, 22, 24], "higher"),      # B shares A.1
    ]:
        metric = factories.MetricFactory(project=project, code=code, direction=direction,
                                         name="Etävastaanottojen määrä" if code == "A.1"
                                         else f"Mittari {code}",
                                         subproject=sub if project == cast.project else None)
        target_date = dt.date(2022, 12, 31)
        factories.MetricTargetFactory(metric=metric, baseline_value=baseline,
                                      baseline_date=dt.date(2021, 12, 31),
                                      target_value=target, target_date=target_date,
                                      effective_from=dt.date(2021, 12, 31))
        periods = [add_months(MONTH, i - len(values) + 1) for i in range(len(values))]
        for period, value in zip(periods, values, strict=True):
            # Published as approved earlier months' values are (the reports of those months
            # are not part of this fixture); the draft boundary has its own tests.
            factories.MetricValueFactory(metric=metric, period=period, value=value, published=True)
        metrics[(project.code, code)] = (metric, baseline, target, target_date,
                                         dict(zip(periods, values, strict=True)))
    risk = factories.RiskFactory(project=cast.project, category="finance", severity=5,
                                 probability=40, description="Budjetti ei riitä")
    factories.RiskReviewFactory(risk=risk, reviewed_on=dt.date(2022, 5, 12), severity=5,
                                probability=40)
    factories.RiskFactory(project=cast.project, category="staff", severity=4, probability=30,
                          description="Osaajien puute", reviewed_on=dt.date(2021, 3, 1))
    return Board(cast, [sub, sibling, later, ended, drafty, sent], reports, planned, actual,
                 metrics, tp2, goal1, goal2)


@pytest.fixture
def board(cast) -> Board:
    return populate(cast)


def get(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode() if status == 200 else response


def raw(html: str, pattern: str) -> str:
    """The markup of the first group the pattern matches."""
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return match.group(1)


def text(html: str, pattern: str) -> str:
    """The text of the first element matched by the pattern (tags stripped, spaces joined)."""
    return " ".join(re.sub(r"<[^>]+>", " ", raw(html, pattern)).replace("\xa0", " ").split())


def dd(html: str, id_: str) -> str:
    return text(html, rf'<dd id="{id_}">(.*?)</dd>')


def row(html: str, attribute: str, value: str) -> str:
    return text(html, rf'<tr {attribute}="{re.escape(value)}">(.*?)</tr>')


def eur(amount) -> str:
    return f"{int(round(amount)):,} €".replace(",", " ")


def pct(share: float) -> str:
    return f"{round(share * 100)} %"


# --- Figures computed independently -------------------------------------------------------


def expected_of(board, project_subs, month=MONTH):
    """Completeness by its definition: started subprojects planned to run in the month;
    reported = a submitted or approved report of the month."""
    expected = [s for s in project_subs if not s.starts_later
                and s.start_month <= month <= s.end_month]
    reported = [r for r in board.reports if r.period == month and r.subproject in expected
                and r.state in ("submitted", "approved")]
    return len(expected), len(reported)


def lights_of(board, subs, month=MONTH):
    counts = {}
    for r in board.reports:
        if r.period == month and r.subproject in subs and r.state == "approved" and r.light:
            counts[r.light] = counts.get(r.light, 0) + 1
    return counts


def budget_of(board, subs, month=MONTH):
    planned = sum(a for s, _, a in board.planned if s in subs)
    actual = sum(a for s, p, a in board.actual if s in subs and p <= month)
    return planned, actual


def test_project_dashboard_figures_equal_the_data(client, board):
    cast = board.cast
    html = get(client, cast.steering, reverse("dashboards:project", args=[cast.project.pk])
               + "?month=2022-05")
    subs = board.subprojects
    expected, reported = expected_of(board, subs)
    assert (expected, reported) == (4, 3)   # 2.1 starts later, 2.2 ended, 2.3 only a draft
    assert dd(html, "kf-completeness") == f"{reported}/{expected} ({pct(reported / expected)})"
    assert dd(html, "kf-subprojects") == str(len(subs))
    planned, actual = budget_of(board, subs)
    assert dd(html, "kf-planned") == eur(planned)
    assert dd(html, "kf-actual") == f"{eur(actual)} ({pct(actual / planned)})"
    # Lights: approved reports only (the submitted and draft yellows do not count).
    counts = lights_of(board, subs)
    assert counts == {"green": 1, "red": 1}
    tp1 = row(html, "data-wp", "TP1")
    assert "punainen" in tp1  # the worst of green and red
    tp1_subs = [s for s in subs if s.work_package_id == cast.subproject.work_package_id]
    e, r = expected_of(board, tp1_subs)
    assert f"{r}/{e}" in tp1
    p, a = budget_of(board, tp1_subs)
    assert tp1.endswith(pct(a / p))
    tp2 = row(html, "data-wp", "TP2")
    e, r = expected_of(board, [s for s in subs if s.work_package_id == board.tp2.pk])
    assert f"{r}/{e}" in tp2 and tp2.endswith("–")  # no budget → no use rate


def test_budget_by_subproject_and_year_equals_the_data(client, board):
    cast = board.cast
    html = get(client, cast.steering, reverse("dashboards:project", args=[cast.project.pk])
               + "?month=2022-05")
    table = raw(html, r'<table class="data compact budget-table">(.*?)</table>')
    years = sorted({y for s, y, _a in board.planned if s in board.subprojects})
    for sub in (cast.subproject, cast.sibling):
        cells = []
        for year in years:
            cells.append(eur(sum(a for s, y, a in board.planned if s == sub and y == year)))
            cells.append(eur(sum(a for s, p, a in board.actual
                                 if s == sub and p.year == year and p <= MONTH)))
        planned, actual = budget_of(board, [sub])
        cells += [eur(planned), eur(actual), pct(actual / planned)]
        line = text(table, rf'<tr><th scope="row">{re.escape(sub.code)} [^<]*</th>(.*?)</tr>')
        assert line == " ".join(cells), sub.code


def progress_to_target(baseline, target, values) -> float:
    latest = list(values.values())[-1]
    return (latest - baseline) / (target - baseline)


def test_metric_cards_show_progress_to_target_and_the_verdict(client, board):
    cast = board.cast
    html = get(client, cast.steering, reverse("dashboards:project", args=[cast.project.pk])
               + "?month=2022-05")
    for code, verdict in [("A.1", "bad"), ("A.2", "good"), ("A.3", "good")]:
        metric, baseline, target, target_date, values = board.metrics[("HANKE-A", code)]
        card = raw(html, rf'(<article class="card metric-card" '
                         rf'aria-labelledby="metric-{metric.pk}">.*?</article>)')
        share = progress_to_target(baseline, target, values)
        assert text(card, r'<dd class="progress-to-target">(.*?)</dd>') == pct(share)
        # The verdict, by the pace of the values: A.1 rises 2 a month, 18 + 2 × 7 = 32 by
        # December < 40; A.2 rises 10 a month, 30 + 70 ≥ 60; A.3 (lower is better) is at 19.
        assert f'class="verdict verdict-{verdict}"' in card


def test_work_package_page_lists_its_subprojects_and_report_texts(client, board):
    cast = board.cast
    html = get(client, cast.steering, reverse("dashboards:work_package",
                                              args=[board.tp2.pk]) + "?month=2022-05")
    tp2_subs = [s for s in board.subprojects if s.work_package_id == board.tp2.pk]
    e, r = expected_of(board, tp2_subs)
    assert dd(html, "kf-completeness").startswith(f"{r}/{e}")
    assert dd(html, "kf-subprojects") == str(len(tp2_subs))
    assert "Elintapaohjaus" in html and "Digitiimi" not in html
    # Only approved texts are shown: the submitted report's text is not.
    assert "Lähetetty, ei vielä hyväksytty." not in html
    html = get(client, cast.steering, reverse("dashboards:work_package",
                                              args=[cast.subproject.work_package_id])
               + "?month=2022-05")
    assert "Farmaseutin rekrytointi viivästyi." in html and "Digihoitajien koulutus" in html


def test_subproject_page_shows_every_approved_report_text_month_by_month(client, board):
    cast = board.cast
    html = get(client, cast.steering, reverse("dashboards:subproject",
                                              args=[cast.subproject.pk]) + "?month=2022-05")
    assert "Digihoitajien koulutus pidetty." in html and "Chat laajenee syksyllä." in html
    texts = raw(html, r'<h2 id="texts-h">(.*?)</section>')
    assert texts.index("5/2022") < texts.index("4/2022")  # newest first
    planned, actual = budget_of(board, [cast.subproject])
    assert dd(html, "kf-planned") == eur(planned)
    assert dd(html, "kf-actual") == f"{eur(actual)} ({pct(actual / planned)})"
    assert "Pilotointi Sosterissa" in html  # the timeline's activity, in its data table


def test_what_changed_since_last_month(client, board):
    cast = board.cast
    html = get(client, cast.steering, reverse("dashboards:project", args=[cast.project.pk])
               + "?month=2022-05")
    changes = raw(html, r'<section aria-labelledby="changes-h" class="panel">(.*?)</section>')
    worse = text(changes, r'<ul class="worse">(.*?)</ul>')
    better = text(changes, r'<ul class="better">(.*?)</ul>')
    assert "1.2 Kliininen farmasia" in worse and "1.1 Digitiimi" in better
    assert "Budjetti ei riitä" in changes          # first reviewed in May: new
    assert "Osaajien puute" not in changes         # reviewed in 2021


def test_national_overview_figures_equal_the_data(client, board):
    cast = board.cast
    html = get(client, cast.national, reverse("dashboards:national") + "?month=2022-05")
    for project, subs in [(cast.project, board.subprojects),
                          (cast.other_project, [cast.other_subproject])]:
        line = row(html, "data-project", project.code)
        e, r = expected_of(board, subs)
        planned, actual = budget_of(board, subs)
        assert f"{r}/{e} {pct(r / e)}" in line
        assert line.endswith(f"{eur(planned)} {eur(actual)} {pct(actual / planned)}")
    goal_table = text(html, r'<table class="data compact" id="goal-status">(.*?)</table>')
    # Goal 1: TP1 of A (green, red) and B's work package (yellow); goal 2: TP2 (nothing
    # approved in May).
    assert "1. Saatavuus 1 1 1 0 0" in goal_table
    assert "2. Ennaltaehkäisy 0 0 0 0 0" in goal_table
    # A.1 is shared: both projects side by side with their own progress to target.
    shared = text(html, r'<section aria-labelledby="shared-h">(.*?)</section>')
    for key in [("HANKE-A", "A.1"), ("HANKE-B", "A.1")]:
        _, baseline, target, _, values = board.metrics[key]
        assert pct(progress_to_target(baseline, target, values)) in shared
    assert "HANKE-A" in shared and "HANKE-B" in shared


def test_national_overview_filters_by_region_and_goal(client, board):
    cast = board.cast
    url = reverse("dashboards:national")
    region = cast.other_project.region.code
    html = get(client, cast.national, f"{url}?month=2022-05&region={region}")
    assert 'data-project="HANKE-B"' in html and 'data-project="HANKE-A"' not in html
    html = get(client, cast.national, f"{url}?month=2022-05&goal=2")
    assert 'data-project="HANKE-A"' in html and 'data-project="HANKE-B"' not in html
    # The filters stay in the month links, so the link can be shared.
    assert 'href="?month=2022-04&amp;goal=2"' in html


def test_the_page_is_right_the_moment_a_report_is_approved(client, board):
    cast = board.cast
    sent = MonthlyReport.objects.get(subproject__code="2.4", subproject__project=cast.project)
    url = reverse("dashboards:work_package", args=[board.tp2.pk]) + "?month=2022-05"
    assert "Lähetetty, ei vielä hyväksytty." not in get(client, cast.steering, url)
    # the roll-up is not yet rerun
    services.monthly_report_approve(report=sent, user=cast.manager, expected_version=None)
    html = get(client, cast.steering, url)
    assert "Lähetetty, ei vielä hyväksytty." in html
    assert "keltainen" in row(get(client, cast.steering, reverse(
        "dashboards:project", args=[cast.project.pk]) + "?month=2022-05"), "data-wp", "TP2")


def test_the_managers_override_of_a_work_package_light_is_shown(client, board):
    cast = board.cast
    rollup = rollup_compute(project=cast.project, month=MONTH)
    status = rollup.work_package_statuses.get(work_package=board.tp2)
    work_package_status_override(status=status, user=cast.manager, light="red",
                                 reason="Rekrytoinnit viivästyvät.")
    html = get(client, cast.steering, reverse("dashboards:project", args=[cast.project.pk])
               + "?month=2022-05")
    tp2 = row(html, "data-wp", "TP2")
    assert "punainen" in tp2 and "Rekrytoinnit viivästyvät." in tp2


def test_default_month_is_the_latest_with_approved_reports(client, board):
    html = get(client, board.cast.steering, reverse("dashboards:project",
                                                    args=[board.cast.project.pk]))
    assert 'value="2022-05"' in html


def test_a_malformed_month_is_not_found(client, board):
    get(client, board.cast.steering, reverse("dashboards:national") + "?month=2022-13", 404)


# --- Permissions ----------------------------------------------------------------------------


def pages_of(board, side: str) -> list[str]:
    cast = board.cast
    if side == "A":
        project, sub = cast.project, cast.subproject
    else:
        project, sub = cast.other_project, cast.other_subproject
    return [reverse("dashboards:project", args=[project.pk]),
            reverse("dashboards:work_package", args=[sub.work_package_id]),
            reverse("dashboards:subproject", args=[sub.pk])]


def test_steering_member_sees_only_their_project(client, board):
    cast = board.cast
    for url in pages_of(board, "A"):
        get(client, cast.steering, url + "?month=2022-05")
    for url in pages_of(board, "B"):
        get(client, cast.steering, url + "?month=2022-05", status=404)
    html = get(client, cast.steering, reverse("dashboards:national") + "?month=2022-05")
    assert 'data-project="HANKE-A"' in html and "HANKE-B" not in html


def test_member_of_the_other_project_gets_404_for_project_a(client, board):
    for url in pages_of(board, "A"):
        get(client, board.cast.other_coordinator, url, status=404)


def test_national_viewer_sees_every_project(client, board):
    cast = board.cast
    for url in pages_of(board, "A") + pages_of(board, "B"):
        get(client, cast.national, url + "?month=2022-05")
    html = get(client, cast.national, reverse("dashboards:national") + "?month=2022-05")
    assert 'data-project="HANKE-A"' in html and 'data-project="HANKE-B"' in html


def test_anonymous_users_are_sent_to_log_in(client, board):
    for url in [reverse("dashboards:national")] + pages_of(board, "A"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


# --- Queries that do not grow with the data ------------------------------------------------

QUERY_BOUND = 32


def build_project(size: int, months: int = 6):
    """A project with `size` subprojects reporting every month, each with a metric split by
    age group, budget lines, costs and an activity; risks with reviews."""
    from indicators.models import Disaggregation, DisaggregationCategory

    project = factories.ProjectFactory()
    goal = BenefitGoal.objects.get_or_create(programme=project.programme, code="1",
                                             defaults={"name": "Saatavuus"})[0]
    dis, _ = Disaggregation.objects.get_or_create(code="age", defaults={"name": "Ikäryhmä"})
    cats = [DisaggregationCategory.objects.get_or_create(disaggregation=dis, code=c,
                                                         defaults={"name": c})[0]
            for c in ("kids", "adults")]
    wps = [factories.WorkPackageFactory(project=project, code=f"TP{i}") for i in (1, 2, 3)]
    for wp in wps:
        wp.benefit_goals.add(goal)
    periods = [add_months(MONTH, -i) for i in range(months)]
    subs = []
    for i in range(size):
        sub = factories.SubprojectFactory(work_package=wps[i % 3], code=f"{i % 3 + 1}.{i}")
        subs.append(sub)
        factories.ActivityFactory(subproject=sub, start_month=periods[-1], end_month=MONTH)
        factories.BudgetLineFactory(subproject=sub, amount=1000 + i)
        metric = factories.MetricFactory(project=project, subproject=sub, code=f"M.{i}",
                                         disaggregation=dis if i % 2 else None)
        factories.MetricTargetFactory(metric=metric)
        for n, period in enumerate(periods):
            report(sub, period, "approved", ["green", "yellow", "red"][(i + n) % 3],
                   situation=f"Tilanne {n}")
            factories.ActualCostFactory(subproject=sub, period=period)
            for cat in (cats if i % 2 else [None]):
                factories.MetricValueFactory(metric=metric, period=period, category=cat, value=n)
    factories.publish_approved_values()
    for i in range(size):
        risk = factories.RiskFactory(project=project, severity=i % 5 + 1,
                                     probability=(i * 17) % 100, description=f"Riski {i}")
        factories.RiskReviewFactory(risk=risk, reviewed_on=periods[i % months])
    return project, wps[0], subs[0]


def page_queries(client, user, project, wp, sub) -> dict[str, int]:
    client.force_login(user)
    counts = {}
    for name, url in [
        ("national", reverse("dashboards:national")),
        ("project", reverse("dashboards:project", args=[project.pk])),
        ("work_package", reverse("dashboards:work_package", args=[wp.pk])),
        ("subproject", reverse("dashboards:subproject", args=[sub.pk])),
    ]:
        for query in ("", "?month=2022-05&months=24"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url + query)
            assert response.status_code == 200
            counts[name + query] = len(captured)
    return counts


def test_query_count_does_not_grow_with_subprojects_or_months(
    client, cast, django_assert_max_num_queries
):
    small = build_project(3, months=3)
    small_counts = page_queries(client, cast.national, *small)
    large = build_project(15, months=9)
    large_counts = page_queries(client, cast.national, *large)
    assert small_counts == large_counts
    client.force_login(cast.national)
    for url in [reverse("dashboards:national"),
                reverse("dashboards:project", args=[large[0].pk]),
                reverse("dashboards:work_package", args=[large[1].pk]),
                reverse("dashboards:subproject", args=[large[2].pk])]:
        with django_assert_max_num_queries(QUERY_BOUND):
            assert client.get(url).status_code == 200


def test_a_steering_members_pages_run_a_bounded_number_of_queries(
    client, board, django_assert_max_num_queries
):
    for url in [reverse("dashboards:national")] + pages_of(board, "A"):
        client.force_login(board.cast.steering)
        with django_assert_max_num_queries(QUERY_BOUND):
            assert client.get(url).status_code == 200


# --- The rule and the charts ----------------------------------------------------------------

JAN = dt.date(2022, 1, 1)


def series(*values, start=JAN):
    return {add_months(start, i): Decimal(v) for i, v in enumerate(values)}


@pytest.mark.parametrize("values, target, direction, status", [
    ((10, 12, 14, 16, 18), 40, "higher", OFF_TRACK),   # 18 + 2 × 7 = 32 < 40
    ((10, 15, 20, 25, 30), 60, "higher", ON_TRACK),    # 30 + 5 × 7 = 65 ≥ 60
    ((10, 45), 40, "higher", MET),
    ((30, 28, 26, 24, 22), 20, "lower", ON_TRACK),     # 22 − 2 × 7 < 20
    ((30, 30, 30), 20, "lower", OFF_TRACK),
    ((10,), 40, "higher", UNKNOWN),                    # one value: no pace
])
def test_linear_projection_rule(values, target, direction, status):
    result = judge(series=series(*values), month=dt.date(2022, 5, 1), baseline=Decimal(10),
                   target=Decimal(target), target_date=dt.date(2022, 12, 31),
                   direction=direction)
    assert result.status == status


def test_a_passed_target_date_is_not_met_and_later_values_are_ignored():
    values = series(10, 20, 30, 99)  # April's 99 is after the chosen month
    result = judge(series=values, month=dt.date(2022, 3, 1), baseline=Decimal(0),
                   target=Decimal(50), target_date=dt.date(2022, 2, 1))
    assert result.status == NOT_MET and result.latest == 30 and result.share == pytest.approx(0.6)


def test_charts_are_images_with_a_name_and_no_inline_styles():
    svgs = [
        charts.status_bars_svg(rows=[{"label": "TP1", "counts": {"green": 2, "red": 1}}],
                               order=["green", "yellow", "red"], title="Tila <TP1>"),
        charts.status_matrix_svg(months=[JAN, add_months(JAN, 1)],
                                 rows=[{"label": "1.1", "cells": {"2022-01": "green"}}],
                                 title="Matriisi"),
        charts.risk_matrix_svg(counts={(5, 2): 1}, bands=["0–19 %"] * 5, severity_label="V",
                               probability_label="T", title="Riskit"),
        charts.budget_bars_svg(rows=[{"label": "1.1", "planned": 10.0, "actual": 12.0}],
                               planned_label="S", actual_label="T", title="Budjetti"),
        charts.value_bars_svg(rows=[{"label": "A", "value": 3.0, "target": 5.0}],
                              target_label="Tavoite", title="A.1"),
    ]
    for svg in svgs:
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=')
        assert "style=" not in svg and "<script" not in svg
    assert 'aria-label="Tila &lt;TP1&gt;"' in svgs[0]
    assert charts.LIGHT_COLOURS["red"] in svgs[3]  # costs above the plan are red


def test_membership_roles_other_than_steering_also_read_dashboards(client, board):
    cast = board.cast
    for user in (cast.coordinator, cast.manager):
        assert Membership.objects.filter(person__user=user, project=cast.project).exists()
        get(client, user, reverse("dashboards:project", args=[cast.project.pk]))


def test_the_pages_are_translated_into_swedish(client, board):
    client.force_login(board.cast.national)
    html = client.get(reverse("dashboards:national") + "?month=2022-05",
                      HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Lägesöversikt" in html and "Rapporteringsgrad" in html
    html = client.get(reverse("dashboards:project", args=[board.cast.project.pk])
                      + "?month=2022-05", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Tidslinje" in html and "Målet nås inte i nuvarande takt" in html
