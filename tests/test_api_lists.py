"""The REST API's lists (issue 6): filters, updated_since, cursor paging, and query counts
that do not grow with the page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.models import Disaggregation
from projects.models import Phase
from reports.rollups import rollup_compute
from tests import factories
from tests.api_support import APRIL, LISTS, bearer, get, report, results, url, value_key
from workpackages.models import Goal

pytestmark = pytest.mark.django_db


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
