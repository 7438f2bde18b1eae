"""The month first and keyboard focus kept, in a real browser, found by accessible names only
(issue 13, parts 1 and 2): the coordinator lands on the month due next, switches months, saves
with an error and finds focus on the error summary, follows its link to the field, and after
a successful save finds focus on the status message; the manager's empty return comment is
said by the portal, not by a browser bubble. axe checks every page visited."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from reports.models import MonthlyReport
from tests import factories
from tests.browser import assert_accessible, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.get_by_role("heading", level=1).wait_for()


def alert_headed(page, heading: str):
    return page.get_by_role("alert").filter(has=page.get_by_role("heading", name=heading))


def in_view(page, locator) -> bool:
    box, height = locator.bounding_box(), page.viewport_size["height"]
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height


def test_the_coordinator_lands_on_the_due_month_and_keeps_focus(live_server, page, cast):
    # May is open and due first (10.6.), June open too (due 10.7.)
    factories.ReportingPeriodFactory(project=cast.project, month=dt.date(2022, 6, 1),
                                     deadline=dt.date(2022, 7, 10))
    sign_in(page, live_server, "koordinaattori")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Omat raportit – 5/2022")  # the month due next
    screenshot(page, "my-reports-month")
    assert_accessible(page)

    # the month switcher: the next month by its link, back by typing the month
    page.get_by_role("link", name="Seuraava kuukausi: 6/2022").click()
    expect(heading).to_have_text("Omat raportit – 6/2022")
    assert_accessible(page)
    month = page.get_by_role("combobox", name="Kuukausi")  # a text field with its months
    month.fill("05/2022")
    page.get_by_role("button", name="Näytä").click()
    expect(heading).to_have_text("Omat raportit – 5/2022")
    assert_accessible(page)
    month.fill("toukokuu")  # not a month: said on the page, focus on the summary
    page.get_by_role("button", name="Näytä").click()
    summary = alert_headed(page, "Kuukautta ei tunnistettu")
    expect(summary).to_be_focused()
    summary.get_by_role("link").click()
    expect(month).to_be_focused()
    expect(month).to_have_value("toukokuu")
    assert_accessible(page)

    # the month's report: a save with an error puts focus on the error summary
    page.get_by_role("region", name="Kuukauden 5/2022 raportit").get_by_role(
        "link", name="1.1 Digitiimi", exact=True).click()
    expect(heading).to_have_text("1.1 Digitiimi – 5/2022")
    assert_accessible(page)
    page.get_by_label("Tilanne / keskeiset aikaansaannokset").fill("Koulutus pidetty.")
    progress = page.get_by_label("Edistyminen (%)")
    progress.fill("puolet")
    page.get_by_role("button", name="Tallenna luonnos").click()
    summary = alert_headed(page, "Raportissa on korjattavaa")
    expect(summary).to_be_focused()
    screenshot(page, "focus-error-summary")
    assert_accessible(page)
    expect(page.get_by_label("Tilanne / keskeiset aikaansaannokset")).to_have_value("Koulutus pidetty.")
    expect(progress).to_have_value("puolet")  # what was typed is kept

    # its link moves focus to the field and shows it
    page.mouse.wheel(0, 2000)
    summary.get_by_role("link", name=re.compile("^Edistyminen")).click()
    expect(progress).to_be_focused()
    assert in_view(page, progress)

    # fixed and saved: focus on the status message
    progress.fill("40")
    page.get_by_role("button", name="Tallenna luonnos").click()
    status = page.get_by_role("status").filter(has_text="Luonnos tallennettiin.")
    expect(status).to_be_focused()
    screenshot(page, "focus-status-message")
    assert_accessible(page)
    report = MonthlyReport.objects.get(subproject=cast.subproject)
    assert (report.progress, report.situation) == (40, "Koulutus pidetty.")

    # the neighbouring month of the same subproject, by its link
    page.get_by_role("link", name="Seuraava kuukausi: 6/2022").click()
    expect(heading).to_have_text("1.1 Digitiimi – 6/2022")
    assert_accessible(page)


def test_the_managers_messages_take_focus_and_empty_comments_are_the_portals(live_server, page, cast):
    """Return, bulk approval and reopening: each refusal of an empty comment is the portal's
    error summary with focus on it, each done action the status message with focus on it."""
    for sub, day in ((cast.subproject, 5), (cast.sibling, 6)):
        factories.MonthlyReportFactory(subproject=sub, state="submitted", light="yellow",
                                       situation="Tilanne", next_steps="Jatko",
                                       submitted_at=dt.datetime(2022, 6, day, 9, tzinfo=dt.UTC))
    sign_in(page, live_server, "paallikko")
    page.get_by_role("link", name="Hankkeen HANKE-A raporttien tarkastus ja kattavuus").click()
    assert_accessible(page)
    queue = page.get_by_role("region", name="Odottaa tarkastusta")
    for box in queue.get_by_role("checkbox").all():
        expect(box).not_to_be_checked()  # nothing chosen for the manager
    queue.get_by_role("link", name="Avaa raportti 1.1").click()
    expect(page.get_by_text("lähetetty", exact=True)).to_be_visible()  # the state in words
    assert_accessible(page)

    page.get_by_role("button", name="Palauta koordinaattorille").click()  # nothing written
    summary = page.get_by_role("alert").filter(has_text="Kerro koordinaattorille, mitä pitää korjata.")
    expect(summary).to_be_focused()
    assert_accessible(page)
    comment = page.get_by_label("Kommentti koordinaattorille")
    summary.get_by_role("link").click()
    expect(comment).to_be_focused()
    comment.fill("Lisää koulutettujen määrä.")
    page.get_by_role("button", name="Palauta koordinaattorille").click()
    status = page.get_by_role("status").filter(has_text="Raportti palautettiin koordinaattorille.")
    expect(status).to_be_focused()
    assert_accessible(page)

    # the other report approved from the queue, asked first
    page.get_by_role("link", name="Hankkeen HANKE-A raporttien tarkastus ja kattavuus").click()
    queue.get_by_role("checkbox", name="1.2 Kliininen farmasia").check()
    queue.get_by_role("button", name="Hyväksy valitut raportit").click()
    expect(page.get_by_role("heading", name="Hyväksytäänkö 1 raportti?")).to_be_focused()
    assert_accessible(page)
    page.get_by_role("button", name="Hyväksy 1 raportti").click()
    expect(page.get_by_role("status").filter(has_text="1 raportti hyväksyttiin.")).to_be_focused()
    assert_accessible(page)

    # reopened: an empty reason refused by the portal, then the reason given
    page.get_by_role("region", name="Kattavuus").get_by_role(
        "link", name="1.2 Kliininen farmasia").click()
    page.get_by_role("button", name="Avaa uudelleen").click()
    summary = page.get_by_role("alert").filter(has_text="Kerro, miksi raportti avataan uudelleen.")
    expect(summary).to_be_focused()
    assert_accessible(page)
    summary.get_by_role("link").click()
    reason = page.get_by_label("Uudelleenavaamisen syy")
    expect(reason).to_be_focused()
    reason.fill("Luku korjataan.")
    page.get_by_role("button", name="Avaa uudelleen").click()
    status = page.get_by_role("status").filter(has_text="Raportti avattiin uudelleen korjattavaksi.")
    expect(status).to_be_focused()
    assert_accessible(page)
    assert MonthlyReport.objects.get(subproject=cast.sibling).state == "returned"
