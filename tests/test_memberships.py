"""Roles with dates (issue 16, part 2): a manager ends a role; the rights go at once (open
sessions included), the person's report stays, and the record says who held the role when."""

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Membership
from reports.models import MonthlyReport
from tests import factories
from tests.test_reporting_workflow import edit_url, post

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _end(client, cast, membership):
    return client.post(reverse("project-people", args=[cast.project.pk]),
                       {"membership": membership.pk}, follow=True)


def test_ending_a_coordinators_role_refuses_their_next_request_and_keeps_their_report(cast):
    coordinator = _client(cast.coordinator)  # an open session
    assert post(coordinator, cast).status_code == 302  # a draft saved
    report = MonthlyReport.objects.get(subproject=cast.subproject)
    manager = _client(cast.manager)
    membership = Membership.objects.get(person__user=cast.coordinator, project=cast.project)
    page = _end(manager, cast, membership).content.decode()
    assert "Koordinaattori Testinen" in page and "Rooli on päättynyt" not in page
    assert "rooli koordinaattori on päättynyt" in page.lower()
    # The open session has lost the rights at once.
    assert coordinator.get(edit_url(cast)).status_code == 404
    assert post(coordinator, cast, situation="Myöhempi muutos").status_code == 404
    assert cast.project.code not in coordinator.get(reverse("reports:mine")).content.decode()
    # The draft stays as it was, and its history names who wrote it.
    report.refresh_from_db()
    assert report.situation == "Pilotti käynnistyi Sosterissa."
    history = manager.get(edit_url(cast)).content.decode()
    assert "Koordinaattori" in history
    # The record: the role with its end, and who ended it.
    person = manager.get(reverse("person-roles", args=[cast.project.pk, membership.person_id]))
    text = person.content.decode()
    assert "koordinaattori" in text and "nykyinen" not in text.split("Roolit ajan mittaan")[1]


def test_the_same_role_can_be_given_again_after_it_ended(cast):
    membership = Membership.objects.get(person__user=cast.coordinator, project=cast.project)
    _end(_client(cast.manager), cast, membership)
    factories.MembershipFactory(project=cast.project, person=membership.person,
                                role=Membership.Role.COORDINATOR)
    assert _client(cast.coordinator).get(edit_url(cast)).status_code == 200
    assert Membership.objects.filter(person=membership.person).count() == 2


def test_the_last_manager_stays(cast):
    membership = Membership.objects.get(person__user=cast.manager, project=cast.project)
    response = _end(_client(cast.manager), cast, membership)
    assert response.status_code == 400
    assert "Hankkeella on oltava päällikkö" in response.content.decode()
    membership.refresh_from_db()
    assert membership.ended_at is None


def test_only_the_projects_manager_ends_roles(cast):
    membership = Membership.objects.get(person__user=cast.coordinator, project=cast.project)
    assert _client(cast.steering).post(reverse("project-people", args=[cast.project.pk]),
                                       {"membership": membership.pk}).status_code == 403
    assert _client(cast.other_manager).post(reverse("project-people", args=[cast.project.pk]),
                                            {"membership": membership.pk}).status_code == 404
    other = Membership.objects.get(person__user=cast.other_coordinator)
    # An id of another project's role is not found through this project.
    assert _client(cast.manager).post(reverse("project-people", args=[cast.project.pk]),
                                      {"membership": other.pk}).status_code == 404
    assert _client(cast.national).get(reverse("project-people", args=[cast.project.pk])).status_code == 403
    membership.refresh_from_db()
    other.refresh_from_db()
    assert membership.ended_at is None and other.ended_at is None
