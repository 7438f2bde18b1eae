"""Invitations (issue 16, part 1): the manager invites by e-mail with a role and, for a
coordinator, the subprojects to report; the link works once, until it expires or is withdrawn;
the invitee sets a password and lands in the project."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Invitation, Membership
from tests.browser import assert_accessible, screenshot
from tests.test_reporting_workflow import FILLED, edit_url

PASSWORD = "Kutsuttu-salasana-2026"


def _invite(client, cast, email="uusi.koordinaattori@hyvinvointialue.fi", **extra):
    return client.post(reverse("workspace:invitations", args=[cast.project.pk]), {
        "action": "invite", "name": "Uusi Koordinaattori", "email": email,
        "role": "coordinator", "subprojects": [cast.subproject.pk], **extra})


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/invitation/\S+)", message.body).group(1)


@pytest.fixture
def manager(cast):
    client = Client()
    client.force_login(cast.manager)
    return client


@pytest.mark.django_db
def test_invite_accept_and_report(manager, cast):
    response = _invite(manager, cast)
    assert response.status_code == 302
    page = manager.get(response["Location"]).content.decode()
    assert "Kutsu lähetettiin osoitteeseen uusi.koordinaattori@hyvinvointialue.fi" in page
    (message,) = mail.outbox
    assert "Hankkeen HANKE-A" in message.subject or "HANKE-A" in message.subject
    assert "koordinaattori" in message.body
    invitee = Client()
    accept = invitee.get(_link(message))
    assert "Sinut on kutsuttu hankkeeseen HANKE-A" in accept.content.decode()
    landed = invitee.post(_link(message), {"new_password1": PASSWORD, "new_password2": PASSWORD},
                          follow=True)
    assert landed.redirect_chain[-1][0] == reverse("reports:mine")
    assert "1.1 Digitiimi" in landed.content.decode()
    assert invitee.post(edit_url(cast), {**FILLED, "action": "save"}).status_code == 302
    membership = Membership.objects.get(person__user__username="uusi.koordinaattori@hyvinvointialue.fi")
    assert membership.role == "coordinator" and membership.project == cast.project
    # The link is used up.
    again = Client().get(_link(message))
    assert again.status_code == 410 and "Kutsu on jo käytetty" in again.content.decode()


@pytest.mark.django_db
def test_an_expired_or_withdrawn_or_resent_link_is_refused(manager, cast):
    _invite(manager, cast)
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    expired = Client().post(_link(mail.outbox[0]), {"new_password1": PASSWORD,
                                                    "new_password2": PASSWORD})
    assert expired.status_code == 410 and "Kutsu on vanhentunut" in expired.content.decode()
    assert not Membership.objects.filter(person__email=invitation.email).exists()
    # Resent: a new link, the old one no longer works.
    manager.post(reverse("workspace:invitations", args=[cast.project.pk]),
                 {"action": "resend", "invitation": invitation.pk})
    old, new = _link(mail.outbox[0]), _link(mail.outbox[1])
    assert Client().get(old).status_code == 410
    assert Client().get(new).status_code == 200
    manager.post(reverse("workspace:invitations", args=[cast.project.pk]),
                 {"action": "withdraw", "invitation": invitation.pk})
    withdrawn = Client().get(new)
    assert withdrawn.status_code == 410 and "Kutsu on peruttu" in withdrawn.content.decode()


@pytest.mark.django_db
def test_only_the_projects_manager_invites_and_ids_are_checked(manager, cast):
    url = reverse("workspace:invitations", args=[cast.project.pk])
    for user, status in [(cast.coordinator, 403), (cast.steering, 403), (cast.national, 403),
                         (cast.other_manager, 404)]:
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status
    # Another project's subproject is no choice here.
    response = _invite(manager, cast, subprojects=[cast.other_subproject.pk])
    assert response.status_code == 400 and not Invitation.objects.exists()
    # Another project's invitation id is not found through this project.
    other = Client()
    other.force_login(cast.other_manager)
    other.post(reverse("workspace:invitations", args=[cast.other_project.pk]), {
        "action": "invite", "name": "Vieras", "email": "vieras@example.fi", "role": "steering"})
    foreign = Invitation.objects.get(project=cast.other_project)
    assert manager.post(url, {"action": "withdraw", "invitation": foreign.pk}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.pending


@pytest.mark.django_db
def test_an_existing_account_accepts_by_logging_in(manager, cast):
    cast.steering.email = "ohjaaja@example.fi"
    cast.steering.save()
    _invite(manager, cast, email="OHJAAJA@example.fi", role="coordinator")
    link = _link(mail.outbox[0])
    refused = Client().post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert "kirjaudu ensin" in refused.content.decode().lower()
    client = Client()
    client.force_login(cast.steering)
    assert client.post(link).status_code == 302
    assert Membership.objects.current().filter(person__user=cast.steering,
                                               role="coordinator").exists()


@pytest.mark.django_db
def test_a_duplicate_invitation_is_refused_with_a_message(manager, cast):
    _invite(manager, cast)
    response = _invite(manager, cast)
    assert response.status_code == 400
    assert "odottava kutsu" in response.content.decode()
    assert Invitation.objects.count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_invitation_round_trip_in_a_real_browser(live_server, page, cast, mailoutbox, browser):
    from tests.browser import log_in

    cast.manager.set_password("salasana-testi-123")
    cast.manager.save()
    log_in(page, live_server, cast.manager.username, "salasana-testi-123")
    page.goto(f"{live_server.url}{reverse('workspace:hub', args=[cast.project.pk])}")
    page.get_by_role("link", name="Kutsu henkilöitä").click()
    assert_accessible(page)
    page.get_by_label("Nimi").fill("Uusi Koordinaattori")
    page.get_by_label("Sähköposti").fill("uusi@hyvinvointialue.fi")
    page.get_by_label("Rooli").select_option(label="koordinaattori")
    page.get_by_label("1.1 Digitiimi").check()
    page.get_by_role("button", name="Lähetä kutsu").click()
    assert "Kutsu lähetettiin" in page.get_by_role("status").inner_text()
    screenshot(page, "invitations")
    link = re.search(r"http://\S+/accounts/invitation/\S+", mailoutbox[0].body).group()
    invitee = browser.new_context(locale="fi-FI").new_page()
    invitee.goto(link)
    assert_accessible(invitee)
    invitee.get_by_label(re.compile(r"^Uusi salasana\W*$")).fill(PASSWORD)
    invitee.get_by_label("Uusi salasana uudelleen").fill(PASSWORD)
    invitee.get_by_role("button", name="Hyväksy kutsu").click()
    invitee.wait_for_url(f"{live_server.url}{reverse('reports:mine')}")
    invitee.get_by_role("link", name=re.compile("1.1 Digitiimi")).first.click()
    invitee.get_by_label("Tilanne / keskeiset aikaansaannokset").fill("Aloitettiin.")
    invitee.get_by_role("button", name="Tallenna luonnos").click()
    expect(invitee.get_by_role("status").filter(has_text="Luonnos tallennettiin.")).to_be_visible()
    invitee.goto(link)
    assert "Kutsu on jo käytetty" in invitee.inner_text("main")


@pytest.mark.django_db
def test_an_administrator_invites_a_national_viewer(cast):
    from tests import factories

    admin = factories.UserFactory(username="yllapito", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    url = reverse("workspace:national_invitations")
    assert client.post(url, {"action": "invite", "name": "Tiina THL",
                             "email": "tiina@thl.fi"}).status_code == 302
    invitee = Client()
    landed = invitee.post(_link(mail.outbox[0]), {"new_password1": PASSWORD,
                                                  "new_password2": PASSWORD}, follow=True)
    assert landed.redirect_chain[-1][0] == reverse("dashboards:national")
    from django.contrib.auth import get_user_model
    user = get_user_model().objects.get(username="tiina@thl.fi")
    assert user.has_perm("projects.view_all_projects")
    assert client.post(url, {"action": "withdraw", "invitation": "abc"}).status_code == 404
    manager = Client()
    manager.force_login(cast.manager)
    assert manager.get(url).status_code == 403
