"""The workspace's plan pages in a real browser (issue 11): the manager adds a subproject by
the fields' accessible names, a refused save keeps what was typed with the error summary
linking to the field, and axe finds no serious or critical violation on any plan page."""

import re

import pytest
from django.urls import reverse

from reports.rollups import rollup_compute
from tests import factories
from tests.browser import assert_accessible, log_in, screenshot
from tests.conftest import MONTH, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_keeps_the_plan_in_the_workspace(live_server, page, cast):
    factories.ActivityFactory(subproject=cast.subproject, name="Pilotointi")
    factories.GoalFactory(project=cast.project, code="1", name="Palvelut saatavilla")
    factories.PhaseFactory(project=cast.project)
    rollup_compute(project=cast.project, month=MONTH)
    wp = cast.subproject.work_package
    log_in(page, live_server, "paallikko", PASSWORD)
    base = live_server.url
    args = [cast.project.pk]
    for name, extra in [
        ("plan_project", []), ("plan_phase_new", []), ("plan_structure", []),
        ("plan_work_package", [wp.pk]), ("plan_subproject", [cast.subproject.pk]),
        ("plan_subproject_close", [cast.subproject.pk]), ("plan_activity_new", [cast.subproject.pk]),
        ("plan_goals", []), ("plan_goal_new", []), ("plan_months", []), ("plan_month", ["2022-05"]),
        ("plan_override", ["2022-05", wp.pk]),
    ]:
        page.goto(f"{base}{reverse(f'workspace:{name}', args=[*args, *extra])}")
        assert page.get_by_role("heading", level=1).is_visible()
        assert_accessible(page)
    screenshot(page, "workspace-plan-override")

    page.goto(f"{base}{reverse('workspace:plan_structure', args=args)}")
    page.get_by_role("link", name="Lisää osahanke työpakettiin TP1").click()
    page.get_by_label("Koodi").fill("1.10")
    page.get_by_label("Suunniteltu aloituskuukausi").fill("9/2022")
    page.get_by_label("Suunniteltu päättymiskuukausi").fill("3/2022")
    page.get_by_role("button", name="Tallenna").click()
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    assert page.get_by_label("Suunniteltu aloituskuukausi").input_value() == "9/2022"
    screenshot(page, "workspace-plan-refused")
    assert_accessible(page)
    summary.get_by_role("link", name="Nimi: Tämä kenttä vaaditaan.").click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.get_by_label(re.compile(r"^Nimi")).fill("Etäkuntoutus")
    page.get_by_label("Suunniteltu päättymiskuukausi").fill("12/2022")
    page.get_by_role("button", name="Tallenna").click()
    page.get_by_role("status").filter(has_text="Osahanke tallennettiin.").wait_for()
    assert page.get_by_role("link", name="1.10 Etäkuntoutus").is_visible()
    assert_accessible(page)
