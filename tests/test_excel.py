"""The Excel round trip by role: a coordinator downloads the template of their own
subprojects and uploads it; the manager downloads every subproject's and uploads the sheets
coordinators filled, saved on their behalf; an upload imports whole or not at all."""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from indicators.models import Metric, MetricValue
from reports import excel
from reports.models import MonthlyReport, ReportEvent
from reports.services import ReportConflict
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def metrics(cast):
    """Metrics of the month: for 1.1 a count, a share by age group and a yes/no (plus a
    quarterly one not due in May); for 1.2 a count."""
    ages = factories.DisaggregationFactory(code="ika", name="Ikäryhmä")
    young = factories.DisaggregationCategoryFactory(disaggregation=ages, code="alle65",
                                                    name="alle 65", order=1)
    old = factories.DisaggregationCategoryFactory(disaggregation=ages, code="yli65",
                                                  name="65 ja yli", order=2)
    own = {"project": cast.project, "subproject": cast.subproject}
    return {
        "count": factories.MetricFactory(**own, code="1.1.1", name="Asiakkaat"),
        "share": factories.MetricFactory(**own, code="1.1.2", name="Digipalveluiden osuus",
                                         kind=Metric.Kind.SHARE, disaggregation=ages),
        "yes_no": factories.MetricFactory(**own, code="1.1.3", name="Aikataulussa",
                                          kind=Metric.Kind.YES_NO),
        "quarterly": factories.MetricFactory(**own, code="1.1.4", name="Kyselyn tulos",
                                             frequency=Metric.Frequency.QUARTERLY),
        "sibling": factories.MetricFactory(project=cast.project, subproject=cast.sibling,
                                           code="1.2.1", name="Reseptit"),
        "young": young, "old": old,
    }


def template_url(cast, project=None):
    return reverse("reports:excel_template",
                   args=[(project or cast.project).pk, f"{cast.month:%Y-%m}"])


def upload_url(cast, project=None):
    return reverse("reports:excel_upload",
                   args=[(project or cast.project).pk, f"{cast.month:%Y-%m}"])


def download(client, cast, user=None):
    client.force_login(user or cast.manager)
    response = client.get(template_url(cast))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def as_upload(workbook, name="raportit.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=excel.CONTENT_TYPE)


def upload(client, cast, user, file):
    client.force_login(user)
    return client.post(upload_url(cast), {"file": file})


def fill_own_row(workbook):
    """What the coordinator of 1.1 types in: texts on Raportit row 2, values on Mittarit."""
    reports, values = workbook["Raportit"], workbook["Mittarit"]
    reports["D2"], reports["E2"] = "keltainen", 40
    reports["F2"] = "Pilotti käynnistyi Sosterissa."
    reports["G2"] = "Laajennetaan Pieksämäelle."
    reports["H2"] = "Rekrytointi viivästyi."
    values["G2"], values["H2"] = 12, "Kaksi uutta tiimiä"
    values["G3"], values["G4"] = "35,5", 20
    values["G5"] = "kyllä"


def row_html(sheet, row, column):
    return f"<tr><td>{sheet}</td><td>{row}</td><td>{column}</td>"


# --- Download -------------------------------------------------------------------------------


def test_manager_downloads_the_months_template(client, cast, metrics):
    factories.MonthlyReportFactory(subproject=cast.subproject, period=cast.month,
                                   situation="Luonnosteksti", progress=30, light="green")
    workbook = download(client, cast)
    assert workbook.sheetnames == ["Raportit", "Mittarit", "Ohjeet", "Tiedot"]
    assert workbook["Tiedot"].sheet_state == "veryHidden"
    reports = workbook["Raportit"]
    assert [c.value for c in reports[1]][:5] == [
        "Koodi", "Osahanke", "Tila", "Tilannevalo (täytä)", "Edistyminen % (täytä)"]
    assert [(r[0].value, r[1].value) for r in reports.iter_rows(min_row=2)] == [
        ("1.1", "Digitiimi"), ("1.2", "Kliininen farmasia")]
    # the draft is pre-filled; the light is offered as a list
    assert (reports["D2"].value, reports["E2"].value, reports["F2"].value) == (
        "vihreä", 30, "Luonnosteksti")
    assert any("D2" in str(v.sqref) for v in reports.data_validations.dataValidation)
    assert reports["A2"].protection.locked and not reports["F2"].protection.locked
    assert reports.column_dimensions["F"].width >= 40 and reports["F2"].alignment.wrap_text
    rows = [(r[0].value, r[1].value, r[3].value) for r in workbook["Mittarit"].iter_rows(min_row=2)]
    assert rows == [
        ("1.1", "1.1.1", None), ("1.1", "1.1.2", "alle 65"), ("1.1", "1.1.2", "65 ja yli"),
        ("1.1", "1.1.3", None), ("1.2", "1.2.1", None),
    ]  # the quarterly metric is not due in May
    assert [c.value for c in workbook["Mittarit"][1]][5:9] == [
        "Yksikkö", "Arvo (täytä)", "Kommentti (täytä)", "Edellinen kuukausi"]


def test_template_is_for_the_manager_and_the_coordinators(client, cast):
    client.force_login(cast.other_coordinator)
    assert client.get(template_url(cast)).status_code == 404
    client.force_login(cast.other_manager)
    assert client.get(template_url(cast)).status_code == 404
    for user in (cast.steering, cast.national):
        client.force_login(user)
        assert client.get(template_url(cast)).status_code == 403
    for user in (cast.manager, cast.coordinator):
        client.force_login(user)
        assert client.get(template_url(cast)).status_code == 200


def test_coordinators_template_holds_only_their_own_subprojects(client, cast, metrics):
    wp2 = factories.WorkPackageFactory(project=cast.project, code="TP2", name="Palvelut")
    third = factories.SubprojectFactory(work_package=wp2, code="2.1", name="Kotihoito")
    factories.MetricFactory(project=cast.project, subproject=third, code="2.1.1", name="Käynnit")
    third.responsible_people.add(cast.coordinator.person)
    workbook = download(client, cast, cast.coordinator)
    assert [r[0].value for r in workbook["Raportit"].iter_rows(min_row=2)] == ["1.1", "2.1"]
    assert {r[0].value for r in workbook["Mittarit"].iter_rows(min_row=2)} == {"1.1", "2.1"}
    # the manager's holds them all
    workbook = download(client, cast)
    assert [r[0].value for r in workbook["Raportit"].iter_rows(min_row=2)] == ["1.1", "1.2", "2.1"]


def test_the_instructions_do_not_rely_on_colour(client, cast, metrics):
    factories.MonthlyReportFactory(subproject=cast.sibling, period=cast.month,
                                   state=MonthlyReport.State.SUBMITTED)
    workbook = download(client, cast)
    assert workbook.active.title == "Ohjeet"  # the file opens on the instructions
    lines = [row[0].value for row in workbook["Ohjeet"].iter_rows() if row[0].value]
    assert lines[0].startswith("HANKE-A Hanke A 5/2022")
    assert lines[1] == "Suomeksi" and lines.index("Suomeksi") < lines.index("På svenska") < (
        lines.index("In English"))
    finnish = " ".join(lines[: lines.index("På svenska")])
    assert "(täytä)" in finnish and "lukittu" in finnish
    assert "koordinaattorin puolesta" in finnish  # the manager's upload
    swedish = " ".join(lines[lines.index("På svenska"): lines.index("In English")])
    assert "(täytä)" in swedish and "koordinators räkning" in swedish
    # the locked row says it in text, beside its grey fill
    assert workbook["Raportit"]["C3"].value == "lähetetty – lukittu"
    assert workbook["Raportit"]["C2"].value == "ei aloitettu"
    coordinator = download(client, cast, cast.coordinator)["Ohjeet"]
    text = " ".join(row[0].value for row in coordinator.iter_rows() if row[0].value)
    assert "osahankkeet, joista vastaat" in text and "puolesta" not in text


def test_text_that_looks_like_a_formula_stays_text(client, cast):
    factories.MonthlyReportFactory(subproject=cast.subproject, period=cast.month,
                                   situation='=HYPERLINK("http://example.test","klik")')
    cell = download(client, cast)["Raportit"]["F2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# --- Upload: who may -----------------------------------------------------------------------


def test_upload_page_is_for_the_manager_and_the_coordinators(client, cast):
    for user, status in [(cast.manager, 200), (cast.coordinator, 200), (cast.steering, 403),
                         (cast.national, 403), (cast.other_coordinator, 404)]:
        client.force_login(user)
        assert client.get(upload_url(cast)).status_code == status, user
    client.logout()
    assert client.get(upload_url(cast)).status_code == 302  # to the login page


def test_upload_checks_csrf(cast, metrics):
    client = Client(enforce_csrf_checks=True)
    workbook = download(client, cast)
    fill_own_row(workbook)
    assert upload(client, cast, cast.coordinator, as_upload(workbook)).status_code == 403
    assert not MonthlyReport.objects.exists()


# --- Upload: a valid file ------------------------------------------------------------------


def test_valid_upload_imports_everything_and_records_history(client, cast, metrics):
    workbook = download(client, cast)
    fill_own_row(workbook)
    response = upload(client, cast, cast.coordinator, as_upload(workbook))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Raportteja: 1, mittariarvoja: 4; muuttamattomia rivejä ohitettiin: 2" in page

    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    assert (report.light, report.progress, report.situation, report.next_steps,
            report.problems, report.help_needed, report.state) == (
        "yellow", 40, "Pilotti käynnistyi Sosterissa.", "Laajennetaan Pieksämäelle.",
        "Rekrytointi viivästyi.", "", "draft")
    values = {(v.metric.code, v.category and v.category.code): (v.value, v.comment)
              for v in MetricValue.objects.select_related("metric", "category")}
    assert values == {
        ("1.1.1", None): (Decimal(12), "Kaksi uutta tiimiä"),
        ("1.1.2", "alle65"): (Decimal("35.5"), ""),
        ("1.1.2", "yli65"): (Decimal(20), ""),
        ("1.1.3", None): (Decimal(1), ""),
    }
    assert all(v.entered_by == cast.coordinator for v in MetricValue.objects.all())
    imported = report.events.get(action=ReportEvent.Action.IMPORTED)
    assert imported.user == cast.coordinator
    assert imported.changes["situation"] == {"old": "", "new": "Pilotti käynnistyi Sosterissa."}
    assert report.events.filter(action=ReportEvent.Action.VALUES).exists()
    assert not MonthlyReport.objects.filter(subproject=cast.sibling).exists()  # untouched row


def test_coordinator_round_trip_of_their_own_rows(client, cast, metrics):
    """Download their own template, fill it in, upload it: the report page shows the values."""
    workbook = download(client, cast, cast.coordinator)
    assert [r[0].value for r in workbook["Raportit"].iter_rows(min_row=2)] == ["1.1"]
    fill_own_row(workbook)
    response = upload(client, cast, cast.coordinator, as_upload(workbook))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'role="status" tabindex="-1" data-focus' in page  # the summary takes the focus
    assert "Raportteja: 1, mittariarvoja: 4" in page and "puolesta" not in page

    page = client.get(reverse("reports:edit", args=[cast.subproject.pk, "2022-05"]))
    text = page.content.decode()
    assert "Pilotti käynnistyi Sosterissa." in text and "Rekrytointi viivästyi." in text
    assert 'value="12"' in text and "Kaksi uutta tiimiä" in text
    assert "tuotu Excelistä" in text and "puolesta" not in text  # the history: theirs
    event = MonthlyReport.objects.get().events.get(action=ReportEvent.Action.IMPORTED)
    assert event.user == cast.coordinator and event.on_behalf_of is None


def test_upload_errors_are_in_the_users_language(client, cast, metrics):
    workbook = download(client, cast, cast.coordinator)
    workbook["Mittarit"]["G2"] = "paljon"
    client.force_login(cast.coordinator)
    response = client.post(upload_url(cast), {"file": as_upload(workbook)},
                           HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Filen importerades inte" in page and row_html("Mittarit", 2, "G") in page


def test_excel_is_linked_from_my_reports_the_report_and_the_review(client, cast):
    name = "Excel-pohja ja tuonti (HANKE-A 5/2022)"
    link = f'href="{upload_url(cast)}"'
    client.force_login(cast.coordinator)
    page = client.get(reverse("reports:mine")).content.decode()
    assert link in page and name in page
    assert "lataa kuukauden pohja ja tuo se täytettynä" in page  # what the link does
    report_page = reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])
    assert link in client.get(report_page).content.decode()
    client.force_login(cast.manager)
    assert link in client.get(report_page).content.decode()
    review = client.get(reverse("reports:review", args=[cast.project.pk]) + "?month=2022-05")
    assert link in review.content.decode() and name in review.content.decode()
    client.force_login(cast.steering)
    assert link not in client.get(report_page).content.decode()


def test_unchanged_file_imports_nothing(client, cast, metrics):
    workbook = download(client, cast)
    response = upload(client, cast, cast.coordinator, as_upload(workbook))
    assert response.status_code == 302
    assert "Tiedostossa ei ollut muutoksia" in client.get(response.url).content.decode()
    assert not MonthlyReport.objects.exists() and not MetricValue.objects.exists()


def test_values_can_be_changed_and_cleared_again(client, cast, metrics):
    workbook = download(client, cast)
    fill_own_row(workbook)
    upload(client, cast, cast.coordinator, as_upload(workbook))
    workbook = download(client, cast)  # the second round starts from the saved draft
    assert workbook["Mittarit"]["G3"].value == 35.5 and workbook["Mittarit"]["G5"].value == "kyllä"
    workbook["Mittarit"]["G2"] = workbook["Mittarit"]["H2"] = None  # the value and its comment
    workbook["Raportit"]["E2"] = "55 %"
    assert upload(client, cast, cast.coordinator, as_upload(workbook)).status_code == 302
    assert not MetricValue.objects.filter(metric=metrics["count"]).exists()
    assert MonthlyReport.objects.get(subproject=cast.subproject).progress == 55


# --- Upload: nothing unless all is valid ---------------------------------------------------


def test_one_bad_cell_imports_nothing_and_names_the_cell(client, cast, metrics):
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Mittarit"]["G3"] = 150  # a share above 100 %
    response = upload(client, cast, cast.coordinator, as_upload(workbook))
    assert response.status_code == 422
    page = response.content.decode()
    assert row_html("Mittarit", 3, "G") in page
    assert "Välilehti" in page and "Sarake" in page and 'role="alert"' in page
    assert not MonthlyReport.objects.exists() and not MetricValue.objects.exists()


def test_every_bad_cell_is_listed(cast, metrics, client):
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Raportit"]["D2"] = "sinivihreä"
    workbook["Raportit"]["E2"] = 120
    workbook["Mittarit"]["G2"] = "12,5"  # a count is whole
    workbook["Mittarit"]["G5"] = "ehkä"
    result = excel.import_workbook(project=cast.project, month=cast.month, user=cast.coordinator,
                                   file=as_upload(workbook))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("Raportit", 2, "D"), ("Raportit", 2, "E"), ("Mittarit", 2, "G"), ("Mittarit", 5, "G")]
    assert "vihreä, keltainen, punainen, harmaa, sininen" in result.errors[0].message
    assert not MonthlyReport.objects.exists()


def test_unknown_codes_and_a_renamed_header_are_refused(client, cast, metrics):
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Raportit"].append(["9.9", "Keksitty", None, "vihreä"])
    workbook["Mittarit"]["B5"] = "7.7.7"
    result = excel.import_workbook(project=cast.project, month=cast.month, user=cast.coordinator,
                                   file=as_upload(workbook))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("Raportit", 4, "A"), ("Mittarit", 5, "B")]
    assert "9.9" in result.errors[0].message and "7.7.7" in result.errors[1].message

    workbook["Mittarit"]["G1"] = "Luku"
    result = excel.import_workbook(project=cast.project, month=cast.month, user=cast.coordinator,
                                   file=as_upload(workbook))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Mittarit", 1, "G")]
    assert "Arvo" in result.errors[0].message
    assert not MonthlyReport.objects.exists()


def test_template_of_another_project_or_month_is_refused(client, cast, metrics):
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Tiedot"]["B2"] = "2022-04"
    result = excel.import_workbook(project=cast.project, month=cast.month, user=cast.coordinator,
                                   file=as_upload(workbook))
    assert "2022-04" in result.errors[0].message and not MonthlyReport.objects.exists()
    workbook["Tiedot"]["B2"] = "2022-05"
    result = excel.import_workbook(project=cast.other_project, month=cast.month,
                                   user=cast.coordinator, file=as_upload(workbook))
    assert "HANKE-A" in result.errors[0].message and "HANKE-B" in result.errors[0].message


def test_coordinator_cannot_change_the_rows_of_others(client, cast, metrics):
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Raportit"]["F3"] = "Kirjoitan toisen osahankkeen puolesta"
    workbook["Mittarit"]["G6"] = 3
    result = excel.import_workbook(project=cast.project, month=cast.month, user=cast.coordinator,
                                   file=as_upload(workbook))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("Raportit", 3, "A"), ("Mittarit", 6, "A")]
    assert "Osahanke 1.2 ei ole sinun" in result.errors[0].message
    assert not MonthlyReport.objects.exists() and not MetricValue.objects.exists()


def test_coordinators_upload_of_anothers_row_is_refused_with_the_message(client, cast, metrics):
    """The manager's template passed on to a coordinator, who also wrote in the row of 1.2."""
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Raportit"]["F3"] = "Kirjoitan toisen osahankkeen puolesta"
    response = upload(client, cast, cast.coordinator, as_upload(workbook))
    assert response.status_code == 422
    page = response.content.decode()
    assert row_html("Raportit", 3, "A") in page
    assert ("Osahanke 1.2 ei ole sinun: vain sen koordinaattori tai hankepäällikkö voi muuttaa "
            "sen raporttia.") in page
    assert 'id="error-summary" tabindex="-1" data-focus' in page  # focus goes to the summary
    assert not MonthlyReport.objects.exists() and not MetricValue.objects.exists()


def test_manager_uploads_on_behalf_of_the_coordinator(client, cast, metrics):
    """Managers collect the coordinators' sheets and upload them: each subproject's changes
    are saved for its coordinator, recorded so in the history and the audit."""
    workbook = download(client, cast)
    fill_own_row(workbook)
    response = upload(client, cast, cast.manager, as_upload(workbook))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Tallennettu koordinaattorien puolesta: 1.1 Koordinaattori." in page

    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    assert report.situation == "Pilotti käynnistyi Sosterissa." and report.state == "draft"
    events = list(report.events.all())
    assert {e.action for e in events} == {"created", "imported", "values"}
    assert all(e.user == cast.manager and e.on_behalf_of == cast.coordinator for e in events)
    assert MetricValue.objects.get(metric=metrics["count"]).value == 12

    page = client.get(reverse("reports:edit", args=[cast.subproject.pk, "2022-05"]))
    text = page.content.decode()
    assert "tallentanut Paallikko koordinaattorin Koordinaattori puolesta" in text
    audit = client.get(reverse("project-audit", args=[cast.project.pk])).content.decode()
    assert "tallentanut Paallikko Testinen koordinaattorin Koordinaattori Testinen puolesta" in audit
    export = b"".join(client.get(reverse("project-audit", args=[cast.project.pk]) + "?format=csv"))
    rows = list(csv.DictReader(io.StringIO(export.decode())))
    assert any(r["field"] == "situation" and r["user"] == "paallikko"
               and r["on_behalf_of"] == "koordinaattori" for r in rows)
    assert all(r["on_behalf_of"] == "" for r in rows if r["user"] != "paallikko")

    # in Swedish as well, and the coordinator's own save afterwards is theirs
    client.force_login(cast.coordinator)
    sv = client.get(reverse("reports:edit", args=[cast.subproject.pk, "2022-05"]),
                    HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "sparat av Paallikko för koordinator Koordinaattori" in sv


def test_manager_cannot_save_for_a_subproject_without_a_coordinator(client, cast, metrics):
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Raportit"]["F3"] = "Kenen puolesta?"  # 1.2 has no responsible person
    response = upload(client, cast, cast.manager, as_upload(workbook))
    assert response.status_code == 422
    page = response.content.decode()
    assert row_html("Raportit", 3, "A") in page and "Osahankkeella 1.2 ei ole" in page
    assert not MonthlyReport.objects.exists() and not MetricValue.objects.exists()


def test_the_service_refuses_on_behalf_saves_by_others(cast):
    from reports.services import ReportInput, monthly_report_save
    for user, coordinator in [(cast.steering, cast.coordinator), (cast.coordinator, cast.coordinator),
                              (cast.manager, cast.steering), (cast.other_manager, cast.coordinator)]:
        with pytest.raises(PermissionDenied):
            monthly_report_save(subproject=cast.subproject, period=cast.month, user=user,
                                data=ReportInput(fields={"situation": "x"}), expected_version=0,
                                on_behalf_of=coordinator)
    assert not MonthlyReport.objects.exists()


def test_upload_touching_an_approved_report_changes_nothing(client, cast, metrics):
    report = factories.MonthlyReportFactory(
        subproject=cast.subproject, period=cast.month, state=MonthlyReport.State.APPROVED,
        situation="Hyväksytty teksti", light="green",
    )
    factories.MetricValueFactory(metric=metrics["count"], period=cast.month, value=7)
    before = (report.version, report.events.count(), list(MetricValue.objects.values()))
    for user in (cast.manager, cast.coordinator):
        workbook = download(client, cast, user)
        workbook["Raportit"]["F2"] = "Muutettu jälkikäteen"
        workbook["Mittarit"]["G2"] = 99
        response = upload(client, cast, user, as_upload(workbook))
        assert response.status_code == 422
        page = response.content.decode()
        assert row_html("Raportit", 2, "F") in page and row_html("Mittarit", 2, "G") in page
        report.refresh_from_db()
        assert report.situation == "Hyväksytty teksti" and report.state == "approved"
        assert (report.version, report.events.count(), list(MetricValue.objects.values())) == (
            before)


def test_changed_row_of_an_approved_report_is_refused(client, cast, metrics):
    report = factories.MonthlyReportFactory(
        subproject=cast.subproject, period=cast.month, state=MonthlyReport.State.APPROVED,
        situation="Hyväksytty teksti", light="green",
    )
    workbook = download(client, cast)
    assert workbook["Raportit"]["F2"].protection.locked
    assert workbook["Raportit"]["C2"].value == f"{report.get_state_display()} – lukittu"
    cast.sibling.responsible_people.add(cast.coordinator.person)
    workbook["Raportit"]["F3"] = "Sisarosahankkeen teksti"  # editable, valid
    assert upload(client, cast, cast.coordinator, as_upload(workbook)).status_code == 302  # the
    # unchanged approved row is skipped

    workbook = download(client, cast)
    workbook["Raportit"]["F2"] = "Muutettu jälkikäteen"
    workbook["Mittarit"]["G2"] = 99
    workbook["Raportit"]["F3"] = "Toinen muutos"
    result = excel.import_workbook(project=cast.project, month=cast.month, user=cast.coordinator,
                                   file=as_upload(workbook))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("Raportit", 2, "F"), ("Mittarit", 2, "G")]
    report.refresh_from_db()
    assert report.situation == "Hyväksytty teksti" and not MetricValue.objects.exists()
    assert MonthlyReport.objects.get(subproject=cast.sibling).situation == (
        "Sisarosahankkeen teksti")


def test_report_saved_in_the_portal_after_the_download_is_a_conflict(client, cast, metrics):
    workbook = download(client, cast)
    client.force_login(cast.coordinator)
    client.post(reverse("reports:edit", args=[cast.subproject.pk, "2022-05"]),
                {"situation": "Selaimessa kirjoitettu", "action": "save"})
    fill_own_row(workbook)
    result = excel.import_workbook(project=cast.project, month=cast.month, user=cast.coordinator,
                                   file=as_upload(workbook))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("Raportit", 2, "A"), ("Mittarit", 2, "A"), ("Mittarit", 3, "A"), ("Mittarit", 4, "A"),
        ("Mittarit", 5, "A")]
    assert MonthlyReport.objects.get().situation == "Selaimessa kirjoitettu"


def test_a_failure_while_saving_rolls_back_everything(client, cast, metrics, monkeypatch):
    cast.sibling.responsible_people.add(cast.coordinator.person)
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Raportit"]["F3"] = "Sisarosahankkeen teksti"
    save = excel.importer.monthly_report_save

    def save_then_conflict(**kwargs):
        if kwargs["subproject"] == cast.sibling:  # someone saved 1.2 in the meantime
            raise ReportConflict(MonthlyReport(), {}, "Kollega")
        return save(**kwargs)

    monkeypatch.setattr(excel.importer, "monthly_report_save", save_then_conflict)
    result = excel.import_workbook(project=cast.project, month=cast.month, user=cast.coordinator,
                                   file=as_upload(workbook))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Raportit", 3, "A")]
    assert "Kollega" in result.errors[0].message
    assert not MonthlyReport.objects.exists() and not MetricValue.objects.exists()


# --- Upload: malformed files ---------------------------------------------------------------


def test_a_file_that_is_not_excel_is_refused_clearly(client, cast):
    file = SimpleUploadedFile("raportti.xlsx", b"Koodi;Osahanke\n1.1;Digitiimi\n")
    response = upload(client, cast, cast.coordinator, file)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Tiedosto ei ole Excel-työkirja (.xlsx)" in page
    workbook = openpyxl.Workbook()
    result = excel.import_workbook(project=cast.project, month=cast.month,
                                   user=cast.coordinator, file=as_upload(workbook))
    assert [(e.sheet, e.row) for e in result.errors] == [("Tiedot", None)]


def test_an_oversize_file_is_refused(client, cast):
    big = SimpleUploadedFile("iso.xlsx", b"x" * (excel.MAX_UPLOAD_BYTES + 1))
    response = upload(client, cast, cast.coordinator, big)
    assert response.status_code == 422
    assert "suurempi kuin 5 Mt" in response.content.decode()
    huge = SimpleUploadedFile("valtava.xlsx", b"x" * (excel.MAX_UPLOAD_BYTES * 2))
    response = upload(client, cast, cast.coordinator, huge)
    assert response.status_code == 413  # refused before the body is read
    assert "suurempi kuin 5 Mt" in response.content.decode()


def test_too_many_rows_are_refused(client, cast, metrics, monkeypatch):
    monkeypatch.setattr(excel.importer, "MAX_ROWS", 3)
    workbook = download(client, cast)
    result = excel.import_workbook(project=cast.project, month=cast.month, user=cast.coordinator,
                                   file=as_upload(workbook))
    assert [(e.sheet, e.row) for e in result.errors] == [("Mittarit", None)]
    assert "yli 3 riviä" in result.errors[0].message


def test_a_damaged_or_inflated_workbook_is_refused_clearly(client, cast, metrics, monkeypatch):
    workbook = download(client, cast)
    original = as_upload(workbook).read()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, \
            zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":  # Mittarit
                content = content[: len(content) // 2]
            target.writestr(item, content)
    file = SimpleUploadedFile("rikki.xlsx", damaged.getvalue())
    response = upload(client, cast, cast.coordinator, file)
    assert response.status_code == 422
    assert "Tiedostoa ei voitu lukea Excel-työkirjana" in response.content.decode()

    monkeypatch.setattr(excel.reader, "MAX_UNPACKED_BYTES", 10_000)
    result = excel.import_workbook(project=cast.project, month=cast.month, user=cast.coordinator,
                                   file=SimpleUploadedFile("iso.xlsx", original))
    assert "liian suuri" in result.errors[0].message
