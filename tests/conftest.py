"""Shared fixtures: Finnish as the language, and a small cast of users in two projects."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from projects.models import Membership
from tests import factories

pytest_plugins = ["tests.support", "tests.browser", "tests.api_support"]  # worker, browser, page, data

MONTH = dt.date(2022, 5, 1)
PASSWORD = "salasana-testi-123"


@pytest.fixture(autouse=True)
def finnish():
    """The portal is Finnish first: tests see what a Finnish user sees."""
    with translation.override("fi"):
        yield


@dataclass
class Cast:
    project: object
    other_project: object
    subproject: object          # coordinator's own, in project
    sibling: object             # in project, not the coordinator's
    other_subproject: object    # in other_project
    coordinator: object
    manager: object
    steering: object
    other_coordinator: object
    other_manager: object
    national: object
    month: dt.date = MONTH


def _member(project, role, username):
    user = factories.UserFactory(username=username, first_name=username.capitalize())
    person = factories.PersonFactory(user=user, name=f"{username.capitalize()} Testinen")
    factories.MembershipFactory(project=project, person=person, role=role)
    return user


@pytest.fixture
def cast(db) -> Cast:
    project = factories.ProjectFactory(code="HANKE-A", name="Hanke A")
    other = factories.ProjectFactory(code="HANKE-B", name="Hanke B")
    wp = factories.WorkPackageFactory(project=project, code="TP1", name="Saatavuus")
    sub = factories.SubprojectFactory(work_package=wp, code="1.1", name="Digitiimi")
    sibling = factories.SubprojectFactory(work_package=wp, code="1.2", name="Kliininen farmasia")
    other_wp = factories.WorkPackageFactory(project=other, code="TP1")
    other_sub = factories.SubprojectFactory(work_package=other_wp, code="1.1", name="Vieras osahanke")
    coordinator = _member(project, Membership.Role.COORDINATOR, "koordinaattori")
    sub.responsible_people.add(coordinator.person)
    other_coordinator = _member(other, Membership.Role.COORDINATOR, "vieras")
    other_sub.responsible_people.add(other_coordinator.person)
    national = factories.UserFactory(username="stm")
    national.user_permissions.add(Permission.objects.get(codename="view_all_projects"))
    for p in (project, other):
        factories.ReportingPeriodFactory(project=p, month=MONTH, deadline=dt.date(2022, 6, 10))
    return Cast(
        project=project, other_project=other, subproject=sub, sibling=sibling,
        other_subproject=other_sub, coordinator=coordinator,
        manager=_member(project, Membership.Role.MANAGER, "paallikko"),
        steering=_member(project, Membership.Role.STEERING, "ohjaaja"),
        other_coordinator=other_coordinator,
        other_manager=_member(other, Membership.Role.MANAGER, "vieraspaallikko"),
        national=national,
    )
