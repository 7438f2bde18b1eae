"""The metric-value CSV that PostgreSQL writes line by line (api.exports, the fast path of a
national pull) is byte for byte the CSV that csv.writer writes from the same rows: hostile
texts neutralised and quoted alike, numbers and times written alike."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from api import exports
from api.services import api_client_create
from indicators.models import Metric, MetricValue
from tests import factories
from tests.support import needs_postgres

pytestmark = [pytest.mark.django_db, needs_postgres]

HOSTILE = ['=HYPERLINK("http://x"&A1)', "+1", "-5", "@SUM(A1)", "\tsarkain", "\rpaluu",
           'lainaus "x"', "pilkku, ja", "rivi\nvaihto", "rivi\r\nvaihto", "", "äöå € 日本",
           "  välilyönti ", "'jo lainattu", ";puolipiste"]
NUMBERS = [None, 0, 12, -3, 0.5, 0.0001, -0.0001, 1234.5678, 9999999999.9999, 1 / 3]


@pytest.fixture
def values(cast):
    benefit = factories.BenefitGoalFactory(code="=HG1")
    top = factories.GoalFactory(project=cast.project, code="1", benefit_goal=benefit)
    goal = factories.GoalFactory(project=cast.project, code="1.1", parent=top)
    ages = factories.DisaggregationFactory(code="ika,ryhma")
    category = factories.DisaggregationCategoryFactory(disaggregation=ages, code='"lapset"')
    metrics = [
        factories.MetricFactory(project=cast.project, subproject=cast.subproject, goal=goal,
                                code="=M.1", unit='päivää, "arkipäivää"', kind=Metric.Kind.SHARE,
                                frequency=Metric.Frequency.QUARTERLY, disaggregation=ages),
        factories.MetricFactory(project=cast.project, code="M.2", kind=Metric.Kind.TEXT,
                                frequency=Metric.Frequency.YEARLY),
        factories.MetricFactory(project=cast.other_project, code="M.3"),
    ]
    month = dt.date(2022, 1, 1)
    for i, text in enumerate(HOSTILE):
        for j, metric in enumerate(metrics):
            number = NUMBERS[(i + j) % len(NUMBERS)]
            factories.MetricValueFactory(
                metric=metric, period=month.replace(month=1 + (i % 12), year=2021 + i // 12),
                category=category if j == 0 and i % 2 else None,
                value=None if metric.kind == Metric.Kind.TEXT else number,
                text_value=text if metric.kind == Metric.Kind.TEXT else "",
                comment=HOSTILE[-1 - i], published=bool(i % 3))
    return MetricValue.objects.all()


def test_the_database_writes_the_same_csv_as_csv_writer(values):
    by_database = b"".join(exports.stream_csv(values))
    by_python = b"".join(exports.stream_csv_rows(values))
    assert by_database.count(b"\r\n") >= len(values) + 1
    assert by_database == by_python


def test_the_export_and_the_list_csv_are_the_same_bytes_both_ways(client, values):
    token = api_client_create(name="THL", all_projects=True)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for name in ("api:metric-value-export", "api:metric-value-list"):
        response = client.get(reverse(name), {"format": "csv"}, **headers)
        body = b"".join(response.streaming_content)
        published = values.filter(published=True)
        assert body == b"".join(exports.stream_csv_rows(published)), name


def test_hostile_cells_come_out_inert_and_quoted(values):
    body = b"".join(exports.stream_csv(values)).decode()
    assert "\"'=HYPERLINK(\"\"http://x\"\"&A1)\"" in body
    assert ",'=M.1," in body and ",'-5," in body and ",'=HG1," in body
    assert ",0.0001," in body and ",-0.0001," in body and ",12.0," in body
    assert ",9999999999.9999," in body


def test_a_scoped_token_gets_only_its_projects_rows_from_the_database(client, cast, values):
    token = api_client_create(name="Alue", projects=[cast.other_project])[1]
    response = client.get(reverse("api:metric-value-export"), {"format": "csv"},
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    body = b"".join(response.streaming_content)
    theirs = values.filter(published=True, metric__project=cast.other_project)
    assert theirs.exists() and body == b"".join(exports.stream_csv_rows(theirs))
    assert b"HANKE-A" not in body


@pytest.mark.parametrize("params", [
    {"metric": "=M.1"}, {"category": '"lapset"'}, {"category": "_T"},
    {"frequency": "quarterly"}, {"period_from": "2021-06", "period_to": "2022-02"},
    {"updated_since": "2000-01-01"}, {"benefit_goal": "=HG1"},
])
def test_a_filtered_export_selects_and_writes_as_csv_writer_does(client, values, params):
    """The filters' SQL, with its parameters, selects the database's lines: the same rows as
    the JSON export, written as csv.writer writes them."""
    token = api_client_create(name="THL", all_projects=True)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    export = reverse("api:metric-value-export")
    response = client.get(export, {"format": "csv", **params}, **headers)
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content)
    ids = [row["id"] for row in json.loads(b"".join(
        client.get(export, {"format": "json", **params}, **headers).streaming_content))]
    assert ids
    assert body == b"".join(exports.stream_csv_rows(MetricValue.objects.filter(pk__in=ids)))


def test_a_reader_who_may_see_no_project_gets_the_header_alone(client, values):
    empty = factories.RegionFactory(code="99")
    token = api_client_create(name="Tyhjä alue", regions=[empty])[1]
    for name in ("api:metric-value-export", "api:metric-value-list"):
        response = client.get(reverse(name), {"format": "csv"},
                              HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == (
            ",".join(exports.COLUMNS) + "\r\n").encode()
