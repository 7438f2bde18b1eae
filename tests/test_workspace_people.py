"""Responsibility for a subproject (issue 11, part 3): the manager chooses its organisation,
responsible people and reporting coordinators; the coordinator's pages follow at once."""

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Membership
from projects.versioning import version_of
from tests import factories
from tests.test_reporting_workflow import FILLED, edit_url

pytestmark = pytest.mark.django_db


def _url(cast, sub=None):
    return reverse("workspace:plan_subproject_people", args=[cast.project.pk, (sub or cast.sibling).pk])


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_coordinator_chosen_to_report_sees_the_subproject_at_once(cast):
    manager, coordinator = _client(cast.manager), _client(cast.coordinator)
    def save():
        return coordinator.post(edit_url(cast, cast.sibling), {**FILLED, "action": "save"})

    assert save().status_code in (403, 404)
    page = manager.get(_url(cast)).content.decode()
    assert "Koordinaattori Testinen" in page
    cast.sibling.refresh_from_db()
    person = cast.coordinator.person
    response = manager.post(_url(cast), {
        "reporting_coordinators": [person.pk], "new_person": "Iiris Repo",
        "version": version_of(cast.sibling)})
    assert response.status_code == 302
    assert save().status_code == 302
    assert "1.2 Kliininen farmasia" in coordinator.get(reverse("reports:mine")).content.decode()
    cast.sibling.refresh_from_db()
    assert [p.name for p in cast.sibling.responsible_people.all()] == ["Iiris Repo"]


def test_a_person_without_a_coordinators_role_cannot_be_made_to_report(cast):
    outsider = factories.PersonFactory(name="Ulkopuolinen")
    cast.sibling.refresh_from_db()
    response = _client(cast.manager).post(_url(cast), {
        "reporting_coordinators": [cast.steering.person.pk, outsider.pk],
        "version": version_of(cast.sibling)})
    assert response.status_code == 400
    assert not cast.sibling.reporting_coordinators.exists()


def test_an_ended_coordinator_role_is_no_choice(cast):
    membership = Membership.objects.get(person__user=cast.coordinator, project=cast.project)
    from projects.services import membership_end
    membership_end(membership=membership, by=cast.manager)
    cast.sibling.refresh_from_db()
    response = _client(cast.manager).post(_url(cast), {
        "reporting_coordinators": [cast.coordinator.person.pk],
        "version": version_of(cast.sibling)})
    assert response.status_code == 400


def test_only_the_manager_of_the_project(cast):
    for user, status in [(cast.coordinator, 403), (cast.steering, 403), (cast.national, 403),
                         (cast.other_manager, 404)]:
        assert _client(user).get(_url(cast)).status_code == status
    other = reverse("workspace:plan_subproject_people", args=[cast.project.pk, cast.other_subproject.pk])
    assert _client(cast.manager).get(other).status_code == 404
