"""Bad data is refused with a clear message, by model validation and by the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import MetricTarget
from reports.models import MonthlyReport
from tests import factories
from workpackages.models import Risk, Subproject

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_duplicate_subproject_code_is_refused_with_a_message():
    first = factories.SubprojectFactory(code="1.1")
    duplicate = Subproject(
        project=first.project, work_package=first.work_package, code="1.1", name="Toinen"
    )
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "Hankkeella on jo osahanke tällä koodilla." in messages_of(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_same_code_is_allowed_in_another_project():
    factories.SubprojectFactory(code="1.1")
    other = factories.SubprojectFactory(code="1.1")
    assert Subproject.objects.filter(code="1.1").count() == 2
    other.full_clean()


def test_second_report_for_the_same_month_is_refused():
    report = factories.MonthlyReportFactory(period=dt.date(2022, 5, 1))
    second = MonthlyReport(subproject=report.subproject, period=dt.date(2022, 5, 1))
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "Osahankkeella on jo raportti tälle kuukaudelle." in messages_of(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_report_period_must_be_a_month():
    report = MonthlyReport(subproject=factories.SubprojectFactory(), period=dt.date(2022, 5, 17))
    with pytest.raises(ValidationError) as excinfo:
        report.full_clean()
    assert "Kausi on kuukausi" in messages_of(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        report.save()


@pytest.mark.parametrize("severity", [0, 7])
def test_severity_outside_1_to_5_is_refused(severity):
    risk = factories.RiskFactory.build(project=factories.ProjectFactory(), severity=severity)
    with pytest.raises(ValidationError) as excinfo:
        risk.full_clean()
    assert "Vakavuuden on oltava väliltä 1–5." in messages_of(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        risk.save()


def test_probability_over_100_percent_is_refused():
    risk = factories.RiskFactory.build(project=factories.ProjectFactory(), probability=130)
    with pytest.raises(ValidationError) as excinfo:
        risk.full_clean()
    assert "Todennäköisyyden on oltava väliltä 0–100 %." in messages_of(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        risk.save()
    assert not Risk.objects.exists()


def test_target_date_before_baseline_is_refused():
    target = MetricTarget(
        metric=factories.MetricFactory(), baseline_value=Decimal("1.6"), baseline_date=dt.date(2019, 12, 31),
        target_value=10, target_date=dt.date(2019, 1, 1), effective_from=dt.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        target.full_clean()
    assert "Tavoitepäivän on oltava lähtötason päivän jälkeen." in messages_of(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_negative_budget_is_refused():
    from workpackages.models import BudgetLine

    line = BudgetLine(subproject=factories.SubprojectFactory(), year=2021, amount=-5)
    with pytest.raises(ValidationError) as excinfo:
        line.full_clean()
    assert "Budjetti ei voi olla negatiivinen." in messages_of(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_activity_ending_before_it_starts_is_refused():
    from workpackages.models import Activity

    activity = Activity(
        subproject=factories.SubprojectFactory(), name="Pilotointi",
        start_month=dt.date(2022, 6, 1), end_month=dt.date(2022, 3, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        activity.full_clean()
    assert "Päättymiskuukausi ei voi olla ennen aloituskuukautta." in messages_of(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        activity.save()


def test_duplicate_metric_value_for_a_period_is_refused_also_without_category():
    value = factories.MetricValueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MetricValueFactory(metric=value.metric, period=value.period)
