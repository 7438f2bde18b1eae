"""The REST API's formats (issue 6): CSV, the streamed JSON export, and conditional GET in
each (JSON-stat itself: tests/test_api_jsonstat.py)."""

import csv
import datetime as dt
import io
import json

import pytest
from django.db.models import F

from indicators.models import MetricValue
from tests.api_support import APRIL, bearer, get, results, streamed, url

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("params", [{}, {"format": "csv"}, {"format": "jsonstat"}])
def test_conditional_get_answers_304_until_the_data_changes(client, data, params):
    token = data.national_token
    # The data was written a moment ago; Last-Modified names a second once it is over.
    MetricValue.objects.update(updated_at=F("updated_at") - dt.timedelta(minutes=1))
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
