"""Who reads what through the REST API (issues 6 and 7): tokens scoped to regions, members
and national readers, refused writes, and the matrix of endpoint × method × role ×
own/other object."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission

from indicators.models import MetricValue
from projects.models import Region
from reports.models import (
    EvaluationRound,
    GeneratedDocument,
    MonthlyReport,
    ProjectRollup,
)
from tests import factories
from tests.api_support import APRIL, LISTS, MAY, bearer, get, results, streamed, url, value_key
from workpackages.models import Activity, ActualCost, BudgetLine, Goal, Risk

pytestmark = pytest.mark.django_db


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
