import pytest
from django.urls import reverse

from projects.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_finnish_and_logging_in_shows_own_projects(client):
    user = factories.UserFactory(username="koordinaattori")
    own = factories.MembershipFactory(person__user=user, project__name="Oma hanke").project
    factories.ProjectFactory(name="Vieras hanke")
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="fi">' in page
    response = client.post(
        reverse("login"), {"username": "koordinaattori", "password": "salasana-testi-123"},
        follow=True,
    )
    page = response.content.decode()
    assert "Oma hanke" in page and own.code in page
    assert "Vieras hanke" not in page


def test_national_viewer_sees_every_project(client):
    from django.contrib.auth.models import Permission

    viewer = factories.UserFactory(username="stm")
    viewer.user_permissions.add(Permission.objects.get(codename="view_all_projects"))
    factories.ProjectFactory(name="Ensimmäinen hanke")
    factories.MembershipFactory(role=Membership.Role.STEERING, project__name="Toinen hanke")
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    assert "Ensimmäinen hanke" in page and "Toinen hanke" in page
