"""Every admin list and change page opens for the administrator."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from api.services import api_client_create
from indicators.models import Disaggregation, DisaggregationCategory
from projects.models import BenefitGoal, Municipality, Phase
from reports.models import (
    EvaluationNarrative,
    EvaluationRound,
    Reminder,
    ReportEvent,
    ReportingPeriod,
)
from tests import factories
from workpackages.models import Activity, ActualCost, BudgetLine, Output, RiskReview

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_everything():
    sub = factories.SubprojectFactory()
    project = sub.project
    factories.MembershipFactory(project=project)
    BenefitGoal.objects.create(programme=project.programme, code="1", name="Saatavuus")
    Municipality.objects.create(region=project.region, name="Kuopio")
    Phase.objects.create(project=project, code="I", name="I-vaihe", start_date=dt.date(2020, 1, 1),
                         end_date=dt.date(2022, 10, 31), state_grant=3300000)
    goal = factories.GoalFactory(project=project, code="1.1")
    Activity.objects.create(subproject=sub, name="Pilotointi", start_month=dt.date(2022, 6, 1),
                            end_month=dt.date(2022, 12, 1))
    Output.objects.create(work_package=sub.work_package, name="Käsikirja")
    BudgetLine.objects.create(subproject=sub, year=2021, amount=1000)
    ActualCost.objects.create(subproject=sub, period=dt.date(2021, 3, 1), amount=100)
    risk = factories.RiskFactory(project=project)
    RiskReview.objects.create(risk=risk, reviewed_on=dt.date(2021, 1, 1), severity=2, probability=10)
    dis = Disaggregation.objects.create(code="age_group", name="Ikäryhmä")
    DisaggregationCategory.objects.create(disaggregation=dis, code="children", name="Lapset")
    metric = factories.MetricFactory(project=project, goal=goal)
    factories.MetricTargetFactory(metric=metric)
    factories.MetricValueFactory(metric=metric)
    report = factories.MonthlyReportFactory(subproject=sub)
    ReportEvent.objects.create(report=report, action=ReportEvent.Action.CREATED)
    period = ReportingPeriod.objects.create(project=project, month=dt.date(2022, 5, 1),
                                            deadline=dt.date(2022, 6, 10))
    Reminder.objects.create(period=period, user=factories.UserFactory(), kind="digest",
                            sent_on=dt.date(2022, 6, 8))
    round_ = EvaluationRound.objects.create(project=project, date=dt.date(2020, 11, 12),
                                            kind="baseline", title="Lähtötilanne")
    EvaluationNarrative.objects.create(round=round_, goal=goal, text="Kartoitus tehty.")
    Group.objects.create(name="Kansalliset katselijat")
    api_client_create(name="THL", all_projects=True)


OUR_APPS = {"auth", "projects", "workpackages", "indicators", "reports", "api"}


def test_every_admin_list_and_change_page_opens(client, one_of_everything):
    admin_user = factories.UserFactory(username="paakayttaja", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    checked = 0
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = client.get(changelist)
        assert response.status_code == 200, changelist
        obj = model._default_manager.first()
        if obj is None and meta.app_label not in OUR_APPS:
            continue  # a library's model (login attempts, audit rows) with no rows yet
        assert obj is not None, f"no {meta.model_name} to open"
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        response = client.get(change)
        assert response.status_code == 200, change
        response = client.get(changelist, {"q": "a"})
        assert response.status_code == 200, changelist
        checked += 1
    assert checked >= 25


def test_admin_is_closed_to_a_coordinator(client):
    coordinator = factories.UserFactory(username="koordinaattori")
    client.force_login(coordinator)
    response = client.get(reverse("admin:workpackages_subproject_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
