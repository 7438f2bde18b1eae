"""The REST API (issue 6): every endpoint's content and filters, who sees what, the formats
(JSON, CSV, JSON-stat), conditional GET, paging, throttling and tokens."""

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pyjstat import pyjstat

from api.models import ApiClient
from api.services import api_client_create, api_client_revoke
from indicators.models import Disaggregation, MetricValue
from projects.models import Phase, Region
from reports.models import (
    EvaluationRound,
    GeneratedDocument,
    MonthlyReport,
    ProjectRollup,
)
from reports.rollups import rollup_compute
from tests import factories
from workpackages.models import Activity, ActualCost, BudgetLine, Goal, Risk

pytestmark = pytest.mark.django_db
APRIL, MAY = dt.date(2022, 4, 1), dt.date(2022, 5, 1)
PDF = b"%PDF-1.4 test document\n%%EOF\n"


def url(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@dataclass
class Data:
    """Two projects in two regions: in April every report is approved, in May project A's
    report is a draft and project B's is submitted."""

    cast: object
    metric: object          # A.1 of project A: a count by age group, of the coordinator's
    #                         subproject
    goal_metric: object     # A.2 of project A: a share, of a goal (no subproject)
    other_metric: object    # A.1 of project B
    draft: object           # project A's May report (draft)
    submitted: object       # project B's May report (submitted)
    approved: object        # project A's April report of the coordinator's subproject
    other_approved: object  # project B's April report
    kids: object
    elderly: object
    document: object
    other_document: object
    national_token: str
    region_token: str       # scoped to project A's region
    revoked_token: str


def report(sub, period, state, light="green"):
    return factories.MonthlyReportFactory(subproject=sub, period=period, state=state,
                                          light=light, situation=f"Tilanne {period:%m/%Y}")


@pytest.fixture
def data(cast, settings, tmp_path) -> Data:
    settings.MEDIA_ROOT = str(tmp_path)
    a, b = cast.project, cast.other_project
    age = factories.DisaggregationFactory(code="age_group", name="Ikäryhmä", name_en="Age group")
    kids = factories.DisaggregationCategoryFactory(
        disaggregation=age, code="children", name="Lapset ja nuoret", name_sv="Barn och unga",
        name_en="Children and young people", order=0)
    elderly = factories.DisaggregationCategoryFactory(
        disaggregation=age, code="elderly", name="Ikääntyneet", name_sv="Äldre",
        name_en="Older people", order=1)
    availability = factories.BenefitGoalFactory(programme=a.programme, code="1", name="Saatavuus",
                                                name_en="Availability")
    top = factories.GoalFactory(project=a, code="1", level=Goal.Level.BENEFIT,
                                benefit_goal=availability, name="Saatavuus paranee")
    process = factories.GoalFactory(project=a, code="1.1", parent=top, name="Digitaaliset palvelut")
    cast.subproject.goals.add(process)
    cast.subproject.work_package.benefit_goals.add(availability)
    factories.GoalFactory(project=b, code="1", level=Goal.Level.BENEFIT)
    metric = factories.MetricFactory(project=a, code="A.1", name="Etäkäynnit", kind="count",
                                     unit="kpl", subproject=cast.subproject, goal=process,
                                     disaggregation=age)
    factories.MetricTargetFactory(metric=metric)
    goal_metric = factories.MetricFactory(project=a, code="A.2", name="Osuus", kind="share",
                                          unit="%", goal=process)
    other_metric = factories.MetricFactory(project=b, code="A.1", kind="count",
                                           subproject=cast.other_subproject)
    for m, period, category, value in [
        (metric, APRIL, None, 10), (metric, APRIL, kids, 4), (metric, APRIL, elderly, 6),
        (metric, MAY, None, 12), (goal_metric, APRIL, None, Decimal("55.5")),
        (goal_metric, MAY, None, 60), (other_metric, APRIL, None, 7),
        (other_metric, MAY, None, 8),
    ]:
        factories.MetricValueFactory(metric=m, period=period, category=category, value=value)
    approved = report(cast.subproject, APRIL, "approved")
    report(cast.sibling, APRIL, "approved", light="yellow")
    draft = report(cast.subproject, MAY, "draft")
    other_approved = report(cast.other_subproject, APRIL, "approved", light="red")
    submitted = report(cast.other_subproject, MAY, "submitted")
    # The goal metric A.2 is the project's own: its April report is approved, May's is not.
    factories.MonthlyReportFactory(project=a, subproject=None, period=APRIL, state="approved")
    factories.MonthlyReportFactory(project=a, subproject=None, period=MAY, state="draft")
    factories.publish_approved_values()
    rollup_compute(project=a, month=APRIL)
    rollup_compute(project=b, month=APRIL)
    factories.PhaseFactory(project=a, code="I", name="I-vaihe", start_date=dt.date(2020, 1, 1),
                           end_date=dt.date(2022, 10, 31), state_grant=Decimal("3300000"))
    factories.ActivityFactory(subproject=cast.subproject, name="Pilotointi",
                              start_month=dt.date(2022, 6, 1), end_month=dt.date(2022, 12, 1))
    factories.ActivityFactory(subproject=cast.other_subproject, name="Suunnittelu",
                              start_month=dt.date(2022, 1, 1), end_month=dt.date(2022, 3, 1))
    factories.BudgetLineFactory(subproject=cast.subproject, year=2022, amount=Decimal("1000.50"))
    factories.BudgetLineFactory(subproject=cast.other_subproject, year=2022, amount=2000)
    factories.ActualCostFactory(subproject=cast.subproject, period=APRIL, amount=Decimal("100.25"))
    factories.ActualCostFactory(subproject=cast.other_subproject, period=APRIL, amount=50)
    risk = factories.RiskFactory(project=a, severity=4)
    factories.RiskReviewFactory(risk=risk, reviewed_on=dt.date(2022, 3, 1), severity=3,
                                probability=20, note="Rekrytointi käynnissä")
    factories.RiskFactory(project=b)
    evaluation = factories.EvaluationRoundFactory(project=a, date=dt.date(2021, 5, 15),
                                                  kind="interim", title="Väliarviointi")
    factories.EvaluationNarrativeFactory(round=evaluation, goal=process, text="Etävastaanotot.")
    factories.EvaluationRoundFactory(project=b, date=dt.date(2021, 5, 15), kind="interim",
                                     title="Väliarviointi B")
    documents = []
    # An evaluation report of each project (every reader of the project may read it) and a
    # monthly status report (it prints unapproved texts: members only).
    for kind, month in [("evaluation", None), ("monthly", APRIL)]:
        for project in (a, b):
            document = factories.GeneratedDocumentFactory(
                project=project, kind=kind, month=month, status="done", pages=1,
                file_checksum=hashlib.sha256(PDF).hexdigest(), finished_at=timezone.now())
            document.file.save(f"{project.code}-{kind}.pdf", ContentFile(PDF))
            documents.append(document)
    national_token = api_client_create(name="THL", all_projects=True)[1]
    region_token = api_client_create(name="Alue A", regions=[a.region])[1]
    revoked, revoked_token = api_client_create(name="Vanha", all_projects=True)
    api_client_revoke(client=revoked)
    return Data(cast, metric, goal_metric, other_metric, draft, submitted, approved,
                other_approved, kids, elderly, documents[0], documents[1], national_token,
                region_token, revoked_token)


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, path, token=None, **params):
    return client.get(path, params, **(bearer(token) if token else {}))


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def value_key(row):
    return (row["project_code"], row["metric_code"], row["period"], row["category_code"])


# --- Access ----------------------------------------------------------------------------------


def test_no_credentials_get_401_with_a_bearer_challenge(client, data):
    response = client.get(url("project-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["sote_unknown-token", "not-even-the-prefix"])
def test_unknown_token_gets_401(client, data, token):
    assert get(client, url("project-list"), token).status_code == 401


def test_revoked_token_gets_401_even_with_a_valid_session(client, data):
    client.force_login(data.cast.national)
    assert get(client, url("project-list"), data.revoked_token).status_code == 401
    assert get(client, url("project-list")).status_code == 200  # the session alone works


def test_token_records_when_it_was_last_used(client, data):
    assert get(client, url("region-list"), data.national_token).status_code == 200
    assert ApiClient.objects.get(name="THL").last_used_at is not None


def test_region_token_sees_only_its_regions_projects(client, data):
    a, b = data.cast.project, data.cast.other_project
    rows = results(get(client, url("project-list"), data.region_token))
    assert [row["code"] for row in rows] == [a.code]
    assert get(client, url("project-detail", b.pk), data.region_token).status_code == 404
    values = results(get(client, url("metric-value-list"), data.region_token))
    assert {row["project_code"] for row in values} == {a.code}
    assert get(client, url("document-download", data.other_document.pk),
               data.region_token).status_code == 404


def test_member_of_one_project_cannot_read_another_regions_unapproved_reports(client, data):
    client.force_login(data.cast.other_coordinator)
    rows = results(client.get(url("monthly-report-list")))
    assert {row["project_code"] for row in rows} == {data.cast.other_project.code}
    assert client.get(url("monthly-report-detail", data.draft.pk)).status_code == 404
    assert client.get(url("monthly-report-detail", data.approved.pk)).status_code == 404
    assert client.get(url("monthly-report-detail", data.submitted.pk)).status_code == 200


def test_members_read_every_report_of_their_project_as_on_the_pages(client, data):
    client.force_login(data.cast.steering)
    rows = results(client.get(url("monthly-report-list")))
    assert {(row["subproject_code"], row["period"], row["state"]) for row in rows} == {
        ("1.1", "2022-04-01", "approved"), ("1.2", "2022-04-01", "approved"),
        ("1.1", "2022-05-01", "draft")}


@pytest.mark.parametrize("who", ["national_user", "national_token"])
def test_national_readers_see_approved_reports_only(client, data, who):
    token = data.national_token if who == "national_token" else None
    if who == "national_user":
        client.force_login(data.cast.national)
    rows = results(get(client, url("monthly-report-list"), token))
    assert {row["state"] for row in rows} == {"approved"} and len(rows) == 3
    assert get(client, url("monthly-report-detail", data.draft.pk), token).status_code == 404
    assert get(client, url("monthly-report-detail", data.submitted.pk), token).status_code == 404


def test_national_readers_see_the_values_of_approved_reports_only(client, data):
    rows = results(get(client, url("metric-value-list"), data.national_token))
    assert sorted(value_key(row) for row in rows) == [
        ("HANKE-A", "A.1", "2022-04-01", "_T"), ("HANKE-A", "A.1", "2022-04-01", "children"),
        ("HANKE-A", "A.1", "2022-04-01", "elderly"), ("HANKE-A", "A.2", "2022-04-01", "_T"),
        ("HANKE-B", "A.1", "2022-04-01", "_T"),
    ]


def test_members_see_every_value_of_their_own_project_only(client, data):
    client.force_login(data.cast.coordinator)
    rows = results(client.get(url("metric-value-list")))
    assert len(rows) == 6 and {row["project_code"] for row in rows} == {"HANKE-A"}
    assert ("HANKE-A", "A.1", "2022-05-01", "_T") in {value_key(row) for row in rows}


def test_a_user_without_projects_sees_no_project_rows(client, data):
    client.force_login(factories.UserFactory(username="ulkopuolinen"))
    for name in ["project-list", "metric-value-list", "monthly-report-list", "risk-list"]:
        assert results(client.get(url(name))) == []
    regions = results(client.get(url("region-list")))  # public reference data
    assert len(regions) == Region.objects.count() > 0


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("name,detail", [
    ("monthly-report-list", False), ("monthly-report-detail", True),
    ("metric-value-list", False), ("metric-value-detail", True),
    ("metric-value-export", False),
])
def test_writes_to_reports_and_values_are_refused_with_405(client, data, method, name, detail):
    target = {"monthly-report-detail": data.approved.pk,
              "metric-value-detail": MetricValue.objects.first().pk}.get(name)
    path = url(name, target) if detail else url(name)
    response = getattr(client, method)(path, {}, content_type="application/json",
                                       **bearer(data.national_token))
    assert response.status_code == 405
    assert MonthlyReport.objects.get(pk=data.approved.pk).state == "approved"
    assert MetricValue.objects.count() == 8


def test_throttling_per_client(client, data):
    _client, token = api_client_create(name="Kiireinen", all_projects=True, rate="2/minute")
    assert get(client, url("region-list"), token).status_code == 200
    assert get(client, url("region-list"), token).status_code == 200
    response = get(client, url("region-list"), token)
    assert response.status_code == 429 and "Retry-After" in response
    assert get(client, url("region-list"), data.national_token).status_code == 200


# --- Content of each endpoint ------------------------------------------------------------------


def test_regions_and_organisations(client, data):
    a = data.cast.project
    regions = results(get(client, url("region-list"), data.national_token))
    assert {r["code"] for r in regions} >= {a.region.code, data.cast.other_project.region.code}
    orgs = results(get(client, url("organisation-list"), data.national_token,
                       region=a.administrator.region.code))
    assert [o["key"] for o in orgs] == [a.administrator.key]


def test_projects_with_phases(client, data):
    a = data.cast.project
    row = get(client, url("project-detail", a.pk), data.national_token).json()
    assert (row["code"], row["region_code"], row["administrator_key"]) == (
        a.code, a.region.code, a.administrator.key)
    assert row["phases"][0] | {"id": 0, "updated_at": ""} == {
        "id": 0, "code": "I", "name": "I-vaihe", "start_date": "2020-01-01",
        "end_date": "2022-10-31", "state_grant": 3300000.0, "staff_count": None,
        "project_count": None, "updated_at": ""}


def test_work_packages_goals_subprojects_and_activities(client, data):
    token, a = data.national_token, data.cast.project
    wps = results(get(client, url("work-package-list"), token, benefit_goal="1"))
    assert [(w["project_code"], w["code"], w["benefit_goal_codes"]) for w in wps] == [
        (a.code, "TP1", ["1"])]
    goals = results(get(client, url("goal-list"), token, project=a.code, benefit_goal="1"))
    assert [(g["code"], g["parent_code"], g["benefit_goal_code"]) for g in goals] == [
        ("1", None, "1"), ("1.1", "1", None)]
    subs = results(get(client, url("subproject-list"), token, project=a.code))
    assert [(s["code"], s["goal_codes"], s["responsible_people"]) for s in subs] == [
        ("1.1", ["1.1"], ["Koordinaattori Testinen"]), ("1.2", [], [])]
    acts = results(get(client, url("activity-list"), token, region=a.region.code))
    assert [(x["subproject_code"], x["name"], x["start_code"], x["end_month"]) for x in acts] == [
        ("1.1", "Pilotointi", "2022M06", "2022-12-01")]


def test_metrics_with_categories_and_targets(client, data):
    rows = results(get(client, url("metric-list"), data.national_token,
                       project=data.cast.project.code, code="A.1"))
    assert len(rows) == 1
    row = rows[0]
    assert (row["kind"], row["unit"], row["disaggregation_code"], row["subproject_code"]) == (
        "count", "kpl", "age_group", "1.1")
    assert [c["code"] for c in row["categories"]] == ["children", "elderly"]
    assert row["targets"][0]["target_value"] == 100.0


def test_metric_value_rows(client, data):
    rows = results(get(client, url("metric-value-list"), data.national_token,
                       project="HANKE-A", metric="A.1", category="children"))
    assert len(rows) == 1
    row = rows[0]
    assert row | {"id": 0, "metric_id": 0, "project_id": 0, "updated_at": ""} == {
        "id": 0, "metric_id": 0, "metric_code": "A.1", "project_id": 0,
        "project_code": "HANKE-A", "region_code": data.cast.project.region.code,
        "work_package_code": "TP1", "subproject_code": "1.1", "goal_code": "1.1",
        "benefit_goal_code": "1", "frequency": "monthly", "unit": "kpl",
        "period": "2022-04-01", "period_code": "2022M04", "disaggregation_code": "age_group",
        "category_code": "children", "value": 4.0, "text_value": "", "comment": "",
        "updated_at": "", "published": True}
    assert row["updated_at"].endswith("Z")
    one = get(client, url("metric-value-detail", row["id"]), data.national_token).json()
    assert one == row


def test_monthly_reports_rollups_budgets_costs_risks_evaluations(client, data):
    token, a = data.national_token, data.cast.project.code
    reports = results(get(client, url("monthly-report-list"), token, project=a,
                          period_from="2022-04", period_to="2022M04"))
    assert [(r["subproject_code"], r["period_code"], r["light"]) for r in reports] == [
        ("1.1", "2022M04", "green"), ("1.2", "2022M04", "yellow")]
    rollup = results(get(client, url("rollup-list"), token, project=a))[0]
    assert (rollup["month_code"], rollup["approved"]) == ("2022M04", 2)
    assert rollup["work_package_statuses"][0]["light"] == "yellow"
    assert {m["metric_code"]: m["month_value"] for m in rollup["metric_aggregates"]} == {
        "A.1": 10.0, "A.2": 55.5}
    budget = results(get(client, url("budget-line-list"), token, project=a))
    assert [(b["subproject_code"], b["year"], b["amount"]) for b in budget] == [
        ("1.1", 2022, 1000.5)]
    costs = results(get(client, url("actual-cost-list"), token, project=a))
    assert [(c["period_code"], c["amount"]) for c in costs] == [("2022M04", 100.25)]
    risks = results(get(client, url("risk-list"), token, project=a, severity_min=4))
    assert risks[0]["reviews"][0]["note"] == "Rekrytointi käynnissä"
    rounds = results(get(client, url("evaluation-round-list"), token, project=a))
    assert rounds[0]["narratives"] == [{"goal_id": rounds[0]["narratives"][0]["goal_id"],
                                        "goal_code": "1.1", "text": "Etävastaanotot."}]


def test_documents_link_to_a_download_with_the_same_token(client, data):
    rows = results(get(client, url("document-list"), data.region_token))
    assert [r["id"] for r in rows] == [data.document.pk]
    link = rows[0]["download_url"]
    assert link.startswith("http://testserver/api/v1/documents/")
    response = client.get(link, **bearer(data.region_token))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    again = client.get(link, HTTP_IF_NONE_MATCH=response["ETag"], **bearer(data.region_token))
    assert again.status_code == 304


# --- Filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("params,expected", [
    ({"region": "R-A"}, {("HANKE-A", "A.1", "2022-04-01", "_T"),
                         ("HANKE-A", "A.1", "2022-04-01", "children"),
                         ("HANKE-A", "A.1", "2022-04-01", "elderly"),
                         ("HANKE-A", "A.2", "2022-04-01", "_T")}),
    ({"project": "HANKE-B"}, {("HANKE-B", "A.1", "2022-04-01", "_T")}),
    ({"metric": "A.2"}, {("HANKE-A", "A.2", "2022-04-01", "_T")}),
    ({"benefit_goal": "1", "category": "_T"}, {("HANKE-A", "A.1", "2022-04-01", "_T"),
                                               ("HANKE-A", "A.2", "2022-04-01", "_T")}),
    ({"work_package": "WP-B"}, {("HANKE-B", "A.1", "2022-04-01", "_T")}),
    ({"disaggregation": "age_group", "category": "children,elderly"},
     {("HANKE-A", "A.1", "2022-04-01", "children"), ("HANKE-A", "A.1", "2022-04-01", "elderly")}),
    ({"period_from": "2022Q2", "period_to": "2022-04-30", "project": "HANKE-B"},
     {("HANKE-B", "A.1", "2022-04-01", "_T")}),
    ({"period_from": "2022M05"}, set()),
    ({"period_to": "2022-03"}, set()),
    ({"period_from": "2022", "period_to": "2022", "metric": "A.2"},
     {("HANKE-A", "A.2", "2022-04-01", "_T")}),
])
def test_metric_value_filters(client, data, params, expected):
    params = {k: v.replace("R-A", data.cast.project.region.code).replace(
        "WP-B", str(data.cast.other_subproject.work_package_id)) for k, v in params.items()}
    rows = results(get(client, url("metric-value-list"), data.national_token, **params))
    assert {value_key(row) for row in rows} == expected


@pytest.mark.parametrize("params", [
    {"period_from": "toukokuu"}, {"period_to": "2022M13"}, {"updated_since": "eilen"},
    {"project_id": "abc"}, {"frequency": "weekly"}, {"lang": "de", "format": "jsonstat"},
])
def test_bad_filters_are_answered_with_400_and_a_reason(client, data, params):
    response = get(client, url("metric-value-list"), data.national_token, **params)
    assert response.status_code == 400
    assert set(response.json()) & set(params)


LISTS = ["region-list", "organisation-list", "project-list", "work-package-list", "goal-list",
         "subproject-list", "activity-list", "metric-list", "metric-value-list",
         "monthly-report-list", "rollup-list", "budget-line-list", "actual-cost-list",
         "risk-list", "evaluation-round-list", "document-list"]


@pytest.mark.parametrize("name", LISTS)
def test_updated_since_on_every_list(client, data, name):
    token = data.national_token
    everything = results(get(client, url(name), token))
    assert everything
    before = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    assert len(results(get(client, url(name), token, updated_since=before))) == len(everything)
    later = timezone.localtime() + dt.timedelta(hours=1)  # a time without offset is Finnish
    later = later.strftime("%Y-%m-%dT%H:%M:%S")
    assert results(get(client, url(name), token, updated_since=later)) == []


def test_updated_since_counts_a_changed_phase_as_a_changed_project(client, data):
    later = timezone.now() + dt.timedelta(seconds=1)
    Phase.objects.filter(project=data.cast.project).update(updated_at=later + dt.timedelta(1))
    rows = results(get(client, url("project-list"), data.national_token,
                       updated_since=later.isoformat()))
    assert [row["code"] for row in rows] == [data.cast.project.code]


# --- Paging and queries ----------------------------------------------------------------------


def test_cursor_pages_walk_every_row_once_in_id_order(client, data):
    seen, link = [], url("metric-value-list") + "?page_size=2"
    while link:
        page = client.get(link, **bearer(data.national_token)).json()
        seen += [row["id"] for row in page["results"]]
        link = page["next"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 5


def _more_rows(data):
    """Enough rows that a page of 20 holds more of them than a page of 2."""
    a = data.cast.project
    for i in range(12):
        sub = factories.SubprojectFactory(work_package=data.cast.subproject.work_package,
                                          code=f"9.{i}")
        sub.goals.add(Goal.objects.get(project=a, code="1.1"))
        sub.responsible_people.add(data.cast.coordinator.person)
        report(sub, APRIL, "approved")
        factories.BudgetLineFactory(subproject=sub)
        factories.ActivityFactory(subproject=sub)
        metric = factories.MetricFactory(project=a, code=f"B.{i}", subproject=sub,
                                         disaggregation=Disaggregation.objects.get())
        factories.MetricTargetFactory(metric=metric)
        factories.MetricValueFactory(metric=metric, period=APRIL, value=i)
        factories.RiskFactory(project=a)
        factories.ActualCostFactory(subproject=sub, period=APRIL)
        extra = factories.ProjectFactory(code=f"LISÄ-{i}")
        factories.WorkPackageFactory(project=extra)
        factories.GoalFactory(project=extra)
        factories.EvaluationRoundFactory(project=extra)
        factories.GeneratedDocumentFactory(project=extra, kind="evaluation")
        rollup_compute(project=extra, month=APRIL)
    factories.publish_approved_values()


@pytest.mark.parametrize("name", LISTS)
def test_queries_of_a_list_do_not_grow_with_the_page_size(
    client, data, name, django_assert_num_queries
):
    _more_rows(data)
    assert get(client, url(name), data.national_token).status_code == 200  # last_used written
    with CaptureQueriesContext(connection) as small:
        rows = results(get(client, url(name), data.national_token, page_size=2))
    with django_assert_num_queries(len(small)):
        more = results(get(client, url(name), data.national_token, page_size=20))
    assert len(more) > len(rows) or len(rows) < 2


# --- Formats -----------------------------------------------------------------------------------


def test_csv_of_metric_values_parses_and_matches_the_json(client, data):
    rows = results(get(client, url("metric-value-list"), data.national_token))
    for path in [url("metric-value-list"), url("metric-value-export")]:
        response = get(client, path, data.national_token, format="csv")
        assert response["Content-Type"].startswith("text/csv")
        parsed = list(csv.DictReader(io.StringIO(streamed(response).decode())))
        assert len(parsed) == len(rows)
        for line, row in zip(parsed, rows, strict=True):
            assert set(line) == set(row)
            for key, value in row.items():
                if key == "value":
                    assert float(line[key]) == value
                elif key in ("id", "metric_id", "project_id"):
                    assert int(line[key]) == value
                elif key == "published":
                    assert line[key] == str(value).lower()
                else:
                    assert line[key] == ("" if value is None else value), key


def test_json_export_streams_every_row_as_the_pages_do(client, data):
    response = get(client, url("metric-value-export"), data.national_token)
    assert response.streaming and response["Content-Type"] == "application/json"
    assert json.loads(streamed(response)) == results(
        get(client, url("metric-value-list"), data.national_token))


def test_csv_of_a_plan_endpoint(client, data):
    response = get(client, url("subproject-list"), data.national_token, format="csv")
    lines = list(csv.DictReader(io.StringIO(streamed(response).decode())))
    assert [(x["project_code"], x["code"], x["goal_codes"], x["starts_later"]) for x in lines] == [
        ("HANKE-A", "1.1", "1.1", "false"), ("HANKE-A", "1.2", "", "false"),
        ("HANKE-B", "1.1", "", "false")]


@pytest.mark.filterwarnings("ignore:Shouldn't use this function:DeprecationWarning")  # pyjstat
def test_jsonstat_is_read_by_pyjstat_and_equals_the_database(client, data):
    response = get(client, url("metric-value-list"), data.national_token, format="jsonstat")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    dataset = pyjstat.Dataset.read(response.content.decode())
    frame = dataset.write("dataframe", naming="id")
    got = {(r.metric, r.project, r.period, r.category): r.value
           for r in frame.itertuples() if r.value is not None and r.value == r.value}
    expected = {}
    for value in MetricValue.objects.filter(period=APRIL).select_related(
            "metric__project", "category"):
        category = f"age_group.{value.category.code}" if value.category else "_T"
        expected[(f"{value.metric.project.code}:{value.metric.code}", value.metric.project.code,
                  "2022M04", category)] = float(value.value)
    assert got == expected
    labels = dataset.write("dataframe")
    assert "Lapset ja nuoret" in set(labels["Luokka"]) and "Mittari" in labels.columns


def test_jsonstat_labels_in_english_by_region(client, data):
    body = get(client, url("metric-value-list"), data.national_token, format="jsonstat",
               lang="en", geo="region").json()
    assert body["version"] == "2.0" and body["class"] == "dataset"
    assert body["id"] == ["metric", "region", "period", "category"]
    assert body["role"]["geo"] == ["region"] and body["role"]["time"] == ["period"]
    category = body["dimension"]["category"]
    assert category["label"] == "Disaggregation category"
    assert category["category"]["label"]["age_group.children"] == "Children and young people"
    assert category["category"]["label"]["_T"] == "Total"
    assert body["dimension"]["period"]["category"]["label"] == {"2022M04": "2022-04-01"}


# --- Conditional GET ---------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"format": "csv"}, {"format": "jsonstat"}])
def test_conditional_get_answers_304_until_the_data_changes(client, data, params):
    token = data.national_token
    first = get(client, url("metric-value-list"), token, **params)
    etag, modified = first["ETag"], first["Last-Modified"]
    again = client.get(url("metric-value-list"), params, HTTP_IF_NONE_MATCH=etag,
                       **bearer(token))
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    since = client.get(url("metric-value-list"), params, HTTP_IF_MODIFIED_SINCE=modified,
                       **bearer(token))
    assert since.status_code == 304
    value = MetricValue.objects.get(metric=data.other_metric, period=APRIL)
    value.value = 9
    value.save()
    changed = client.get(url("metric-value-list"), params, HTTP_IF_NONE_MATCH=etag,
                         **bearer(token))
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_readers_who_see_different_rows_get_different_etags(client, data):
    national = get(client, url("project-list"), data.national_token)
    regional = get(client, url("project-list"), data.region_token)
    assert national["ETag"] != regional["ETag"]
    assert regional["Vary"].count("Authorization") == 1


def test_detail_etag_and_if_match(client, data):
    path = url("monthly-report-detail", data.approved.pk)
    first = get(client, path, data.national_token)
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"],
                      **bearer(data.national_token)).status_code == 304
    assert client.get(path, HTTP_IF_MATCH='"nope"',
                      **bearer(data.national_token)).status_code == 412


# --- Tokens: command and admin -----------------------------------------------------------------


def test_create_api_token_command_prints_a_working_token(client, data, capsys):
    call_command("create_api_token", "Sotkanet", "--project", data.cast.other_project.code,
                 "--rate", "100/hour")
    token = capsys.readouterr().out.strip()
    assert token.startswith("sote_")
    rows = results(get(client, url("project-list"), token))
    assert [row["code"] for row in rows] == [data.cast.other_project.code]
    stored = ApiClient.objects.get(name="Sotkanet")
    assert token not in (stored.token_hash, stored.token_prefix) and stored.rate == "100/hour"


def test_admin_creates_a_client_shows_the_token_once_and_revokes_it(client, data):
    admin_user = factories.UserFactory(username="paakayttaja", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(reverse("admin:api_apiclient_add"), {
        "name": "STM", "all_projects": "on", "rate": ""})
    assert response.status_code == 200, response.content[:2000]
    page = response.content.decode()
    token = page.split('<code class="api-token">')[1].split("</code>")[0]
    assert "no-store" in response["Cache-Control"]
    client.logout()
    assert get(client, url("project-list"), token).status_code == 200
    stm = ApiClient.objects.get(name="STM")
    client.force_login(admin_user)
    assert token not in client.get(reverse("admin:api_apiclient_change", args=[stm.pk])
                                   ).content.decode()
    client.post(reverse("admin:api_apiclient_changelist"),
                {"action": "revoke", "_selected_action": [stm.pk]})
    client.logout()
    assert get(client, url("project-list"), token).status_code == 401


# --- Browsable API -----------------------------------------------------------------------------


def test_browsable_api_for_a_logged_in_member(client, data):
    client.force_login(data.cast.manager)
    response = client.get(url("project-list"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"HANKE-A" in response.content
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    values = client.get(url("metric-value-list"), HTTP_ACCEPT="text/html")
    assert values.status_code == 200 and b"2022M04" in values.content
    root = client.get(reverse("api:api-root"), HTTP_ACCEPT="application/json").json()
    assert set(root) >= {"metric-values", "monthly-reports", "documents"}


def test_national_viewer_permission_through_a_group_works_like_the_pages(client, data):
    user = factories.UserFactory(username="thl")
    user.user_permissions.add(Permission.objects.get(codename="view_all_projects"))
    client.force_login(user)
    assert len(results(client.get(url("project-list")))) == 2


# --- Permission matrix (issue 7): endpoint × method × role × own/other object ------------------

ROLES = ["anonymous", "coordinator", "manager", "steering", "other_coordinator",
         "national_user", "national_token", "region_token"]
PUBLIC = {"region", "organisation"}


def _objects(data) -> list[tuple[str, str, int, bool]]:
    """(endpoint, side, id, approved) for every detail endpoint: project A's object is 'own'
    (the cast's coordinator, manager and steering member belong to A), project B's 'other'."""
    a, b = data.cast.project, data.cast.other_project
    by_project = {}
    for model, endpoint in [(EvaluationRound, "evaluation-round"), (BudgetLine, "budget-line"),
                            (ActualCost, "actual-cost")]:
        field = "subproject__project" if endpoint in ("budget-line", "actual-cost") else "project"
        by_project[endpoint] = [model.objects.filter(**{field: p}).first().pk for p in (a, b)]
    cells = {
        "region": (a.region_id, b.region_id), "organisation": (a.administrator_id,
                                                               b.administrator_id),
        "project": (a.pk, b.pk),
        "work-package": (data.cast.subproject.work_package_id,
                         data.cast.other_subproject.work_package_id),
        "goal": tuple(Goal.objects.get(project=p, code="1").pk for p in (a, b)),
        "subproject": (data.cast.subproject.pk, data.cast.other_subproject.pk),
        "activity": tuple(Activity.objects.get(subproject__project=p).pk for p in (a, b)),
        "metric": (data.metric.pk, data.other_metric.pk),
        "rollup": tuple(ProjectRollup.objects.get(project=p).pk for p in (a, b)),
        "risk": tuple(Risk.objects.filter(project=p).first().pk for p in (a, b)),
        "document": (data.document.pk, data.other_document.pk),
        **by_project,
    }
    rows = [(endpoint, side, pk, True) for endpoint, pks in cells.items()
            for side, pk in zip(("own", "other"), pks, strict=True)]
    values = {(v.metric_id, v.period): v.pk for v in MetricValue.objects.filter(category=None)}
    rows += [
        ("monthly-report", "own", data.approved.pk, True),
        ("monthly-report", "other", data.other_approved.pk, True),
        ("monthly-report", "own", data.draft.pk, False),
        ("monthly-report", "other", data.submitted.pk, False),
        ("metric-value", "own", values[(data.metric.pk, APRIL)], True),
        ("metric-value", "other", values[(data.other_metric.pk, APRIL)], True),
        ("metric-value", "own", values[(data.metric.pk, MAY)], False),
        ("metric-value", "other", values[(data.other_metric.pk, MAY)], False),
        *[("document", "own" if document.project_id == a.pk else "other", document.pk, False)
          for document in GeneratedDocument.objects.filter(kind="monthly")],
    ]
    return rows


def _expected(role: str, endpoint: str, side: str, approved: bool) -> int:
    if role == "anonymous":
        return 401
    if endpoint in PUBLIC:
        return 200
    sees = {"coordinator": {"own"}, "manager": {"own"}, "steering": {"own"},
            "other_coordinator": {"other"}, "region_token": {"own"}}.get(role, {"own", "other"})
    member = (role in ("coordinator", "manager", "steering") and side == "own") or (
        role == "other_coordinator" and side == "other")
    if side not in sees or (not approved and not member):
        return 404
    return 200


def _as(client, data, role) -> dict:
    """Log the client in as the role; returns the headers to send (a token's)."""
    if role.endswith("_token"):
        return bearer(getattr(data, role))
    if role != "anonymous":
        user = data.cast.national if role == "national_user" else getattr(data.cast, role)
        client.force_login(user)
    return {}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, data, role):
    headers = _as(client, data, role)
    wrong = []
    for endpoint, side, pk, approved in _objects(data):
        path = url(f"{endpoint}-detail", pk)
        expected = _expected(role, endpoint, side, approved)
        got = client.get(path, **headers).status_code
        if got != expected:
            wrong.append(f"GET {path} ({side}, approved={approved}): {got}, expected {expected}")
        got = client.post(path, {}, **headers).status_code
        expected = 401 if role == "anonymous" else 405
        if got != expected:
            wrong.append(f"POST {path}: {got}, expected {expected}")
    assert wrong == []


@pytest.mark.parametrize("role", ROLES[1:])
def test_lists_never_hold_rows_the_role_may_not_see(client, data, role):
    headers = _as(client, data, role)
    a, b = data.cast.project.code, data.cast.other_project.code
    sees = {"coordinator": {a}, "manager": {a}, "steering": {a}, "other_coordinator": {b},
            "region_token": {a}}.get(role, {a, b})
    members = {"coordinator": {a}, "manager": {a}, "steering": {a},
               "other_coordinator": {b}}.get(role, set())
    for name in LISTS:
        if name in ("region-list", "organisation-list"):
            continue
        response = client.get(url(name), {"format": "csv"}, **headers)
        rows = list(csv.DictReader(io.StringIO(streamed(response).decode())))
        key = "code" if name == "project-list" else "project_code"
        assert {row[key] for row in rows} <= sees, name
        if name == "monthly-report-list":
            assert all(row["state"] == "approved" or row["project_code"] in members
                       for row in rows)
        if name == "metric-value-list":
            assert all(row["period"] == "2022-04-01" or row["project_code"] in members
                       for row in rows)
