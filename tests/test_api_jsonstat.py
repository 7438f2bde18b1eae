"""JSON-stat 2.0 of the metric values (issue 14): every answer the API can give — the whole
selection, a filtered one, an empty one, in each language and grouping, a national reader's
and a member's — is valid against the specification (a JSON Schema of a JSON-stat dataset,
tests/fixtures, plus the rules between properties a schema cannot say), read by pyjstat and
by JSON-stat's own JavaScript Toolkit (node), and the Toolkit's table holds exactly the rows
of the JSON and CSV of the same selection."""

import csv
import datetime as dt
import importlib
import io
import json
import math
import subprocess
from pathlib import Path

import jsonschema
import pytest
import schemathesis
from django.apps import apps as django_apps
from pyjstat import pyjstat

from api import jsonstat
from api.services import api_client_create
from demo.services import load_demo
from indicators.models import Metric, MetricValue, ValueWithdrawal
from projects.models import Region
from tests.api_support import APRIL, MAY, bearer, get, results, streamed, url

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests/fixtures/jsonstat-2.0-dataset.schema.json").read_text())
TOOLKIT = """
const JSONstat = require("jsonstat-toolkit");
let input = "";
process.stdin.on("data", chunk => input += chunk);
process.stdin.on("end", () => {
  const dataset = JSONstat(JSON.parse(input)).Dataset(0);
  process.stdout.write(JSON.stringify({
    ids: dataset.toTable({type: "arrobj", content: "id", status: true}),
    labels: dataset.toTable({type: "arrobj", content: "label"}),
    n: dataset.n, role: dataset.role,
  }));
});
"""
SELECTIONS = {
    "full": {},
    "filtered": {"project": "HANKE-A", "period_from": "2022-04", "period_to": "2022-04",
                 "category": "_T,children"},
    "empty": {"period_from": "2030-01"},
}


@pytest.fixture
def cube(data):
    """Project A's region is a county of Statistics Finland's classification (13, North
    Savo); project B's has no county code. Metric A.1 of project A has its Swedish and
    English names."""
    Region.objects.filter(pk=data.cast.project.region_id).update(
        wellbeing_county="13", name="Pohjois-Savo", name_sv="Norra Savolax")
    Metric.objects.filter(pk=data.metric.pk).update(name_sv="Distansbesök",
                                                    name_en="Remote visits")
    return data


def check_specification(body: dict) -> None:
    """The JSON Schema, and the rules between properties that it cannot express."""
    jsonschema.validate(body, SCHEMA, format_checker=jsonschema.FormatChecker())
    ids, size, dimension = body["id"], body["size"], body["dimension"]
    assert len(size) == len(ids) and set(dimension) == set(ids)
    for name, length in zip(ids, size, strict=True):
        category = dimension[name]["category"]
        index = category["index"]
        positions = list(index.values()) if isinstance(index, dict) else list(range(len(index)))
        keys = list(index) if isinstance(index, dict) else index
        assert sorted(positions) == list(range(length)), name  # size is the category count
        assert set(category.get("label", {})) == set(keys), name  # a label for each category
        assert set(category.get("unit", {})) <= set(keys), name
        if "unit" in category:  # units only in a metric dimension, every category with one
            assert name in body["role"]["metric"] and set(category["unit"]) == set(keys)
    cells = math.prod(size)
    for name in ("value", "status"):
        field = body.get(name)
        if isinstance(field, list):
            assert len(field) == cells, name
        elif isinstance(field, dict):
            assert all(0 <= int(key) < cells for key in field), name
    for dimensions in body.get("role", {}).values():
        assert set(dimensions) <= set(ids)
    if "status" in body and isinstance(body["value"], dict):
        assert set(body["status"]) <= set(body["value"])  # a status only where there is a value
    if "updated" in body:
        dt.datetime.fromisoformat(body["updated"])


def cells(body: dict) -> dict[tuple, float]:
    """The cube's values by their categories' ids, read from the JSON itself."""
    ids, size = body["id"], body["size"]
    keys = []
    for name in ids:
        index = body["dimension"][name]["category"]["index"]
        keys.append(sorted(index, key=index.get))
    value = body["value"]
    items = enumerate(value) if isinstance(value, list) else ((int(k), v) for k, v in value.items())
    result = {}
    for position, number in items:
        if number is None:
            continue
        coordinates = []
        for length in reversed(size):
            coordinates.append(position % length)
            position //= length
        result[tuple(keys[d][i] for d, i in enumerate(reversed(coordinates)))] = number
    return result


def toolkit(body: dict) -> dict:
    done = subprocess.run(["node", "-e", TOOLKIT], input=json.dumps(body), cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def region_keys() -> dict[str, str]:
    return {r["code"]: jsonstat.region_key(r) for r in Region.objects.values(
        "code", "wellbeing_county")}


def row_key(row: dict, grouping: str, regions: dict[str, str]) -> tuple:
    category = (f"{row['disaggregation_code']}.{row['category_code']}"
                if row["disaggregation_code"] else "_T")
    place = (row["project_code"],) if grouping == "project" else ()
    return (f"{row['project_code']}:{row['metric_code']}", *place, regions[row["region_code"]],
            row["period_code"], category)


def json_rows(client, auth: dict, params: dict) -> list[dict]:
    response = client.get(url("metric-value-list"), {**params, "page_size": 10000}, **auth)
    assert response.status_code == 200 and response.json()["next"] is None  # one page: all
    return response.json()["results"]


def csv_rows(client, auth: dict, params: dict) -> list[dict]:
    response = client.get(url("metric-value-list"), {**params, "format": "csv"}, **auth)
    return list(csv.DictReader(io.StringIO(streamed(response).decode())))


def assert_read_alike(client, auth: dict, params: dict, response, grouping: str):
    """The cube's cells, the Toolkit's table and pyjstat's frame hold exactly the rows of the
    JSON and the CSV of the same selection, with their status; the Toolkit's labels are the
    dataset's. Returns the rows by cell and pyjstat's frame."""
    body = response.json()
    filters = {k: v for k, v in params.items() if k not in ("format", "lang", "geo")}
    rows = json_rows(client, auth, filters)
    regions = region_keys()
    expected = {row_key(row, grouping, regions): row["value"] for row in rows
                if row["value"] is not None}
    assert cells(body) == expected
    assert {row_key(line, grouping, regions): float(line["value"])
            for line in csv_rows(client, auth, filters) if line["value"]} == expected

    table = toolkit(body)
    assert table["n"] == math.prod(body["size"])
    got = {tuple(line[name] for name in body["id"]): line["value"] for line in table["ids"]
           if line["value"] is not None}
    assert got == expected
    statuses = {tuple(line[name] for name in body["id"]): line["status"]
                for line in table["ids"] if line["value"] is not None}
    revised = set(ValueWithdrawal.objects.values_list("value_id", flat=True))
    status = {row_key(row, grouping, regions): "r" if row["published"] and row["id"] in revised
              else None if row["published"] else "p" for row in rows}
    assert statuses == {key: status[key] for key in expected}

    labels = body["dimension"]
    for line_ids, line_labels in zip(table["ids"], table["labels"], strict=True):
        for name in body["id"]:
            assert line_labels[name] == labels[name]["category"]["label"][line_ids[name]]
    frame = pyjstat.Dataset.read(response.content.decode()).write("dataframe", naming="id")
    assert {tuple(getattr(r, name) for name in body["id"]): r.value for r in frame.itertuples()
            if r.value == r.value and r.value is not None} == expected
    return expected, frame


@pytest.mark.filterwarnings("ignore:Shouldn't use this function:DeprecationWarning")  # pyjstat
@pytest.mark.parametrize("grouping", jsonstat.GROUPINGS)
@pytest.mark.parametrize("lang", jsonstat.LANGUAGES)
@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("reader", ["national", "member"])
def test_every_jsonstat_answer_is_valid_and_read_alike_by_pyjstat_and_the_toolkit(
        client, cube, selection, lang, grouping, reader):
    if reader == "member":
        client.force_login(cube.cast.manager)
        auth = {}
    else:
        auth = bearer(cube.national_token)
    params = {**SELECTIONS[selection], "format": "jsonstat", "lang": lang}
    if grouping != "region":
        params["geo"] = grouping
    response = client.get(url("metric-value-list"), params, **auth)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    check_specification(body)
    assert body["role"] == {"metric": ["metric"], "geo": ["region"], "time": ["period"]}
    assert body["id"] == ["metric", *(["project"] if grouping == "project" else []),
                          "region", "period", "category"]
    assert body["extension"]["lang"] == lang and body["note"] and body["source"]

    expected, frame = assert_read_alike(client, auth, params, response, grouping)
    if selection == "empty":
        assert expected == {} and body["size"] == [1] * len(body["id"])
        assert body["value"] == [None] and len(frame) == 1


def test_metric_unit_region_and_period_in_each_language(client, cube):
    labels = {}
    for lang in jsonstat.LANGUAGES:
        body = get(client, url("metric-value-list"), cube.national_token, format="jsonstat",
                   lang=lang).json()
        dimension = body["dimension"]
        labels[lang] = (dimension["metric"]["category"]["label"]["HANKE-A:A.1"],
                        dimension["region"]["category"]["label"]["HVA13"],
                        dimension["period"]["category"]["label"]["2022M04"],
                        dimension["category"]["category"]["label"]["_T"],
                        dimension["category"]["category"]["label"]["age_group.children"],
                        dimension["metric"]["label"])
        units = dimension["metric"]["category"]["unit"]
        assert units["HANKE-A:A.1"] == {"decimals": 0, "label": "kpl", "symbol": "kpl",
                                        "position": "end"}
        assert units["HANKE-A:A.2"]["decimals"] == 1 and units["HANKE-A:A.2"]["symbol"] == "%"
    assert labels == {
        "fi": ("A.1 Etäkäynnit", "Pohjois-Savon hyvinvointialue", "huhtikuu 2022", "Yhteensä",
               "Lapset ja nuoret", "Mittari"),
        "sv": ("A.1 Distansbesök", "Norra Savolax välfärdsområde", "april 2022", "Totalt",
               "Barn och unga", "Indikator"),
        "en": ("A.1 Remote visits", "North Savo wellbeing services county", "April 2022",
               "Total", "Children and young people", "Metric"),
    }
    # A region with no county code is coded as a former region (maakunta), named as stored.
    other = cube.cast.other_project.region
    assert body["dimension"]["region"]["category"]["label"][f"MK{other.code}"] == other.name


def test_the_default_cube_is_sparse_and_a_full_one_dense(client, cube):
    body = get(client, url("metric-value-list"), cube.national_token, format="jsonstat").json()
    filled = len(cells(body))
    assert isinstance(body["value"], dict) and 2 * filled < math.prod(body["size"])
    assert body["extension"]["rows"] == filled
    client.force_login(cube.cast.manager)  # a member sees May's draft value too
    one = client.get(url("metric-value-list"), {"format": "jsonstat", "project": "HANKE-A",
                                                "metric": "A.2"}).json()
    assert one["value"] == [55.5, 60.0] and one["size"] == [1, 1, 2, 1]
    assert one["status"] == {"1": "p"}
    labels = one["dimension"]["period"]["category"]
    assert labels["index"] == {"2022M04": 0, "2022M05": 1}


def test_quarterly_and_yearly_periods_are_pxweb_codes_labelled_in_the_language(client, cube):
    Metric.objects.filter(pk=cube.goal_metric.pk).update(frequency="quarterly")
    Metric.objects.filter(pk=cube.other_metric.pk).update(frequency="yearly")
    MetricValue.objects.filter(metric=cube.other_metric, period=MAY).delete()
    for lang, quarter in [("fi", "2. neljännes 2022"), ("sv", "kvartal 2 2022"),
                          ("en", "Q2 2022")]:
        body = get(client, url("metric-value-list"), cube.national_token, format="jsonstat",
                   lang=lang).json()
        period = body["dimension"]["period"]["category"]
        assert list(period["index"]) == ["2022", "2022M04", "2022Q2"]
        assert period["label"]["2022Q2"] == quarter and period["label"]["2022"] == "2022"


def test_status_says_which_values_are_provisional_and_which_revised(client, cube):
    client.force_login(cube.cast.manager)
    body = client.get(url("metric-value-list"), {"format": "jsonstat", "project": "HANKE-A",
                                                 "category": "_T"}).json()
    keys = {key: str(i) for i, key in enumerate(
        (m, r, p, c) for m in body["dimension"]["metric"]["category"]["index"]
        for r in body["dimension"]["region"]["category"]["index"]
        for p in body["dimension"]["period"]["category"]["index"]
        for c in body["dimension"]["category"]["category"]["index"])}
    region = "HVA13"
    # May is a draft: provisional; April is approved: no status.
    assert body["status"] == {keys[("HANKE-A:A.1", region, "2022M05", "_T")]: "p",
                              keys[("HANKE-A:A.2", region, "2022M05", "_T")]: "p"}
    assert set(body["extension"]["status"]) == {"p", "r"}
    value = MetricValue.objects.get(metric=cube.metric, period=APRIL, category=None)
    ValueWithdrawal.objects.create(value_id=value.pk, metric=cube.metric, period=APRIL,
                                   updated_at=dt.datetime(2022, 5, 3, tzinfo=dt.UTC))
    national = get(client, url("metric-value-list"), cube.national_token, format="jsonstat",
                   project="HANKE-A", category="_T", metric="A.1").json()
    assert national["status"] == {"0": "r"} and national["value"] == [10.0]


def test_an_empty_selection_is_one_empty_cell_with_a_note(client, cube):
    response = get(client, url("metric-value-list"), cube.national_token, format="jsonstat",
                   lang="en", period_from="2030-01")
    body = response.json()
    assert body["size"] == [1, 1, 1, 1] and body["value"] == [None] and "status" not in body
    for name in body["id"]:
        assert body["dimension"][name]["category"]["label"] == {"_Z": "No data"}
    assert "The selection holds no values: the dataset is one empty cell." in body["note"]


def test_same_data_same_bytes_and_a_strong_etag_that_if_match_compares(client, cube):
    path = url("metric-value-list")
    auth = bearer(cube.national_token)
    for params in ({"format": "jsonstat"}, {}, {"format": "csv"}):
        first = client.get(path, params, **auth)
        second = client.get(path, params, **auth)
        body = streamed(first) if first.streaming else first.content
        assert body == (streamed(second) if second.streaming else second.content)
        etag = first["ETag"]
        assert etag.startswith('"') and etag == second["ETag"]  # strong
        assert client.get(path, params, HTTP_IF_MATCH=etag, **auth).status_code == 200
        assert client.get(path, params, HTTP_IF_MATCH=f"W/{etag}", **auth).status_code == 412
        assert client.get(path, params, HTTP_IF_MATCH='"other"', **auth).status_code == 412
        assert client.get(path, params, HTTP_IF_NONE_MATCH=etag, **auth).status_code == 304
        assert client.get(path, params, HTTP_IF_NONE_MATCH=f"W/{etag}",
                          **auth).status_code == 304  # weak comparison
    # A renamed metric changes the labels, so the ETag too, and the old one no longer matches.
    first = client.get(path, {"format": "jsonstat"}, **auth)
    metric = Metric.objects.get(pk=cube.metric.pk)
    metric.name = "Etävastaanotot"
    metric.save()
    assert client.get(path, {"format": "jsonstat"}, HTTP_IF_MATCH=first["ETag"],
                      **auth).status_code == 412
    # Indented JSON has other bytes: another ETag.
    plain = client.get(path, **auth)
    indented = client.get(path, HTTP_ACCEPT="application/json; indent=2", **auth)
    assert plain.content != indented.content and plain["ETag"] != indented["ETag"]


def test_a_detail_etag_is_strong_too(client, cube):
    path = url("monthly-report-detail", cube.approved.pk)
    auth = bearer(cube.national_token)
    etag = client.get(path, **auth)["ETag"]
    assert not etag.startswith("W/")
    assert client.get(path, HTTP_IF_MATCH=etag, **auth).status_code == 200


@pytest.mark.parametrize("params,field,message", [
    ({"geo": "municipality"}, "geo", "Valitse region tai project."),
    ({"lang": "de"}, "lang", "Valitse fi, sv tai en."),
])
def test_an_unknown_grouping_or_language_is_a_400_in_the_requests_language(
        client, cube, params, field, message):
    response = client.get(url("metric-value-list"), {"format": "jsonstat", **params},
                          HTTP_ACCEPT_LANGUAGE="fi", **bearer(cube.national_token))
    assert response.status_code == 400 and response.json() == {field: [message]}


@pytest.mark.filterwarnings("ignore:Shouldn't use this function:DeprecationWarning")  # pyjstat
def test_the_demo_install_whole_cube_is_valid_and_read_alike(client, db):
    """The demo's whole JSON-stat (its illustrative history's approved values, marked so) is
    valid and read alike by both readers. Its regions are the counties that continue them."""
    load_demo(password="demo-salasana-testi")
    token = api_client_create(name="THL", all_projects=True)[1]
    params = {"format": "jsonstat", "lang": "sv"}
    response = client.get(url("metric-value-list"), params, **bearer(token))
    body = response.json()
    check_specification(body)
    expected, frame = assert_read_alike(client, bearer(token), params, response, "region")
    assert expected and body["extension"]["illustrative"] is True
    regions = results(get(client, url("region-list"), token))
    assert {(r["code"], r["name"], r["wellbeing_county"]) for r in regions} >= {
        ("10", "Etelä-Savo", "12"), ("11", "Pohjois-Savo", "13"), ("12", "Pohjois-Karjala", "14")}


def test_the_migration_gives_former_regions_their_county_and_no_other(db):
    migration = importlib.import_module("projects.migrations.0005_region_wellbeing_county")
    for code, name in [("10", "Etelä-Savo"), ("01", "Uusimaa"), ("08", "Etelä-Savo"),
                       ("0042", "Alue 42")]:
        Region.objects.create(code=code, name=name)
    migration.counties_of_former_regions(django_apps, None)
    assert dict(Region.objects.values_list("code", "wellbeing_county")) == {
        "10": "12", "01": "", "08": "", "0042": ""}


@pytest.mark.parametrize("query", [
    {"format": "jsonstat"}, {"format": "jsonstat", "geo": "project", "lang": "sv"},
    {"format": "jsonstat", "period_from": "2030-01"},
])
def test_jsonstat_answers_conform_to_their_openapi_component(client, cube, query):
    """schemathesis validates the body against the schema's JsonStatDataset (through the
    operation's oneOf): the component says what the answers are."""
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from tests.test_api_schema import wsgi_app

    openapi = client.get("/api/schema/", {"format": "json", "lang": "en"}).json()
    assert openapi["components"]["schemas"]["JsonStatDataset"]["required"][:2] == [
        "version", "class"]
    operation = schemathesis.openapi.from_dict(openapi)["/api/v1/metric-values/"]["GET"]
    case = operation.Case(query=query)
    response = case.call_and_validate(
        app=wsgi_app, headers={"Authorization": f"Bearer {cube.national_token}"},
        checks=[response_schema_conformance])
    assert response.status_code == 200 and response.json()["class"] == "dataset"
