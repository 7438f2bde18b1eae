"""The monthly cycle in a real browser: fill, submit, return, fix, approve, completeness."""

import re

import pytest
from django.urls import reverse

from reports.models import MonthlyReport
from tests.browser import assert_accessible, log_in, log_out, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Fields, buttons and links found by what the templates name them (ids, form fields, the
# URLs they go to), not by their Finnish wording; the messages the user reads stay as text.
SITUATION, NEXT_STEPS = "#id_situation", "#id_next_steps"
SUBMIT = "button[name=action][value=submit]"


def test_monthly_cycle_in_the_browser(live_server, page, cast):
    edit = reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])
    review = f"{live_server.url}{reverse('reports:review', args=[cast.project.pk])}?month=2022-05"

    # The coordinator fills in and submits the month's report.
    log_in(page, live_server, "koordinaattori", PASSWORD)
    page.get_by_role("link", name=re.compile("Digitiimi")).click()
    page.wait_for_url(re.compile(r"/reports/subprojects/"))
    assert_accessible(page)
    page.locator(SITUATION).fill("Digihoitajien koulutus pidetty.")
    page.locator(SUBMIT).click()
    page.locator("#id_light_error").wait_for()  # the light is required on submit
    screenshot(page, "report-form-errors")
    assert page.locator(SITUATION).input_value() == "Digihoitajien koulutus pidetty."
    assert_accessible(page)
    page.locator("input[name=light][value=green]").check()
    page.locator(NEXT_STEPS).fill("Chat laajenee syksyllä.")
    page.locator(SUBMIT).click()
    page.get_by_text("Raportti lähetettiin tarkastettavaksi.").wait_for()
    screenshot(page, "report-submitted")

    # The manager returns it with a comment.
    log_out(page)
    log_in(page, live_server, "paallikko", PASSWORD)
    page.goto(review)
    assert_accessible(page)
    page.locator(f'a[href="{edit}"]').first.click()
    report = MonthlyReport.objects.get(subproject=cast.subproject)
    returning = page.locator(f'form[action="{reverse("reports:return", args=[report.pk])}"]')
    returning.locator("#id_comment").fill("Lisää koulutettujen määrä.")
    returning.locator("[type=submit]").click()
    page.get_by_text("Raportti palautettiin koordinaattorille.").wait_for()

    # The coordinator sees why, fixes and resubmits.
    log_out(page)
    log_in(page, live_server, "koordinaattori", PASSWORD)
    page.get_by_role("link", name=re.compile("Digitiimi")).click()
    page.get_by_text("Lisää koulutettujen määrä.", exact=True).wait_for()  # the return comment
    page.locator(SITUATION).fill("Digihoitajien koulutus pidetty, 24 koulutettua.")
    page.locator(SUBMIT).click()
    page.get_by_text("Raportti lähetettiin tarkastettavaksi.").wait_for()

    # The manager approves it from the queue; completeness shows it.
    log_out(page)
    log_in(page, live_server, "paallikko", PASSWORD)
    page.goto(review)
    page.locator("input[name=report]").check()  # nothing is chosen for the manager
    page.locator("form:has(input[name=report]) [type=submit]").click()
    confirm = page.locator("button[name=confirm]")  # "Hyväksy 1 raportti" on the page that asks
    confirm.wait_for()
    assert page.evaluate("document.activeElement.id") == "confirm-title"
    assert_accessible(page)
    confirm.click()
    page.get_by_text("1 raportti hyväksyttiin.").wait_for()
    completeness = page.locator("[aria-labelledby=completeness-title]")
    assert "1/2" in completeness.inner_text()
    screenshot(page, "review-completeness")
    assert_accessible(page)
    report.refresh_from_db()
    assert report.state == "approved"
    assert report.situation == "Digihoitajien koulutus pidetty, 24 koulutettua."
