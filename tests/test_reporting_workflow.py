"""The coordinator's month: save, submit, return, fix, approve, reopen — through the pages."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import MonthlyReport, ReportEvent
from tests import factories

pytestmark = pytest.mark.django_db

FILLED = {
    "light": "green", "progress": "40", "situation": "Pilotti käynnistyi Sosterissa.",
    "next_steps": "Laajennetaan Pieksämäelle.", "problems": "", "help_needed": "",
    "light_reason": "",
}


def edit_url(cast, sub=None):
    sub = sub or cast.subproject
    return reverse("reports:edit", args=[sub.pk, f"{cast.month:%Y-%m}"])


def post(client, cast, action="save", **fields):
    report = MonthlyReport.objects.filter(subproject=cast.subproject, period=cast.month).first()
    data = {**FILLED, **fields, "action": action}
    if report and "version" not in fields:
        data["version"] = report.version
    return client.post(edit_url(cast), data)


def approved_report(client, cast) -> MonthlyReport:
    """The coordinator submits the month's report and the manager approves it, in the pages
    (the manager stays signed in)."""
    client.force_login(cast.coordinator)
    post(client, cast, action="submit")
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    client.force_login(cast.manager)
    client.post(reverse("reports:approve", args=[report.pk]), factories.approve_form(report))
    return report


def test_coordinator_sees_the_months_report_in_my_reports(client, cast):
    client.force_login(cast.coordinator)
    page = client.get(reverse("reports:mine")).content.decode()
    assert "Digitiimi" in page and "5/2022" in page
    assert "Kliininen farmasia" not in page  # not theirs
    assert "myöhässä" in page  # the 10.6.2022 deadline has passed


def test_draft_saves_without_the_checks_meant_for_submit(client, cast):
    client.force_login(cast.coordinator)
    response = post(client, cast, light="", situation="Puolivalmis teksti", next_steps="")
    assert response.status_code == 302
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    assert report.state == "draft" and report.situation == "Puolivalmis teksti"


def test_submit_requires_light_and_texts_and_keeps_the_draft(client, cast):
    client.force_login(cast.coordinator)
    response = post(client, cast, action="submit", light="", next_steps="")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Valitse tilannevalo." in page
    assert "Pilotti käynnistyi Sosterissa." in page  # what the user typed is still there
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    assert report.state == "draft" and report.situation == "Pilotti käynnistyi Sosterissa."


def test_full_cycle_submit_return_fix_approve(client, cast):
    client.force_login(cast.coordinator)
    assert post(client, cast, action="submit").status_code == 302
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    assert report.state == "submitted"

    client.force_login(cast.manager)
    queue = client.get(reverse("reports:review", args=[cast.project.pk])).content.decode()
    assert "Digitiimi" in queue
    client.post(reverse("reports:return", args=[report.pk]), {"comment": "Lisää luvut."})
    report.refresh_from_db()
    assert report.state == "returned"

    client.force_login(cast.coordinator)
    page = client.get(edit_url(cast)).content.decode()
    assert "Lisää luvut." in page
    assert post(client, cast, action="submit", situation="Pilotissa 12 asiakasta.").status_code == 302

    client.force_login(cast.manager)
    client.post(reverse("reports:approve", args=[report.pk]), factories.approve_form(report))
    report.refresh_from_db()
    assert report.state == "approved" and report.approved_by == cast.manager
    actions = list(report.events.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["created", "saved", "submitted", "returned", "saved", "submitted",
                       "approved"]
    page = client.get(edit_url(cast)).content.decode()
    assert "Lukittu" in page


def test_coordinator_cannot_approve(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast, action="submit")
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    response = client.post(reverse("reports:approve", args=[report.pk]),
                           factories.approve_form(report))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.state == "submitted"


def test_nobody_edits_a_locked_report(client, cast):
    report = approved_report(client, cast)
    client.force_login(cast.coordinator)
    response = post(client, cast, situation="Muutettu jälkikäteen")
    assert response.status_code == 409
    assert "hyväksytty ja lukittu" in response.content.decode()
    report.refresh_from_db()
    assert report.situation == FILLED["situation"]
    client.force_login(cast.manager)
    assert client.post(edit_url(cast), {**FILLED, "action": "save"}).status_code == 403


def test_manager_reopens_with_a_reason_and_it_is_recorded(client, cast):
    report = approved_report(client, cast)
    client.post(reverse("reports:reopen", args=[report.pk]), {"reason": ""})
    report.refresh_from_db()
    assert report.state == "approved"  # no reason, no reopening
    client.post(reverse("reports:reopen", args=[report.pk]), {"reason": "Luku korjattava."})
    report.refresh_from_db()
    assert report.state == "returned"
    event = report.events.get(action=ReportEvent.Action.REOPENED)
    assert event.user == cast.manager and event.comment == "Luku korjattava."


def test_manager_approves_several_at_once(client, cast):
    cast.sibling.responsible_people.add(cast.coordinator.person)
    client.force_login(cast.coordinator)
    post(client, cast, action="submit")
    client.post(edit_url(cast, cast.sibling), {**FILLED, "action": "submit"})
    ids = [f"{pk}:{version}"
           for pk, version in MonthlyReport.objects.values_list("pk", "version")]
    assert MonthlyReport.objects.filter(state="submitted").count() == 2
    client.force_login(cast.manager)
    queue = client.get(reverse("reports:review", args=[cast.project.pk]) + "?month=2022-05")
    assert ">Avaa raportti 1.1</a>" in queue.content.decode()  # the link says what it opens
    review = reverse("reports:review", args=[cast.project.pk])
    asked = client.post(review, {"report": ids}).content.decode()
    assert "Hyväksytäänkö 2 raporttia?" in asked and "Digitiimi" in asked  # nothing yet
    assert not MonthlyReport.objects.filter(state="approved").exists()
    response = client.post(review, {"report": ids, "confirm": "1"}, follow=True)
    assert "2 raporttia hyväksyttiin." in response.content.decode()
    assert MonthlyReport.objects.filter(state="approved").count() == 2


def test_conflict_keeps_the_second_users_text_and_shows_what_changed(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast)
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    stale_version = report.version
    # a colleague responsible for the same subproject saves first
    colleague = cast.steering
    cast.subproject.responsible_people.add(colleague.person)
    client.force_login(colleague)
    post(client, cast, situation="Kollegan teksti", version=stale_version)
    client.force_login(cast.coordinator)
    response = post(client, cast, situation="Oma tekstini", version=stale_version)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Oma tekstini" in page and "Kollegan teksti" in page
    report.refresh_from_db()
    assert report.situation == "Kollegan teksti"


def test_history_shows_who_changed_what(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast)
    post(client, cast, situation="Toinen versio")
    page = client.get(edit_url(cast)).content.decode()
    assert 'id="history-title"' in page  # the history section
    assert "Pilotti käynnistyi Sosterissa. → Toinen versio" in page


def test_copy_last_months_texts(client, cast):
    import datetime as dt

    factories.ReportingPeriodFactory(project=cast.project, month=dt.date(2022, 6, 1))
    client.force_login(cast.coordinator)
    post(client, cast, action="submit")
    url = reverse("reports:edit", args=[cast.subproject.pk, "2022-06"])
    client.post(url, {**FILLED, "situation": "", "next_steps": "", "action": "copy"})
    june = MonthlyReport.objects.get(subproject=cast.subproject, period=dt.date(2022, 6, 1))
    assert june.situation == FILLED["situation"] and june.state == "draft"


def test_future_month_is_refused(client, cast):
    client.force_login(cast.coordinator)
    url = reverse("reports:edit", args=[cast.subproject.pk, "2099-01"])
    response = client.post(url, {**FILLED, "action": "save"})
    assert response.status_code == 422
    assert "on tulevaisuudessa" in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_completeness_shows_who_is_late(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast, action="submit")
    client.force_login(cast.manager)
    page = client.get(reverse("reports:review", args=[cast.project.pk]) + "?month=2022-05")
    text = page.content.decode()
    assert "1/2" in text  # one of two subprojects has submitted
    assert "Kliininen farmasia" in text and "myöhässä" in text


def test_history_and_conflict_name_fields_as_the_reader_reads_them(client, cast):
    """No model field name of the report in its history or conflict panel (issue 13)."""
    from reports.services import EDITABLE_FIELDS

    client.force_login(cast.coordinator)
    post(client, cast, action="save", progress="40")
    response = client.post(edit_url(cast), {**FILLED, "version": "1", "action": "save",
                                            "situation": "Toinen versio"})
    assert response.status_code == 409
    conflict = response.content.decode()
    page = client.get(edit_url(cast)).content.decode()
    history = page[page.index('id="history-title"'):]
    for name in EDITABLE_FIELDS:
        assert f"<strong>{name}</strong>" not in history
        assert f'<th scope="row">{name}</th>' not in conflict
    assert "<strong>Tilannevalo</strong>: – → " in history
    assert "<strong>Edistyminen (%)</strong>: – → 40 %" in history


@pytest.mark.parametrize("typed", ["4/2022", "04/2022", "2022-04"])
def test_the_review_page_switches_month_as_people_type_it(client, cast, typed):
    client.force_login(cast.manager)
    review = reverse("reports:review", args=[cast.project.pk])
    html = client.get(review, {"month": typed}).content.decode()
    assert "– 4/2022</h1>" in html
    assert 'href="?month=2022-03"' in html and 'href="?month=2022-05"' in html
    assert html.index('id="queue-title"') < html.index('id="completeness-title"')


def test_a_month_that_is_not_one_is_said_and_the_current_month_shown(client, cast):
    client.force_login(cast.manager)
    response = client.get(reverse("reports:review", args=[cast.project.pk]), {"month": "13/2022"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anna kuukausi muodossa kuukausi/vuosi" in html and 'href="#month-field"' in html
    assert 'value="13/2022"' in html and 'aria-invalid="true"' in html  # as typed, marked
    assert "Näytetään 5/2022." in html  # the open period's month, said to be shown instead


def test_the_review_page_says_when_nothing_is_reported_for_a_month(client, cast):
    client.force_login(cast.manager)
    html = client.get(reverse("reports:review", args=[cast.project.pk]),
                      {"month": "12/2100"}).content.decode()
    assert "tulevaisuudessa" in html
    assert 'href="?month=2101-01"' not in html  # no link past the last month the portal takes


def test_my_reports_lists_the_open_month_first_then_the_late_ones(client, cast):
    """Every open period's report, and the closed months still not reported, newest first;
    a month reported in time is not listed once its period is closed (issue 13)."""
    closed = timezone.now()
    for month, deadline in ((dt.date(2022, 4, 1), dt.date(2022, 5, 10)),
                            (dt.date(2022, 3, 1), dt.date(2022, 4, 10)),
                            (dt.date(2022, 2, 1), dt.date(2022, 3, 10))):
        factories.ReportingPeriodFactory(project=cast.project, month=month, deadline=deadline,
                                         closed_at=closed)
    factories.MonthlyReportFactory(subproject=cast.subproject, period=dt.date(2022, 3, 1),
                                   state="approved", light="green")
    client.force_login(cast.coordinator)
    page = client.get(reverse("reports:mine")).content.decode()
    assert "<h1>Omat raportit – 5/2022</h1>" in page  # the open month, on top
    months = re.findall(r"<td[^>]*>(\d\d?/2022)</td>", page)  # the other months' table
    assert months == ["4/2022", "2/2022"]


@pytest.mark.parametrize("language,one,three", [
    ("fi", "1 raportti hyväksyttiin.", "3 raporttia hyväksyttiin."),
    ("sv", "1 rapport godkändes.", "3 rapporter godkändes."),
])
def test_the_bulk_approval_message_has_its_plural(language, one, three):
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override(language):
        said = [ngettext("%(count)d report was approved.", "%(count)d reports were approved.",
                         n) % {"count": n} for n in (1, 3)]
    assert said == [one, three]
