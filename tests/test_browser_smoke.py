import pytest
from django.urls import reverse

from tests import factories
from tests.browser import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_project_list_in_a_real_browser(live_server, page):
    user = factories.UserFactory(username="koordinaattori")
    factories.MembershipFactory(person__user=user, project__name="Oma hanke")
    log_in(page, live_server, "koordinaattori", "salasana-testi-123")
    assert page.url == f"{live_server.url}{reverse('reports:mine')}"  # lands on my reports
    page.get_by_role("navigation").locator(f'a[href="{reverse("home")}"]').click()
    page.wait_for_url(f"{live_server.url}{reverse('home')}")
    assert page.get_by_text("Oma hanke").is_visible()
    screenshot(page, "project-list")
    assert_accessible(page)
