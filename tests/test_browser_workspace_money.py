"""The workspace's metrics, budget, risk and evaluation pages in a real browser: the manager
adds a risk and imports a cost file by the pages' accessible names, and axe finds no serious
or critical violation on any of the pages (with data, and with errors shown)."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from tests.browser import assert_accessible, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_workspace_money_pages_are_accessible(live_server, page, cast, tmp_path):
    goal = factories.GoalFactory(project=cast.project, code="1", name="Saatavuus paranee")
    metric = factories.MetricFactory(project=cast.project, code="A.1", name="Etävastaanotot",
                                     subproject=cast.subproject)
    factories.MetricTargetFactory(metric=metric)
    factories.BudgetLineFactory(subproject=cast.subproject, year=2022, amount=1000)
    evaluation = factories.EvaluationRoundFactory(project=cast.project, date=dt.date(2022, 5, 15),
                                                  published=False)
    factories.EvaluationNarrativeFactory(round=evaluation, goal=goal, text="Koulutettiin.")
    log_in(page, live_server, "paallikko", PASSWORD)

    def visit(name, *args):
        page.goto(live_server.url + reverse(f"workspace:{name}", args=[cast.project.pk, *args]))
        assert_accessible(page)

    visit("risks")
    page.get_by_role("link", name="Lisää riski").click()
    page.get_by_label("Kuvaus").fill("Farmaseutin rekrytointi viivästyy")
    page.get_by_label("Vakavuus (1–5)").fill("7")
    page.get_by_role("button", name="Tallenna").click()
    page.get_by_role("alert").filter(has_text="Tämän arvon on oltava enintään 5.").wait_for()
    assert_accessible(page)
    page.get_by_label("Vakavuus (1–5)").fill("4")
    page.get_by_label("Todennäköisyys (%)").fill("50")
    page.get_by_label("Luokka").select_option(label="henkilöstö")
    page.get_by_role("button", name="Tallenna").click()
    page.get_by_role("table", name="Avoimet riskit").wait_for()
    assert_accessible(page)
    screenshot(page, "workspace-risks")

    visit("cost_import")
    bad = tmp_path / "kulut.csv"
    bad.write_bytes(b"31.5.2022;9.9;muut;10,00\n")
    page.get_by_label("Kirjanpidon kustannusvienti (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Tuo", exact=True).click()
    page.get_by_role("alert").filter(has_text="Mitään ei tuotu.").wait_for()
    assert_accessible(page)
    screenshot(page, "workspace-cost-import-errors")
    good = tmp_path / "kulut2.csv"
    good.write_bytes(b"31.5.2022;1.1;muut;10,00\n")
    page.get_by_label("Kirjanpidon kustannusvienti (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Tuo", exact=True).click()
    page.get_by_role("table", name="Toteutuneet kustannukset kuukausittain").wait_for()
    assert_accessible(page)
    screenshot(page, "workspace-budget")

    for name, args in [("metrics", []), ("metric_add", []), ("metric_edit", [metric.pk]),
                       ("target_add", [metric.pk]), ("budget_line_add", []), ("cost_add", []),
                       ("evaluation", []), ("round_add", []), ("round_edit", [evaluation.pk]),
                       ("round_narratives", [evaluation.pk])]:
        visit(name, *args)
    screenshot(page, "workspace-narratives")
