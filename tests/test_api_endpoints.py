"""The REST API's endpoints (issue 6): what each one holds, and the browsable API."""

import pytest
from django.urls import reverse

from tests.api_support import PDF, bearer, get, results, url

pytestmark = pytest.mark.django_db


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
    assert [(x["work_package_code"], x["subproject_code"], x["name"], x["start_code"],
             x["end_month"]) for x in acts] == [("TP1", "1.1", "Pilotointi", "2022M06", "2022-12-01")]


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


def test_browsable_api_for_a_logged_in_member(client, data):
    client.force_login(data.cast.manager)
    response = client.get(url("project-list"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"HANKE-A" in response.content
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    values = client.get(url("metric-value-list"), HTTP_ACCEPT="text/html")
    assert values.status_code == 200 and b"2022M04" in values.content
    root = client.get(reverse("api:api-root"), HTTP_ACCEPT="application/json").json()
    assert set(root) >= {"metric-values", "monthly-reports", "documents"}
