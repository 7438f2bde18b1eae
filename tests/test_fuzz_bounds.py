"""Bounds everywhere (issue 10): any number in an Excel cell, any month in a URL and any API
filter value is answered with a page or a clear message — never a server error — and a
refusal changes nothing that was saved. One absurd number must not break a page for anybody."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.services import api_client_create
from indicators.models import Metric, MetricValue
from reports import excel
from reports.models import MonthlyReport
from tests import factories

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
NUMBERS = st.one_of(
    st.integers(-10**30, 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["1E+30", "1e400", "-1e-400", "99999999999999999999", "9999999999,9999",
                     "10000000000", "0,00001", "12,345", "-0", "1_000", "٣", "1e", "∞"]),
)
MONTHS = st.one_of(
    st.from_regex(r"\A-?\d{1,6}-\d{1,3}\Z"),
    st.sampled_from(["9999-12", "0001-01", "1900-01", "2022-00", "2022-13", "2100-12", "abc",
                     "2022-05-01", "7/2022", ""]),
)


def snapshot():
    return (list(MonthlyReport.objects.values()),
            list(MetricValue.objects.values().order_by("pk")))


@pytest.fixture
def metrics(cast):
    return [factories.MetricFactory(project=cast.project, subproject=cast.subproject, kind=kind,
                                    code=f"X.{i}")
            for i, kind in enumerate([Metric.Kind.COUNT, Metric.Kind.SHARE, Metric.Kind.MONEY,
                                      Metric.Kind.DAYS], 1)]


@pytest.fixture
def template(client, cast, metrics) -> bytes:
    client.force_login(cast.manager)  # the manager hands out the template
    response = client.get(reverse("reports:excel_template", args=[cast.project.pk, "2022-05"]))
    assert response.status_code == 200
    return response.content


@FUZZ
@given(cells=st.lists(NUMBERS, min_size=4, max_size=4))
def test_any_number_in_an_excel_cell_is_answered_and_refusals_change_nothing(
        client, cast, metrics, template, cells):
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook["Mittarit"]
    rows = {sheet.cell(row, 2).value: row for row in range(2, sheet.max_row + 1)}
    for metric, cell in zip(metrics, cells, strict=True):
        sheet.cell(rows[metric.code], 7).value = cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = snapshot()
    client.force_login(cast.coordinator)
    url = reverse("reports:excel_upload", args=[cast.project.pk, "2022-05"])
    response = client.post(url, {"file": SimpleUploadedFile(
        "raportti.xlsx", buffer.getvalue(), content_type=excel.CONTENT_TYPE)})
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert snapshot() == before
    for value in MetricValue.objects.exclude(value=None):
        assert abs(value.value) < 10**10
    # Whatever was saved, the pages that read it still answer.
    client.force_login(cast.manager)
    for page in [reverse("reports:edit", args=[cast.subproject.pk, "2022-05"]),
                 reverse("reports:excel_template", args=[cast.project.pk, "2022-05"]),
                 reverse("dashboards:project", args=[cast.project.pk]) + "?month=2022-05",
                 reverse("dashboards:subproject", args=[cast.subproject.pk]) + "?month=2022-05"]:
        assert client.get(page).status_code == 200, page


@FUZZ
@given(month=MONTHS)
def test_any_month_in_a_url_is_a_page_or_a_404(client, cast, month):
    client.force_login(cast.manager)
    pages = [reverse("reports:review", args=[cast.project.pk]) + f"?month={month}",
             reverse("dashboards:national") + f"?month={month}",
             reverse("dashboards:project", args=[cast.project.pk]) + f"?month={month}",
             reverse("dashboards:subproject", args=[cast.subproject.pk]) + f"?month={month}"]
    if month and "/" not in month:
        pages += [reverse("reports:edit", args=[cast.subproject.pk, month]),
                  reverse("reports:project_report", args=[cast.project.pk, month]),
                  reverse("reports:excel_template", args=[cast.project.pk, month])]
    for page in pages:
        assert client.get(page).status_code in (200, 302, 404), page
    before = snapshot()
    if month and "/" not in month:
        response = client.post(reverse("reports:project_report", args=[cast.project.pk, month]),
                               {"version": "0", "action": "save"})
        assert response.status_code in (302, 404, 422), response.status_code
        if response.status_code != 302:
            assert snapshot() == before


FILTER_VALUES = st.one_of(MONTHS, NUMBERS.map(str), st.text(max_size=40))


@pytest.fixture
def token(db) -> str:
    return api_client_create(name="Fuzz", all_projects=True, rate="100000/minute")[1]


@FUZZ
@given(period_from=FILTER_VALUES, period_to=FILTER_VALUES, updated_since=FILTER_VALUES,
       project_id=FILTER_VALUES, fmt=st.sampled_from(["json", "csv", "jsonstat"]))
def test_any_api_filter_is_answered_with_rows_or_a_400(client, cast, token, period_from,
                                                       period_to, updated_since, project_id,
                                                       fmt):
    response = client.get(reverse("api:metric-value-list"), {
        "period_from": period_from, "period_to": period_to, "updated_since": updated_since,
        "project_id": project_id, "format": fmt}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code in (200, 400), response.status_code
