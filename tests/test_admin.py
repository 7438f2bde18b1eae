"""Every admin list and change page opens for the administrator."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from api.services import api_client_create
from indicators.models import SotkanetIndicator, SotkanetValue
from projects.models import UserProfile
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_everything():
    """A row of every model the admin shows (the factories' defaults: any valid row will do)."""
    sub = factories.SubprojectFactory()
    project = sub.project
    factories.MembershipFactory(project=project)
    UserProfile.objects.create(user=factories.UserFactory(), language="sv")
    factories.BenefitGoalFactory(programme=project.programme)
    factories.MunicipalityFactory(region=project.region)
    factories.PhaseFactory(project=project, state_grant=3300000)
    goal = factories.GoalFactory(project=project, code="1.1")
    factories.ActivityFactory(subproject=sub)
    factories.OutputFactory(work_package=sub.work_package)
    factories.BudgetLineFactory(subproject=sub)
    factories.ActualCostFactory(subproject=sub)
    factories.RiskReviewFactory(risk__project=project)
    factories.DisaggregationCategoryFactory()
    metric = factories.MetricFactory(project=project, goal=goal)
    factories.MetricTargetFactory(metric=metric)
    factories.MetricValueFactory(metric=metric)
    factories.ReportEventFactory(report__subproject=sub)
    factories.ReminderFactory(period__project=project, kind="digest")
    factories.EvaluationNarrativeFactory(round__project=project, round__kind="baseline", goal=goal)
    Group.objects.create(name="Kansalliset katselijat")
    api_client_create(name="THL", all_projects=True)
    indicator = SotkanetIndicator.objects.create(indicator_id=5081, title="Päivystyskäynnit")
    SotkanetValue.objects.create(indicator=indicator, region_id=658, year=2023, value=1)


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
