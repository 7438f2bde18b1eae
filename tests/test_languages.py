"""Each person is served in their language: the language menu remembers the choice, the
login applies it, e-mails go out in the recipient's language, PDFs in the requester's choice
of Finnish or Swedish, the Excel import reads Swedish names and answers in Swedish; months,
dates, times and numbers are written one way everywhere (projects.formatting)."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from indicators.models import Metric, MetricValue
from projects import formatting
from projects.models import UserProfile
from reports import document_rendering, documents, excel, periods
from reports.models import GeneratedDocument, MonthlyReport
from reports.pdf import monthly
from reports.rollups import rollup_compute
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NNBSP = "\u202f"  # the narrow no-break space between thousands


def pdf_language(pdf: bytes) -> str:
    """The document catalogue's /Lang (in an object stream, so read through pypdf)."""
    return str(PdfReader(io.BytesIO(pdf)).trailer["/Root"].get("/Lang"))


def swedish(user):
    UserProfile.objects.update_or_create(user=user, defaults={"language": "sv"})
    user.refresh_from_db()
    return user


# --- One way of writing months, dates, times and numbers ------------------------------------


@pytest.mark.parametrize("language,time,number,moment", [
    ("fi", "klo 6.45", f"1{NNBSP}234,5", "10.6.2022 klo 6.45"),
    ("sv", "kl. 6.45", f"1{NNBSP}234,5", "10.6.2022 kl. 6.45"),
])
def test_months_dates_times_and_numbers_are_written_one_way(language, time, number, moment):
    with translation.override(language):
        assert formatting.format_month(dt.date(2022, 5, 1)) == "5/2022"
        assert formatting.format_date(dt.date(2022, 6, 10)) == "10.6.2022"
        assert formatting.format_time(dt.time(6, 45)) == time
        assert formatting.format_number(Decimal("1234.50")) == number
        assert formatting.format_number(Decimal("1E+2")) == "100"
        assert formatting.format_number(Decimal("-0.25")) == "-0,25"
        # 3.45 UTC is 6.45 in Helsinki in June (summer time)
        assert formatting.format_datetime(dt.datetime(2022, 6, 10, 3, 45, tzinfo=dt.UTC)) == moment


def test_templates_write_the_same_forms():
    template = Template("{% load formatting %}{{ m|month }} {{ d|day }} {{ t|moment }} "
                        "{{ n|number }} {{ d|date }} {{ t|date:'SHORT_DATETIME_FORMAT' }}")
    context = Context({"m": dt.date(2022, 5, 1), "d": dt.date(2022, 6, 10),
                       "t": dt.datetime(2022, 6, 10, 3, 45, tzinfo=dt.UTC),
                       "n": Decimal("1234567.5")})
    with translation.override("fi"):
        assert template.render(context) == (
            f"5/2022 10.6.2022 10.6.2022 klo 6.45 1{NNBSP}234{NNBSP}567,5 10.6.2022 "
            "10.6.2022 klo 6.45")


@pytest.mark.parametrize("language,said", [("fi", "Voit tilata seuraavan klo 6.45."),
                                           ("sv", "Du kan beställa nästa kl. 6.45.")])
def test_a_message_says_the_time_once_as_klo(language, said):
    with translation.override(language):
        message = str(documents.DocumentLimitReached(
            limit=3, retry_at=dt.datetime(2022, 6, 10, 3, 45, tzinfo=dt.UTC)))
    assert message.endswith(said)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_dashboards_figures_use_the_same_separators(language):
    template = Template("{% load dashboards %}{{ money|eur }} {{ value|num }} {{ share|pct:1 }}")
    with translation.override(language):
        said = template.render(Context({"money": 3300000, "value": Decimal("1234.5"),
                                        "share": 42.25}))
    assert said == f"3{NNBSP}300{NNBSP}000\u00a0€ 1{NNBSP}234,5 42,2\u00a0%"


def test_pages_write_months_as_5_2022_and_times_as_klo(client, cast):
    factories.MonthlyReportFactory(subproject=cast.subproject, period=cast.month,
                                   state="submitted",
                                   submitted_at=dt.datetime(2022, 6, 3, 3, 5, tzinfo=dt.UTC))
    client.force_login(cast.manager)
    page = client.get(reverse("reports:review", args=[cast.project.pk])).content.decode()
    # 05/2022 nowhere as a month (a URL's "…/305/2022-05/" is no month).
    assert "– 5/2022</h1>" in page and not re.search(r"(?<![\w/])05/2022", page)
    assert "3.6.2022 klo 6.05" in page and "06:05" not in page


# --- The language menu remembers ------------------------------------------------------------


def test_the_language_menu_remembers_the_choice_and_the_login_applies_it(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert response.status_code == 302
    assert UserProfile.objects.get(user=cast.coordinator).language == "sv"
    assert "Mina rapporter" in client.get(reverse("reports:mine")).content.decode()

    fresh = type(client)()  # another browser: no language cookie, Finnish by default
    assert fresh.post(reverse("login"), {"username": "koordinaattori", "password": PASSWORD}
                      ).status_code == 302
    page = fresh.get(reverse("reports:mine"))
    assert page["Content-Language"] == "sv"
    assert "Mina rapporter" in page.content.decode()


def test_a_language_the_portal_does_not_offer_is_not_remembered(client, cast):
    client.force_login(cast.coordinator)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert not UserProfile.objects.filter(user=cast.coordinator).exists()
    assert 'lang="fi"' in client.get(reverse("reports:mine")).content.decode()


def test_an_anonymous_choice_still_works_without_a_profile(client):
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert not UserProfile.objects.exists()
    assert 'lang="sv"' in client.get(reverse("login")).content.decode()


# --- E-mails in the recipient's language ----------------------------------------------------


def test_a_swedish_speaking_coordinator_is_reminded_in_swedish(cast):
    cast.coordinator.email, cast.manager.email = "samordnare@example.test", "chef@example.test"
    cast.coordinator.save()
    cast.manager.save()
    swedish(cast.coordinator)
    periods.send_reminders(today=dt.date(2022, 6, 8))
    (to_coordinator,) = [m for m in mail.outbox if m.to == ["samordnare@example.test"]]
    assert to_coordinator.subject == "Påminnelse: månadsrapport 5/2022"
    body = to_coordinator.body
    assert body.startswith("Hej Koordinaattori,")
    assert "ska lämnas senast 10.6.2022" in body and "1.1 Digitiimi" in body
    assert f"http://localhost:8000{reverse('reports:mine')}" in body
    assert to_coordinator.extra_headers["Content-Language"] == "sv"
    (digest,) = [m for m in mail.outbox if m.to == ["chef@example.test"]]  # Finnish manager
    assert digest.body.startswith("Hei Paallikko,") and "5/2022" in digest.body
    assert "05/2022" not in digest.body and "10.06.2022" not in digest.body
    assert "?month=2022-05" in digest.body


def test_the_steering_group_is_told_one_by_one_in_each_ones_language(cast):
    second = factories.UserFactory(username="styr", first_name="Styr",
                                   email="styr@example.test")
    factories.MembershipFactory(project=cast.project, role="steering",
                                person=factories.PersonFactory(user=second))
    swedish(second)
    cast.steering.email = "ohjaaja@example.test"
    cast.steering.save()
    document = factories.GeneratedDocumentFactory(project=cast.project, month=cast.month,
                                                  requested_by=cast.manager)
    document_rendering.document_render(document_id=document.pk)
    ready = {m.to[0]: m for m in mail.outbox}
    assert ready["styr@example.test"].subject == "HANKE-A: lägesrapporten 5/2022 är klar"
    assert ready["ohjaaja@example.test"].subject == "HANKE-A: tilannekuva 5/2022 on valmis"
    ids = {m.extra_headers["Message-ID"] for m in ready.values()}
    assert len(ids) == 2  # a Message-ID per recipient
    assert f"document-{document.pk}-ready-{second.pk}@" in ready["styr@example.test"].extra_headers[
        "Message-ID"]


# --- PDFs in the requester's choice ---------------------------------------------------------


def test_a_swedish_monthly_pdf_is_marked_swedish_and_has_swedish_headings(cast):
    factories.MonthlyReportFactory(subproject=cast.subproject, period=cast.month,
                                   state="approved", light="yellow",
                                   situation="Handboken är klar.")
    rollup_compute(project=cast.project, month=cast.month)
    with translation.override("sv"):
        pdf = monthly.render(monthly.collect(project=cast.project, month=cast.month))
    assert pdf_language(pdf) == "sv"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for heading in ["Lägesrapport 5/2022", "Delområde", "Statusljus", "Mål",
                    "Läge / viktigaste resultat", "Framsteg / kommande åtgärder", "gul",
                    "Grå text = börjar senare", "huvudman", "sida 1 / "]:
        assert heading in text, heading
    assert "Tilannekuva" not in text and "Osa-alue" not in text and "sivu" not in text


def test_the_document_request_form_stores_the_language_and_the_worker_writes_in_it(client, cast):
    swedish(cast.manager)
    client.force_login(cast.manager)
    url = reverse("reports:documents", args=[cast.project.pk])
    page = client.get(url).content.decode()
    assert re.search(r'value="sv"[^>]*checked', page)  # a Swedish reader's default
    client.post(url, {"kind": "monthly", "month": "5/2022", "language": "fi"})
    client.post(url, {"kind": "monthly", "month": "5/2022", "language": "sv"})
    finnish, swedish_doc = GeneratedDocument.objects.order_by("pk")
    assert (finnish.language, swedish_doc.language) == ("fi", "sv")
    assert swedish_doc.filename.endswith("-sv.pdf")
    for document, lang in ((finnish, "fi"), (swedish_doc, "sv")):
        document = document_rendering.document_render(document_id=document.pk)
        assert pdf_language(document.file.read()) == lang


def test_a_tampered_document_language_on_the_form_is_refused(client, cast):
    client.force_login(cast.manager)
    url = reverse("reports:documents", args=[cast.project.pk])
    response = client.post(url, {"kind": "monthly", "month": "5/2022", "language": "de"})
    assert response.status_code == 422
    assert "Valitse oikea vaihtoehto" in response.content.decode()
    assert not GeneratedDocument.objects.exists()
    page = client.get(url).content.decode()
    assert "<legend>Asiakirjan kieli</legend>" in page.replace("\n", "")


def test_a_tampered_document_language_is_refused(cast):
    with pytest.raises(documents.ValidationError):
        documents.document_request(project=cast.project, kind="monthly", user=cast.manager,
                                   month=cast.month, language="de")
    assert not GeneratedDocument.objects.exists()


# --- Excel: Swedish names read, answers in Swedish ------------------------------------------


def test_excel_reads_swedish_names_and_answers_in_swedish(client, cast):
    factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="1.1.9",
                            name="Fas", kind=Metric.Kind.PHASE)
    swedish(cast.coordinator)
    swedish(cast.manager)
    client.force_login(cast.manager)
    month = f"{cast.month:%Y-%m}"
    response = client.get(reverse("reports:excel_template", args=[cast.project.pk, month]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    reports, values = workbook["Raportit"], workbook["Mittarit"]
    assert any("grön" in str(v.formula1) for v in reports.data_validations.dataValidation)
    url = reverse("reports:excel_upload", args=[cast.project.pk, month])
    client.force_login(cast.coordinator)

    def send(light):
        reports["D2"], values["G2"] = light, "planering"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return client.post(url, {"file": SimpleUploadedFile(
            "r.xlsx", buffer.getvalue(), content_type=excel.CONTENT_TYPE)})

    refused = send("lila").content.decode()
    assert "Välj ett statusljus: grön, gul, röd, grå, blå." in refused
    assert send("röd").status_code == 302
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    assert report.light == "red"
    assert MetricValue.objects.get(metric__code="1.1.9").value == 1
    assert "Filen importerades" in client.get(reverse("reports:excel_upload", args=[
        cast.project.pk, month])).content.decode()


@pytest.mark.parametrize("word,light", [("vihreä", "green"), ("vihrea", "green"),
                                        ("GRÖN", "green"), ("grå", "grey"), ("gra", "grey"),
                                        ("gro\u0308n", "green"), (" röd ", "red"),
                                        ("green", "green"), ("lila", None)])
def test_light_keywords_in_both_languages(word, light):
    assert formatting.light_from_keyword(word) == light


@pytest.mark.parametrize("word,phase", [("suunnittelu", 1), ("testning", 2),
                                        ("käyttöönotto", 3), ("kayttoonotto", 3),
                                        ("ibruktagande", 3), ("etablerad", 4), ("x", None)])
def test_phase_keywords_in_both_languages(word, phase):
    assert formatting.phase_from_keyword(word) == phase


# --- The audit trail in the reader's language -----------------------------------------------


def test_the_audit_trail_names_actions_and_fields_in_swedish(client, cast):
    cast.subproject.name = "Digitiimi 2"
    cast.subproject.save()
    swedish(cast.manager)
    client.force_login(cast.manager)
    page = client.get(reverse("project-audit", args=[cast.project.pk])).content.decode()
    assert "<td>ändrad</td>" in page and "<td>update</td>" not in page
    assert "<strong>Namn</strong>: Digitiimi → Digitiimi 2" in page


def test_a_documents_data_and_checksum_are_the_same_in_every_language(cast):
    factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="1.1.1",
                            name="Asiakkaat")
    factories.MonthlyReportFactory(subproject=cast.subproject, period=cast.month,
                                   state="approved", light="green")
    collected = {}
    for language in ("fi", "sv"):
        with translation.override(language):
            collected[language] = monthly.collect(project=cast.project, month=cast.month)
    assert collected["fi"] == collected["sv"]
    assert document_rendering.data_checksum(collected["fi"]) == (
        document_rendering.data_checksum(collected["sv"]))


def test_the_summary_draft_is_written_in_finnish_whoever_recomputes_it(cast):
    factories.MonthlyReportFactory(subproject=cast.subproject, period=cast.month,
                                   state="approved", light="yellow", situation="Etenee.")
    with translation.override("sv"):
        draft = rollup_compute(project=cast.project, month=cast.month).narrative_draft
    assert "keltainen" in draft and "gul" not in draft
    assert rollup_compute(project=cast.project, month=cast.month).narrative_draft == draft
