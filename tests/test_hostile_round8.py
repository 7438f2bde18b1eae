"""Hostile round 8 (issue 11): the manager's workspace attacked by a tester who did not write it."""

import datetime as dt

import pytest
from django.urls import reverse

from projects.versioning import version_of
from tests import factories
from workpackages.models import ActualCost, Goal, Subproject, WorkPackage

pytestmark = pytest.mark.django_db


def url(name, cast, *args):
    return reverse(f"workspace:{name}", args=[cast.project.pk, *args])


@pytest.fixture
def manager(client, cast):
    client.force_login(cast.manager)
    return client


def test_a_work_package_code_taken_in_the_project_is_a_finnish_message_not_an_error(manager, cast):
    response = manager.post(url("plan_work_package_new", cast), {
        "code": "TP1", "name": "Toinen ykkönen", "kind": "work_package", "version": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hankkeella on jo" in html and "Toinen ykkönen" in html
    assert WorkPackage.objects.filter(project=cast.project, code="TP1").count() == 1


def test_a_goal_and_subproject_code_taken_is_a_message(manager, cast):
    factories.GoalFactory(project=cast.project, code="G1")
    response = manager.post(url("plan_goal_new", cast), {
        "code": "G1", "level": "goal", "name": "Kopio", "version": ""})
    assert response.status_code == 400
    assert Goal.objects.filter(project=cast.project, code="G1").count() == 1
    response = manager.post(url("plan_subproject_new", cast), {
        "work_package": cast.subproject.work_package_id, "code": "1.1", "name": "Kopio", "version": ""})
    assert response.status_code == 400
    assert Subproject.objects.filter(project=cast.project, code="1.1").count() == 1


METRIC = {"code": "A.1", "name": "Etävastaanotot", "kind": "count", "unit": "kpl",
          "frequency": "monthly", "direction": "higher", "disaggregation": "", "goal": "",
          "min_value": "", "max_value": "", "version": ""}


def test_a_metric_with_published_values_keeps_what_they_mean_in_the_workspace(manager, cast):
    metric = factories.MetricFactory(project=cast.project, code="A.1", subproject=cast.subproject,
                                     kind="count", unit="kpl", frequency="monthly", cumulative=False,
                                     name="Etävastaanotot")
    factories.MetricValueFactory(metric=metric, value=40, published=True)
    tampered = {**METRIC, "kind": "share", "cumulative": "on", "subproject": cast.sibling.pk,
                "name": "Uusi nimi", "version": version_of(metric)}
    response = manager.post(url("metric_edit", cast, metric.pk), tampered)
    assert response.status_code == 400
    html = response.content.decode()
    assert "on jo raportoituja arvoja" in html and "Uusi nimi" in html
    metric.refresh_from_db()
    assert (metric.kind, metric.cumulative, metric.subproject, metric.name) == (
        "count", False, cast.subproject, "Etävastaanotot")
    # Its name and unit are still edited as before.
    response = manager.post(url("metric_edit", cast, metric.pk), {
        **METRIC, "subproject": cast.subproject.pk, "name": "Uusi nimi", "version": version_of(metric)})
    assert response.status_code == 302
    metric.refresh_from_db()
    assert metric.name == "Uusi nimi"


@pytest.mark.parametrize("month", ["12/9999", "01/0001"])
def test_a_cost_typed_for_the_year_9999_or_1_is_refused_as_the_import_refuses_it(manager, cast, month):
    response = manager.post(url("cost_add", cast), {
        "subproject": cast.subproject.pk, "period": month, "category": "personnel",
        "amount": "1 234,56"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Anna päivämäärä väliltä 1.1.2000–31.12.2100." in html and "1 234,56" in html
    assert not ActualCost.objects.filter(subproject=cast.subproject).exists()


def test_a_target_or_an_evaluation_round_dated_9999_or_0001_is_refused_with_what_was_typed(
        manager, cast):
    metric = factories.MetricFactory(project=cast.project, code="A.1", subproject=cast.subproject)
    response = manager.post(url("target_add", cast, metric.pk), {
        "baseline_value": "1", "baseline_date": "1.1.0001", "target_value": "2",
        "target_date": "31.12.9999", "effective_from": "31.12.9999", "reason": "Tavoite myöhemmin"})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Anna päivämäärä väliltä 1.1.2000–31.12.2100.") >= 3 and "Tavoite myöhemmin" in html
    assert not metric.targets.exists()
    response = manager.post(url("round_add", cast), {
        "date": "31.12.9999", "kind": "interim", "title": "Kaukainen arviointi", "summary": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Anna päivämäärä väliltä 1.1.2000–31.12.2100." in html and "Kaukainen arviointi" in html
    assert not cast.project.evaluation_rounds.exists()
    risk = factories.RiskFactory(project=cast.project)
    response = manager.post(url("risk_review", cast, risk.pk), {
        "reviewed_on": "1.1.0001", "severity": "4", "probability": "50", "note": "Vanha arvio",
        "version": version_of(risk)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Anna päivämäärä väliltä 1.1.2000–31.12.2100." in html and "Vanha arvio" in html
    assert not risk.reviews.exists()


def test_a_closed_subproject_cannot_be_moved_to_start_after_its_closing(manager, cast):
    sub = cast.sibling
    sub.closed_from = dt.date(2022, 3, 1)
    sub.save()
    response = manager.post(url("plan_subproject", cast, sub.pk), {
        "work_package": sub.work_package_id, "code": sub.code, "name": "Myöhäinen",
        "start_month": "6/2022", "version": version_of(sub)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "ennen alkamistaan" in html and "Myöhäinen" in html
    sub.refresh_from_db()
    assert sub.start_month != dt.date(2022, 6, 1)
