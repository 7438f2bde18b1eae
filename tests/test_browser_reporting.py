"""The monthly cycle in a real browser: fill, submit, return, fix, approve, completeness."""

import re

import pytest

from reports.models import MonthlyReport
from tests.browser import assert_accessible, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_monthly_cycle_in_the_browser(live_server, page, cast):
    # The coordinator fills in and submits the month's report.
    log_in(page, live_server, "koordinaattori", PASSWORD)
    page.get_by_role("link", name=re.compile("Digitiimi")).click()
    page.wait_for_url(re.compile(r"/reports/subprojects/"))
    assert_accessible(page)
    page.get_by_label("Tilanne / keskeiset aikaansaannokset").fill("Digihoitajien koulutus pidetty.")
    page.get_by_role("button", name="Lähetä tarkastettavaksi").click()
    page.get_by_text("Valitse tilannevalo.").wait_for()  # the light is required on submit
    screenshot(page, "report-form-errors")
    assert page.get_by_label("Tilanne / keskeiset aikaansaannokset").input_value() == (
        "Digihoitajien koulutus pidetty."
    )
    assert_accessible(page)
    page.get_by_label(re.compile("vihreä")).check()
    page.get_by_label("Eteneminen / tulevat toimenpiteet").fill("Chat laajenee syksyllä.")
    page.get_by_role("button", name="Lähetä tarkastettavaksi").click()
    page.get_by_text("Raportti lähetettiin tarkastettavaksi.").wait_for()
    screenshot(page, "report-submitted")

    # The manager returns it with a comment.
    page.get_by_role("button", name="Kirjaudu ulos").click()
    log_in(page, live_server, "paallikko", PASSWORD)
    page.goto(f"{live_server.url}/reports/projects/{cast.project.pk}/review/?month=2022-05")
    assert_accessible(page)
    page.get_by_role("link", name="avaa").first.click()
    page.get_by_label("Kommentti koordinaattorille").fill("Lisää koulutettujen määrä.")
    page.get_by_role("button", name="Palauta koordinaattorille").click()
    page.get_by_text("Raportti palautettiin koordinaattorille.").wait_for()

    # The coordinator sees why, fixes and resubmits.
    page.get_by_role("button", name="Kirjaudu ulos").click()
    log_in(page, live_server, "koordinaattori", PASSWORD)
    page.get_by_role("link", name=re.compile("Digitiimi")).click()
    page.get_by_text("Lisää koulutettujen määrä.", exact=True).wait_for()  # the return comment
    page.get_by_label("Tilanne / keskeiset aikaansaannokset").fill(
        "Digihoitajien koulutus pidetty, 24 koulutettua."
    )
    page.get_by_role("button", name="Lähetä tarkastettavaksi").click()
    page.get_by_text("Raportti lähetettiin tarkastettavaksi.").wait_for()

    # The manager approves it from the queue; completeness shows it.
    page.get_by_role("button", name="Kirjaudu ulos").click()
    log_in(page, live_server, "paallikko", PASSWORD)
    page.goto(f"{live_server.url}/reports/projects/{cast.project.pk}/review/?month=2022-05")
    page.get_by_role("button", name="Hyväksy valitut raportit").click()
    page.get_by_text("1 raporttia hyväksyttiin.").wait_for()
    completeness = page.locator(".completeness")
    assert "1/2" in completeness.inner_text()
    screenshot(page, "review-completeness")
    assert_accessible(page)
    report = MonthlyReport.objects.get(subproject=cast.subproject)
    assert report.state == "approved"
    assert report.situation == "Digihoitajien koulutus pidetty, 24 koulutettua."
