"""What a hurried or careless user types is refused at the field it belongs to, with what
they typed kept, and nothing saved changes (issue 10, the second hostile round)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Metric, MetricValue
from indicators.services import ParsedValue, metric_value_set, parse_metric_input
from reports import services
from reports.models import GeneratedDocument, MonthlyReport
from reports.services import ReportInput, ValueInput
from tests import factories
from tests.test_excel import as_upload, download, fill_own_row, metrics, row_html, upload

pytestmark = pytest.mark.django_db
__all__ = ["metrics"]  # the Excel tests' fixture, used here too

APRIL = dt.date(2022, 4, 1)


def approved_report(cast, metric, value, period=APRIL):
    """A report of the coordinator's subproject with the metric's value, approved."""
    report = services.monthly_report_save(
        subproject=cast.subproject, period=period, user=cast.coordinator, expected_version=0,
        data=ReportInput(fields={"light": "green", "situation": "Valmis", "next_steps": "Jatko"},
                         values=[ValueInput(metric, None, parse_metric_input(metric, value))]))
    services.monthly_report_submit(report=report, user=cast.coordinator)
    return services.monthly_report_approve(report=report, user=cast.manager, expected_version=None)


# --- The metric's owner cannot move under its values ---------------------------------------


def test_the_admin_cannot_move_a_metric_with_values_to_another_report(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="M.1")
    report = approved_report(cast, metric, "10")
    admin_user = factories.UserFactory(username="yllapito", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    change = reverse("admin:indicators_metric_change", args=[metric.pk])
    page = client.get(change).content.decode()
    assert 'name="name"' in page  # the metric is still editable
    assert 'name="subproject"' not in page and 'name="project"' not in page
    client.post(change, {"subproject": cast.sibling.pk, "project": cast.other_project.pk})
    metric.refresh_from_db()
    assert (metric.project_id, metric.subproject_id) == (cast.project.pk, cast.subproject.pk)
    # so reopening still withdraws the value, and the coordinator can correct it
    services.monthly_report_reopen(report=report, user=cast.manager, reason="Korjaus")
    value = MetricValue.objects.get(metric=metric)
    assert not value.published
    services.monthly_report_save(
        subproject=cast.subproject, period=APRIL, user=cast.coordinator,
        expected_version=MonthlyReport.objects.get(pk=report.pk).version,
        data=ReportInput(values=[ValueInput(metric, None, parse_metric_input(metric, "11"))]))
    assert MetricValue.objects.get(metric=metric).value == 11


def test_a_metric_without_values_can_still_be_moved(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="M.1")
    client.force_login(factories.UserFactory(username="yllapito", is_staff=True,
                                             is_superuser=True))
    page = client.get(reverse("admin:indicators_metric_change", args=[metric.pk]))
    assert 'name="subproject"' in page.content.decode()


def test_resending_a_published_value_unchanged_is_no_change_but_a_change_is_refused(cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="M.1")
    approved_report(cast, metric, "10")
    same = metric_value_set(metric=metric, period=APRIL, category=None,
                            parsed=ParsedValue(Decimal(10), ""), comment="", user=cast.manager)
    assert same[1] is None
    with pytest.raises(services.ValidationError, match="avattava"):
        metric_value_set(metric=metric, period=APRIL, category=None,
                         parsed=ParsedValue(Decimal(12), ""), comment="", user=cast.manager)
    with pytest.raises(services.ValidationError, match="avattava"):
        metric_value_set(metric=metric, period=APRIL, category=None,
                         parsed=ParsedValue(None, ""), comment="", user=cast.manager)
    assert MetricValue.objects.get(metric=metric).value == 10


# --- Numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,raw,expected", [
    (Metric.Kind.COUNT, "1_000", None),
    (Metric.Kind.COUNT, "１２", None),
    (Metric.Kind.COUNT, "12%", None),
    (Metric.Kind.COUNT, "12€", None),
    (Metric.Kind.COUNT, True, None),
    (Metric.Kind.COUNT, "1 200", Decimal(1200)),
    (Metric.Kind.SHARE, "12,5 %", Decimal("12.5")),
    (Metric.Kind.MONEY, "1 250,50 €", Decimal("1250.50")),
    (Metric.Kind.YES_NO, True, Decimal(1)),
    (Metric.Kind.COUNT, 1e5, Decimal(100000)),
])
def test_a_number_is_digits_with_the_kinds_own_unit(cast, kind, raw, expected):
    metric = factories.MetricFactory(project=cast.project, kind=kind, code="N.1")
    if expected is None:
        with pytest.raises(services.ValidationError, match="Anna luku"):
            parse_metric_input(metric, raw)
    else:
        assert parse_metric_input(metric, raw).value == expected


# --- Excel: the error at its cell, nothing deleted ---------------------------------------------


@pytest.mark.parametrize("sheet,cell,typed,column,message", [
    ("Mittarit", "G2", "=5+5", "G", "kaava"),          # a formula the file holds no value of
    ("Mittarit", "G2", True, "G", "anna luku"),        # TRUE in a count
    ("Mittarit", "H2", "k" * 1001, "H", "enintään 1000 merkkiä"),
    ("Raportit", "F2", "t" * 5001, "F", "enintään 5000 merkkiä"),
])
def test_an_excel_cell_that_cannot_be_read_is_an_error_at_that_cell(client, cast, metrics, sheet,
                                                                   cell, typed, column, message):
    factories.MetricValueFactory(metric=metrics["count"], period=cast.month, value=7)
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook[sheet][cell] = typed
    response = upload(client, cast, cast.coordinator, as_upload(workbook))
    html = response.content.decode()
    assert response.status_code == 422, html
    assert row_html(sheet, 2, column) in html and message in html.lower()
    assert MetricValue.objects.get(metric=metrics["count"], period=cast.month).value == 7
    assert not MonthlyReport.objects.exists()


# --- The manager's comment is kept with its error ----------------------------------------------


@pytest.mark.parametrize("state,url_name,field,typed,message", [
    ("approved", "reports:reopen", "reason", "   ", "miksi raportti avataan"),
    ("approved", "reports:reopen", "reason", "syy " * 1300, "enintään 5000 merkkiä"),
    ("submitted", "reports:return", "comment", "korjaa " * 800, "enintään 5000 merkkiä"),
    ("approved", "reports:reopen", "reason", "\u200b\ufeff", "miksi raportti avataan"),
    ("submitted", "reports:return", "comment", "\u200b", "mitä pitää korjata"),
])
def test_a_refused_return_or_reopening_keeps_the_managers_text(client, cast, state, url_name,
                                                              field, typed, message):
    report = factories.MonthlyReportFactory(subproject=cast.subproject, period=APRIL,
                                            state=state, light="green")
    client.force_login(cast.manager)
    response = client.post(reverse(url_name, args=[report.pk]), {field: typed})
    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="id_{field}_error"' in html and message in html.lower()
    if typed.strip():
        assert typed.strip() in html
    report.refresh_from_db()
    assert report.state == state and not report.events.exists()


# --- The form names what each input is about ---------------------------------------------------


def test_each_comment_names_its_metric_and_last_month_describes_the_input(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject,
                                     code="K1.10.1", name="Asiakkaat")
    factories.MetricValueFactory(metric=metric, period=APRIL, value=41)
    client.force_login(cast.coordinator)
    html = client.get(reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])).content.decode()
    field = f"id_metric_{metric.pk}"
    assert f'<label for="id_comment_{metric.pk}">Kommentti: K1.10.1 Asiakkaat</label>' in html
    assert f'id="{field}_previous"' in html and "41" in html
    assert f'aria-describedby="{field}_helptext {field}_previous"' in html


# --- Months -------------------------------------------------------------------------------------


def test_a_month_nothing_can_be_reported_for_shows_why_and_no_form_to_save(client, cast):
    factories.PhaseFactory(project=cast.project, start_date=dt.date(2021, 1, 1),
                           end_date=dt.date(2022, 10, 31))
    client.force_login(cast.coordinator)
    for month, reason in (("2020-06", "vaiheiden ulkopuolella"), ("2099-01", "tulevaisuudessa")):
        response = client.get(reverse("reports:edit", args=[cast.subproject.pk, month]))
        html = response.content.decode()
        assert response.status_code == 200 and reason in html
        assert 'value="save"' not in html
    assert client.get(f"/reports/subprojects/{cast.subproject.pk}/２０２２-05/").status_code == 404


def test_a_reader_outside_the_project_sees_no_history_of_drafts(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="M.1")
    services.monthly_report_save(
        subproject=cast.subproject, period=APRIL, user=cast.coordinator, expected_version=0,
        data=ReportInput(values=[ValueInput(metric, None, parse_metric_input(metric, "4242"),
                                            "LUONNOSKOMMENTTI")]))
    report = MonthlyReport.objects.get()
    approved_report(cast, metric, "10", period=dt.date(2022, 3, 1))
    services.monthly_report_save(
        subproject=cast.subproject, period=APRIL, user=cast.coordinator,
        expected_version=report.version,
        data=ReportInput(fields={"light": "green", "situation": "Valmis", "next_steps": "Jatko"},
                         values=[ValueInput(metric, None, parse_metric_input(metric, "11"))]))
    services.monthly_report_submit(report=report, user=cast.coordinator)
    services.monthly_report_approve(report=report, user=cast.manager, expected_version=None)
    url = reverse("reports:edit", args=[cast.subproject.pk, "2022-04"])
    client.force_login(cast.national)
    html = client.get(url).content.decode()
    assert "4242" not in html and "LUONNOSKOMMENTTI" not in html and 'id="history-title"' not in html
    client.force_login(cast.coordinator)
    assert "LUONNOSKOMMENTTI" in client.get(url).content.decode()


# --- Third hostile round ----------------------------------------------------------------------


def test_a_comment_without_a_value_is_refused_at_the_comment_and_kept(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="M.1")
    client.force_login(cast.coordinator)
    edit = reverse("reports:edit", args=[cast.subproject.pk, "2022-04"])
    response = client.post(edit, {"version": "0", "action": "save", "situation": "Tilanne",
                                  f"metric_{metric.pk}": "", f"comment_{metric.pk}": "Luku puuttuu"})
    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="id_comment_{metric.pk}_error"' in html and "tyhjennä kommentti" in html
    assert "Luku puuttuu" in html and "Tilanne" in html
    assert f'href="#id_comment_{metric.pk}"' in html  # the error summary links to it
    assert not MonthlyReport.objects.exists() and not MetricValue.objects.exists()


def test_an_excel_comment_without_a_value_is_an_error_at_its_cell(client, cast, metrics):
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Mittarit"]["G2"], workbook["Mittarit"]["H2"] = None, "Luku tulee ensi kuussa"
    response = upload(client, cast, cast.coordinator, as_upload(workbook))
    html = response.content.decode()
    assert response.status_code == 422
    assert row_html("Mittarit", 2, "H") in html and "tyhjennä kommentti" in html
    assert not MonthlyReport.objects.exists()


def test_an_excel_number_with_too_many_decimals_says_so(client, cast, metrics):
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Mittarit"]["G3"] = 1e-300  # a share: four decimals at most
    response = upload(client, cast, cast.coordinator, as_upload(workbook))
    html = response.content.decode()
    assert response.status_code == 422
    assert row_html("Mittarit", 3, "G") in html and "enintään 4 desimaalia" in html.lower()
    assert "liian suuri" not in html.lower()


@pytest.mark.parametrize("state,url_name,field", [
    ("submitted", "reports:return", "comment"), ("approved", "reports:reopen", "reason")])
def test_a_manager_text_with_a_nul_byte_is_refused_and_nothing_changes(client, cast, state,
                                                                       url_name, field):
    report = factories.MonthlyReportFactory(subproject=cast.subproject, period=APRIL,
                                            state=state, light="green")
    client.force_login(cast.manager)
    response = client.post(reverse(url_name, args=[report.pk]), {field: "Korjaa\x00 luvut"})
    assert response.status_code == 422
    assert f'id="id_{field}_error"' in response.content.decode()
    report.refresh_from_db()
    assert report.state == state and not report.events.exists()


def test_a_tampered_version_is_said_and_the_text_kept(client, cast):
    client.force_login(cast.coordinator)
    edit = reverse("reports:edit", args=[cast.subproject.pk, "2022-04"])
    response = client.post(edit, {"version": "abc", "action": "save", "situation": "Oma teksti"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "mitä raportin versiota" in html and "Oma teksti" in html
    assert not MonthlyReport.objects.exists()


def test_a_monthly_pdf_of_a_month_that_has_not_begun_is_refused(client, cast):
    client.force_login(cast.manager)
    url = reverse("reports:documents", args=[cast.project.pk])
    response = client.post(url, {"kind": "monthly", "month": "2099-01"})
    assert response.status_code == 422
    assert "tulevaisuudessa" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_the_admin_keeps_a_metrics_subproject_in_its_project(client, cast):
    from indicators.models import Metric as MetricModel

    client.force_login(factories.UserFactory(username="yllapito", is_staff=True,
                                             is_superuser=True))
    response = client.post(reverse("admin:indicators_metric_add"), {
        "project": cast.project.pk, "subproject": cast.other_subproject.pk, "code": "X.1",
        "name": "Vieras", "kind": "count", "frequency": "monthly", "direction": "higher",
        "data_source": "manual", "targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "Osahanke kuuluu toiseen hankkeeseen" in response.content.decode()
    assert not MetricModel.objects.filter(code="X.1").exists()


def test_the_admin_freezes_what_published_values_mean(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="M.1")
    report = approved_report(cast, metric, "10")
    client.force_login(factories.UserFactory(username="yllapito", is_staff=True,
                                             is_superuser=True))
    page = client.get(reverse("admin:indicators_metric_change", args=[metric.pk])).content.decode()
    for name in ("kind", "disaggregation", "frequency", "cumulative"):
        assert f'name="{name}"' not in page
    assert client.get(reverse("admin:indicators_metric_delete", args=[metric.pk])).status_code == 403
    subproject = reverse("admin:workpackages_subproject_change", args=[report.subproject_id])
    assert 'name="project"' not in client.get(subproject).content.decode()
    delete = reverse("admin:workpackages_subproject_delete", args=[report.subproject_id])
    assert client.get(delete).status_code == 403
