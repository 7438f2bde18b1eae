"""The PDF documents read like the regions' own: headings, rows, page numbers, no fetching."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from reports import document_rendering
from reports.pdf import evaluation, final, monthly
from reports.pdf.render import SafeURLFetcher, render_pdf
from reports.rollups import rollup_compute
from tests import factories
from tests.support import pdf_text

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> tuple[str, int]:
    return pdf_text(pdf), len(PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_monthly_report_has_the_status_table_timeline_and_page_numbers(cast):
    cast.subproject.objective = "Tavoitteena on kasvattaa digitaalisten palveluiden käyttöä."
    cast.subproject.save()
    factories.ActivityFactory(subproject=cast.subproject, name="Pilotointi Sosterissa",
                              start_month=dt.date(2022, 6, 1), end_month=dt.date(2022, 12, 1))
    cast.sibling.starts_later = True
    cast.sibling.save()
    factories.MonthlyReportFactory(
        subproject=cast.subproject, period=cast.month, state="approved", light="yellow",
        situation="Digitiimin toimintamallin käsikirja on luotu.",
        next_steps="Etävastaanottoja lisätään.",
    )
    rollup_compute(project=cast.project, month=cast.month)
    data = monthly.collect(project=cast.project, month=cast.month)
    text, pages = text_of(monthly.render(data))
    flat_text = flat(text)
    for expected in ["Tilannekuva 5/2022", "Osa-alue", "Tilannevalo", "Tavoite",
                     "Tilanne / keskeiset aikaansaannokset", "Eteneminen / tulevat toimenpiteet",
                     "Digitiimi", "keltainen", "Digitiimin toimintamallin käsikirja on luotu.",
                     "Harmaa teksti = alkaa myöhemmin", "Aikataulu", "Pilotointi",
                     "sivu 1 / "]:
        assert expected in flat_text, expected
    assert 2 <= pages <= 10
    assert monthly.collect(project=cast.project, month=cast.month) == data  # stable checksum
    assert document_rendering.data_checksum(data) == document_rendering.data_checksum(
        monthly.collect(project=cast.project, month=cast.month))


def test_final_report_has_key_figures_and_the_five_sections(cast):
    phase = factories.PhaseFactory(project=cast.project, code="I", name="I-vaihe",
                                   start_date=dt.date(2020, 1, 1), end_date=dt.date(2022, 10, 31),
                                   state_grant=3300000, staff_count=24, project_count=10)
    wp = cast.subproject.work_package
    wp.objectives, wp.why = "Lisätä ohjauksen saatavuutta.", "Hoitoon pääsy viivästyy."
    wp.achieved, wp.next_steps = "Palveluohjauksen malli.", "Mallin laajentaminen."
    wp.lessons = "Narulla ei voi työntää."
    wp.save()
    org = factories.OrganisationFactory(name="Ylä-Savon sote")
    cast.project.co_implementers.add(org)
    cast.subproject.organisation = org
    cast.subproject.save()
    cast.subproject.responsible_people.add(factories.PersonFactory(name="Iiris Repo"))
    text, pages = text_of(final.render(final.collect(project=cast.project, phase=phase)))
    text = flat(text)
    for expected in ["LOPPURAPORTTI", "10", "PROJEKTIA", "24", "TYÖNTEKIJÄÄ", "OSATOTEUTTAJAA",
                     "3,3 milj. €", "Tavoitteet", "Miksi työtä tehdään?", "Mitä saatiin aikaan?",
                     "Mitä seuraavaksi?", "Oppeja tuleville kehittäjille", "Narulla ei voi työntää.",
                     "Työpakettien tekijät", "Ylä-Savon sote", "Iiris Repo"]:
        assert expected in text, expected
    assert 2 <= pages <= 10


def test_evaluation_report_has_rounds_narratives_and_summary(cast):
    benefit = factories.GoalFactory(project=cast.project, code="1", level="benefit",
                                    name="Palveluiden saatavuuden parantaminen")
    process = factories.GoalFactory(project=cast.project, code="1.1", parent=benefit,
                                    name="Asiointikanavien käyttöönotto")
    factories.MetricFactory(project=cast.project, code="1.1", goal=process, kind="yes_no",
                            name="Asiointikanavat käytössä aikataulun mukaisesti")
    for day, title, text in [(dt.date(2020, 11, 12), "Lähtötilanteen arvioinnin tulokset",
                              "Nykytilan kartoitus tehty."),
                             (dt.date(2021, 5, 15), "Tehdyt kehittämistoimenpiteet",
                              "Palvelualusta pilotoitu.")]:
        r = factories.EvaluationRoundFactory(project=cast.project, date=day, kind="interim",
                                             title=title, summary=f"Yhteenveto {day.year}.")
        factories.EvaluationNarrativeFactory(round=r, goal=process, text=text)
    text, pages = text_of(evaluation.render(evaluation.collect(project=cast.project)))
    text = flat(text)
    for expected in ["Arviointiraportti", "Palveluiden saatavuuden parantaminen",
                     "1.1 Asiointikanavien käyttöönotto", "12.11.2020", "15.5.2021",
                     "Nykytilan kartoitus tehty.", "Palvelualusta pilotoitu.",
                     "Seurannan ja arvioinnin tulokset", "Yhteenveto 2021."]:
        assert expected in text, expected
    assert pages >= 2


def test_renderer_fetches_no_file_or_external_url(cast):
    fetcher = SafeURLFetcher()
    factories.MonthlyReportFactory(
        subproject=cast.subproject, period=cast.month, state="approved", light="green",
        situation='<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://evil.test/x.css">',
    )
    html_context = {"project": {"name": "Testi"}, "body": ""}
    pdf = render_pdf("reports/pdf/base.html", html_context, fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    # Report texts are escaped; a template that did include them raw still fetches nothing:
    from weasyprint import HTML

    HTML(string='<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">',
         url_fetcher=fetcher).write_pdf()
    assert fetcher.refused == ["file:///etc/passwd", "http://127.0.0.1:9/x.png"]
    text, _ = text_of(monthly.render(monthly.collect(project=cast.project, month=cast.month)))
    assert "file:///etc/passwd" in text  # shown as text, not fetched
