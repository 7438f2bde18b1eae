"""load_demo --facts-only is faithful to the seeds and idempotent (the illustrative history
on top of it: test_demo_history.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum

from demo.services import load_demo
from indicators.models import MetricValue
from projects.models import Phase, Project
from reports.models import EvaluationRound, MonthlyReport, Reminder
from workpackages.models import ActualCost, BudgetLine, Risk, RiskReview, Subproject, WorkPackage

pytestmark = pytest.mark.django_db

PASSWORD = "demo-salasana-testi"


def snapshot():
    """Every row of every domain model, as plain values."""
    rows = {}
    for label in ["projects", "workpackages", "indicators", "reports"]:
        for model in apps.get_app_config(label).get_models():
            values = model.objects.order_by("pk").values()
            rows[model.__name__] = [
                {k: v for k, v in row.items() if k not in ("updated_at", "created_at")}
                for row in values
            ]
    return rows


@pytest.fixture
def demo():
    return load_demo(password=PASSWORD, history=False)


def test_facts_only_command_loads_no_history(capsys):
    call_command("load_demo", "--facts-only")
    assert MonthlyReport.objects.filter(illustrative=True).count() == 0
    assert set(MonthlyReport.objects.values_list("period", flat=True)) == {dt.date(2022, 6, 1)}
    assert not (MetricValue.objects.exists() or ActualCost.objects.exists()
                or RiskReview.objects.exists() or Reminder.objects.exists())
    assert not MonthlyReport.objects.filter(submitted_at__isnull=False).exists()
    assert "esimerkkiaineisto" not in capsys.readouterr().out


def test_loading_twice_leaves_the_same_data(demo):
    first = snapshot()
    load_demo(password=PASSWORD, history=False)
    assert snapshot() == first
    assert set(demo.projects) == {"POSOTE20", "ESSOTE-TSK", "SIUNSOTE-TSK", "SOITE2"}


def test_soite_budget_equals_the_plans_table(demo):
    lines = BudgetLine.objects.filter(subproject__project__code="SOITE2")
    per_year = dict(lines.values_list("year").annotate(total=Sum("amount")))
    assert per_year == {2020: Decimal(633490), 2021: Decimal(832407), 2022: Decimal(161000)}
    assert lines.aggregate(total=Sum("amount"))["total"] == Decimal(1626897)
    themes = {
        wp.name: wp.total
        for wp in WorkPackage.objects.filter(project__code="SOITE2").annotate(
            total=Sum("subprojects__budget_lines__amount")
        )
    }
    assert themes["SOTE-vastaanottojen uudistaminen"] == Decimal(1238207)
    assert themes["Toimintakulttuurin muutos"] == Decimal(83500)
    assert themes["Ennakoivat ja ehkäisevät palvelut"] == Decimal(141000)
    assert Decimal(164190) in themes.values()  # Koordinaatio
    assert Risk.objects.filter(project__code="SOITE2").count() == 5
    codes = list(
        Project.objects.get(code="SOITE2").metrics.values_list("code", flat=True)
    )
    assert codes[0] == "A.1" and codes[-1] == "K.4"


def test_etela_savo_has_every_measure_with_its_texts(demo):
    subs = Subproject.objects.filter(project__code="ESSOTE-TSK")
    assert subs.count() >= 45
    digitiimi = subs.get(name="Digitiimi hyvinvointialueelle")
    assert "digitaalisten palveluiden käyttöä" in digitiimi.objective
    report = digitiimi.reports.get()
    assert "Digitiimin toimintamallin käsikirja" in report.situation
    assert "digialustasta" in report.next_steps
    assert subs.filter(starts_later=True).exists()
    assert set(
        subs.filter(carried_over=True).values_list("name", flat=True)
    ) >= {"Kliininen farmasia", "Hyvä vastaanotto valmennus"}
    assert MonthlyReport.objects.filter(subproject__project__code="ESSOTE-TSK").count() >= 40
    assert subs.filter(activities__isnull=False).distinct().count() >= 20


def test_siun_sote_has_its_three_evaluation_rounds(demo):
    rounds = EvaluationRound.objects.filter(project__code="SIUNSOTE-TSK").order_by("date")
    assert [r.date.isoformat() for r in rounds] == ["2020-11-12", "2021-05-15", "2021-11-15"]
    for round_ in rounds:
        assert round_.narratives.count() >= 10
    assert any(r.summary for r in rounds)
    goal_codes = set(Project.objects.get(code="SIUNSOTE-TSK").goals.values_list("code", flat=True))
    assert {"1.1", "1.8", "4.5"} <= goal_codes


def test_pohjois_savo_has_its_key_figures(demo):
    phase = Phase.objects.get(project__code="POSOTE20", code="I")
    assert phase.state_grant == Decimal(3300000)
    assert phase.staff_count == 24
    assert phase.project_count == 10
    assert phase.project.co_implementers.count() == 7
    wps = WorkPackage.objects.filter(project__code="POSOTE20")
    assert wps.count() == 4
    assert all(wp.achieved and wp.lessons for wp in wps)
    assert Subproject.objects.filter(project__code="POSOTE20").count() >= 30


def test_demo_users_can_log_in_and_see_their_projects(client, demo):
    assert client.login(username="coordinator.essote", password=PASSWORD)
    page = client.get("/").content.decode()
    assert "ESSOTE-TSK" in page and "SOITE2" not in page
    client.logout()
    assert client.login(username="national.stm", password=PASSWORD)
    page = client.get("/").content.decode()
    assert all(code in page for code in ["POSOTE20", "ESSOTE-TSK", "SIUNSOTE-TSK", "SOITE2"])
