"""The month a coordinator or a manager works on, and the messages that say what happened
(issue 13, parts 1 and 2): My reports opens on the open month due next and switches months
as people type them; the report page links its neighbouring months; a refusal is said by the
portal at the field, linked from an error summary, with what was typed kept."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reports.models import MonthlyReport
from tests import factories

pytestmark = pytest.mark.django_db

MAY, JUNE, APRIL = dt.date(2022, 5, 1), dt.date(2022, 6, 1), dt.date(2022, 4, 1)


def section(html: str, title_id: str) -> str:
    """The text of the page's <section aria-labelledby=title_id>."""
    start = html.index(f'<section aria-labelledby="{title_id}"')
    return html[start:html.index("</section>", start)]


@pytest.fixture
def months(cast):
    """Besides May (open, due 10.6.), June is open (due 10.7.) and April closed, unreported."""
    factories.ReportingPeriodFactory(project=cast.project, month=JUNE, deadline=dt.date(2022, 7, 10))
    factories.ReportingPeriodFactory(project=cast.project, month=APRIL,
                                     deadline=dt.date(2022, 5, 10), closed_at=timezone.now())
    return cast


def my_reports(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("reports:mine"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_my_reports_opens_on_the_open_month_due_next(client, months):
    html = my_reports(client, months.coordinator)
    assert "<h1>Omat raportit – 5/2022</h1>" in html
    month = section(html, "month-reports-title")
    may_report = reverse("reports:edit", args=[months.subproject.pk, "2022-05"])
    assert f'href="{may_report}"' in month and "Digitiimi" in month
    others = section(html, "other-reports-title")
    assert re.findall(r"<td[^>]*>(\d\d?/2022)</td>", others) == ["6/2022", "4/2022"]  # open, then late
    assert may_report not in others
    # the switcher: the months around, and the reporting months offered in the field
    assert 'href="?month=2022-04"' in html and 'href="?month=2022-06"' in html
    assert re.findall(r'<option value="([0-9/]+)">', html) == ["6/2022", "5/2022", "4/2022"]
    assert 'value="5/2022"' in html and 'list="month-choices"' in html


def test_my_reports_opens_on_the_next_month_still_to_send(client, months):
    """May sent already: June, the next month with something to do, comes first."""
    submitted(months)
    html = my_reports(client, months.coordinator)
    assert "<h1>Omat raportit – 6/2022</h1>" in html
    others = section(html, "other-reports-title")
    assert re.findall(r"<td[^>]*>(\d\d?/2022)</td>", others) == ["5/2022", "4/2022"]
    assert "lähetetty" in others


@pytest.mark.parametrize("typed", ["6/2022", "06/2022", "2022-06", " 6/2022 "])
def test_my_reports_switches_to_a_month_typed_as_people_type_it(client, months, typed):
    html = my_reports(client, months.coordinator, month=typed)
    assert "<h1>Omat raportit – 6/2022</h1>" in html
    june_report = reverse("reports:edit", args=[months.subproject.pk, "2022-06"])
    assert f'href="{june_report}"' in section(html, "month-reports-title")
    others = section(html, "other-reports-title")
    assert re.findall(r"<td[^>]*>(\d\d?/2022)</td>", others) == ["5/2022", "4/2022"]


def test_my_reports_keeps_a_month_it_does_not_recognise_and_says_so(client, months):
    html = my_reports(client, months.coordinator, month="13/2022")
    assert "<h1>Omat raportit – 5/2022</h1>" in html  # the month due next instead
    summary = html[html.index('id="error-summary"'):html.index("</div>", html.index('id="error-summary"'))]
    assert 'role="alert"' in html and "<h2" in summary
    assert '<a href="#month-field">Anna kuukausi muodossa kuukausi/vuosi, esim. 7/2022.</a>' in summary
    assert 'value="13/2022"' in html and 'aria-invalid="true"' in html  # as typed


def test_my_reports_of_a_month_none_of_the_subprojects_reports_for(client, months):
    months.subproject.start_month = dt.date(2022, 3, 1)
    months.subproject.save()
    html = my_reports(client, months.coordinator, month="1/2022")
    assert "Yksikään osahankkeistasi ei raportoi kuukaudelta 1/2022." in html


def test_my_reports_shows_only_the_users_own_subprojects_of_the_month(client, months):
    html = my_reports(client, months.other_coordinator, month="5/2022")
    month = section(html, "month-reports-title")
    assert "Vieras osahanke" in month and "Digitiimi" not in html


def test_the_report_page_links_the_neighbouring_months(client, months):
    client.force_login(months.coordinator)
    html = client.get(reverse("reports:edit", args=[months.subproject.pk, "2022-05"])).content.decode()
    for month in ("2022-04", "2022-06"):
        assert f'href="{reverse("reports:edit", args=[months.subproject.pk, month])}"' in html
    assert "Edellinen kuukausi" in html and "Seuraava kuukausi" in html
    client.force_login(months.manager)
    html = client.get(reverse("reports:project_report", args=[months.project.pk, "2022-05"])).content.decode()
    assert f'href="{reverse("reports:project_report", args=[months.project.pk, "2022-06"])}"' in html
    review = reverse("reports:review", args=[months.project.pk])
    assert f'href="{review}?month=2022-05">Hankkeen HANKE-A raporttien tarkastus' in html
    client.force_login(months.coordinator)  # the coordinator has no review to go back to
    html = client.get(reverse("reports:edit", args=[months.subproject.pk, "2022-05"])).content.decode()
    assert review not in html


def test_the_review_page_takes_typed_months_and_offers_the_reporting_months(client, months):
    client.force_login(months.manager)
    url = reverse("reports:review", args=[months.project.pk])
    for typed in ("4/2022", "04/2022", "2022-04"):
        html = client.get(url, {"month": typed}).content.decode()
        assert "– 4/2022</h1>" in html
    assert re.findall(r'<option value="([0-9/]+)">', html) == ["6/2022", "5/2022", "4/2022"]


def test_the_dashboards_take_a_typed_month_and_refuse_nonsense(client, cast):
    client.force_login(cast.manager)
    url = reverse("dashboards:project", args=[cast.project.pk])
    typed = client.get(url, {"month": "5/2022"})
    assert typed.status_code == 200 and typed.context["month"] == MAY
    assert client.get(url, {"month": "2022-13"}).status_code == 404


# --- Every comment field is named by its metric --------------------------------------------------


def test_every_comment_of_a_metric_table_is_named_by_its_metric_and_category(client, cast):
    ages = factories.DisaggregationFactory(name="Ikäryhmä")
    children = factories.DisaggregationCategoryFactory(disaggregation=ages, name="Lapset")
    elderly = factories.DisaggregationCategoryFactory(disaggregation=ages, name="Ikäihmiset")
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="K1.6",
                                     name="Etävastaanottojen osuus", disaggregation=ages)
    client.force_login(cast.coordinator)
    html = client.get(reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])).content.decode()
    for category in (children, elderly):
        field = f"id_comment_{metric.pk}_{category.pk}"
        assert (f'<label class="visually-hidden" for="{field}">Kommentti: K1.6 '
                f'Etävastaanottojen osuus – {category.name}</label>') in html
    assert re.findall(r">Kommentti</label>", html) == []


# --- The portal's messages, not the browser's ---------------------------------------------------


def submitted(cast) -> MonthlyReport:
    return factories.MonthlyReportFactory(subproject=cast.subproject, state="submitted",
                                          light="yellow", situation="Tilanne", next_steps="Jatko",
                                          submitted_at=timezone.now())


@pytest.mark.parametrize("language,message", [
    ("fi", "Kerro koordinaattorille, mitä pitää korjata."),
    ("sv", "Berätta för koordinatorn vad som ska rättas."),
    ("en", "Tell the coordinator what to fix."),
])
def test_an_empty_return_comment_is_said_by_the_portal_at_its_field(client, cast, language, message):
    report = submitted(cast)
    client.force_login(cast.manager)
    client.cookies["django_language"] = language
    response = client.post(reverse("reports:return", args=[report.pk]), {"comment": "  "})
    html = response.content.decode()
    assert response.status_code == 422
    with translation.override(language):
        label = str(translation.gettext("Comment to the coordinator"))
    assert f'<a href="#id_comment">{label}: {message}</a>' in html
    assert 'class="return-form" novalidate' in html
    report.refresh_from_db()
    assert report.state == "submitted"


@pytest.mark.parametrize("language,message", [
    ("fi", "Kerro, miksi raportti avataan uudelleen."),
    ("sv", "Ange varför rapporten öppnas på nytt."),
])
def test_an_empty_reopen_reason_is_said_by_the_portal_at_its_field(client, cast, language, message):
    report = factories.MonthlyReportFactory(subproject=cast.subproject, state="approved", light="green")
    client.force_login(cast.manager)
    client.cookies["django_language"] = language
    response = client.post(reverse("reports:reopen", args=[report.pk]), {"reason": ""})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'href="#id_reason">' in html and message in html
    assert 'id="error-summary" tabindex="-1" data-focus' in html
    reopen = reverse("reports:reopen", args=[report.pk])
    assert f'<form method="post" action="{reopen}" novalidate>' in html


def test_a_submitted_report_shows_its_state_and_light_in_words(client, cast):
    submitted(cast)
    client.force_login(cast.coordinator)
    html = client.get(reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])).content.decode()
    assert '<span class="state state-submitted">lähetetty</span>' in html
    meta = html[html.index('<dl class="report-meta">'):html.index("</dl>")]
    assert "Tilannevalo" in meta and "light-yellow" in meta and "keltainen" in meta


def test_the_queue_starts_with_nothing_chosen(client, cast):
    submitted(cast)
    client.force_login(cast.manager)
    url = reverse("reports:review", args=[cast.project.pk])
    html = client.get(url, {"month": "2022-05"}).content.decode()
    boxes = re.findall(r'<input type="checkbox"[^>]*>', html)
    assert boxes and not any("checked" in box for box in boxes)


# --- Nothing typed is lost ------------------------------------------------------------------------


def test_a_refused_save_shows_every_typed_value_again_linked_from_the_summary(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="K2.1",
                                     name="Asiakkaat")
    client.force_login(cast.coordinator)
    typed = {"light": "red", "progress": "sataprosenttia", "situation": "Koulutus <pidetty>",
             "next_steps": "Jatketaan\nsyksyllä", "problems": "", "help_needed": "Rahaa",
             "light_reason": "", f"metric_{metric.pk}": "12,5 kpl",
             f"comment_{metric.pk}": "Arvio", "action": "save"}
    response = client.post(reverse("reports:edit", args=[cast.subproject.pk, "2022-05"]), typed)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'value="sataprosenttia"' in html
    assert "Koulutus &lt;pidetty&gt;" in html and "Jatketaan\nsyksyllä" in html
    assert "\nRahaa</textarea>" in html
    assert 'value="12,5 kpl"' in html and "\nArvio</textarea>" in html
    assert re.search(r'<input type="radio" name="light" value="red"[^>]*checked', html)
    summary = html[html.index('id="error-summary"'):]
    assert '<a href="#id_progress">' in summary and f'<a href="#id_metric_{metric.pk}">' in summary
    assert not MonthlyReport.objects.exists()


def test_the_document_request_links_its_errors_to_the_fields(client, cast):
    client.force_login(cast.manager)
    response = client.post(reverse("reports:documents", args=[cast.project.pk]),
                           {"kind": "monthly", "month": "kesäkuu"})
    html = response.content.decode()
    assert 'id="error-summary" tabindex="-1" data-focus' in html
    assert '<a href="#id_month">' in html and 'value="kesäkuu"' in html


def test_the_dashboards_open_on_the_latest_month_with_approved_data(client, cast):
    """A later month only submitted or in draft does not move the default (what the steering
    group reads is approved)."""
    factories.MonthlyReportFactory(subproject=cast.subproject, period=dt.date(2022, 3, 1),
                                   state="approved", light="green")
    factories.MonthlyReportFactory(subproject=cast.sibling, period=dt.date(2022, 2, 1),
                                   state="approved", light="yellow")
    submitted(cast)  # May
    factories.MonthlyReportFactory(subproject=cast.sibling, period=JUNE, state="draft")
    client.force_login(cast.steering)
    for name, args in (("dashboards:project", [cast.project.pk]),
                       ("dashboards:subproject", [cast.subproject.pk])):
        response = client.get(reverse(name, args=args))
        assert response.context["month"] == dt.date(2022, 3, 1)
        assert 'value="2022-03"' in response.content.decode()


def test_a_refused_excel_upload_takes_focus_with_its_summary(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.manager)
    url = reverse("reports:excel_upload", args=[cast.project.pk, "2022-05"])
    html = client.post(url, {}).content.decode()  # no file chosen
    assert 'id="error-summary" tabindex="-1" data-focus' in html and '<a href="#id_file">' in html
    not_excel = SimpleUploadedFile("raportit.xlsx", b"ei taulukko", content_type="text/plain")
    response = client.post(url, {"file": not_excel})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="error-summary" tabindex="-1" data-focus' in html
    assert "<h2>Tiedostoa ei tuotu</h2>" in html


@pytest.mark.parametrize("language,heading,month_title,others", [
    ("sv", "Mina rapporter – 5/2022", "Rapporter för 5/2022", "Dina övriga öppna och försenade rapporter"),
    ("en", "My reports – 5/2022", "Reports of 5/2022", "Your other open and late reports"),
])
def test_my_reports_speaks_the_readers_language(client, months, language, heading, month_title, others):
    client.cookies["django_language"] = language
    html = my_reports(client, months.coordinator, month="13/2022")
    assert f"<h1>{heading}</h1>" in html
    assert month_title in html and others in html
    with translation.override(language):
        assert translation.gettext("Give the month as month/year, e.g. 7/2022.") in html
