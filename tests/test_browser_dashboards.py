"""The dashboards in a real browser: a steering group member drills from the national
overview to the project, a work package and a subproject, and back; axe-core finds no
serious or critical violations on the way."""

import re

import pytest

from tests.browser import assert_accessible, log_in, screenshot
from tests.conftest import PASSWORD
from tests.test_dashboards import populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_steering_member_drills_down_from_the_national_overview(live_server, page, cast):
    populate(cast)
    refused = []  # the charts must draw under the Content-Security-Policy (no inline styles)
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    log_in(page, live_server, "ohjaaja", PASSWORD)

    page.goto(f"{live_server.url}/dashboards/")
    page.locator("#project-table").wait_for()
    assert page.locator("#f-month").input_value() == "2022-05"  # the latest approved month
    assert page.locator('[data-project="HANKE-A"]').count() == 1
    assert page.locator('[data-project="HANKE-B"]').count() == 0  # not their project
    assert page.locator("#kf-completeness").inner_text().startswith("3/4")
    screenshot(page, "dashboard-national")
    assert_accessible(page)

    page.locator("#project-table").get_by_role("link", name="HANKE-A").click()
    page.wait_for_url(re.compile(r"/dashboards/projects/\d+/\?month=2022-05"))
    page.locator("#wp-h").wait_for()  # "Status by work package"
    assert "Budjetti ei riitä" in page.locator("#risks-h + .two-col").inner_text()
    assert page.locator("svg[role=img][aria-label]").count() >= 5  # every chart has a name
    page.locator("section:has(#matrix-h) summary").click()  # the matrix as a table
    page.locator(".matrix-table").wait_for()
    screenshot(page, "dashboard-project")
    assert_accessible(page)

    page.locator("#wp-status").get_by_role("link", name="TP1 Saatavuus").click()
    page.wait_for_url(re.compile(r"/dashboards/workpackages/\d+/"))
    page.get_by_text("Farmaseutin rekrytointi viivästyi.").wait_for()
    screenshot(page, "dashboard-work-package")
    assert_accessible(page)

    page.locator("#subproject-status").get_by_role("link", name="1.1 Digitiimi").click()
    page.wait_for_url(re.compile(r"/dashboards/subprojects/\d+/"))
    page.get_by_text("Digihoitajien koulutus pidetty.").wait_for()
    screenshot(page, "dashboard-subproject")
    assert_accessible(page)

    # Back up through the breadcrumb, keeping the month.
    page.get_by_role("navigation").get_by_role("link", name="HANKE-A").click()
    page.wait_for_url(re.compile(r"/dashboards/projects/\d+/\?month=2022-05"))

    assert not refused, refused

    # Another project's dashboard is not found.
    response = page.goto(f"{live_server.url}/dashboards/projects/{cast.other_project.pk}/")
    assert response.status == 404
