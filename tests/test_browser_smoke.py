import pytest

from tests import factories
from tests.browser import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_project_list_in_a_real_browser(live_server, page):
    user = factories.UserFactory(username="koordinaattori")
    factories.MembershipFactory(person__user=user, project__name="Oma hanke")
    log_in(page, live_server, "koordinaattori", "salasana-testi-123")
    assert page.get_by_role("heading", name="Omat raportit").is_visible()  # lands on my reports
    page.get_by_role("link", name="Hankkeet").click()
    assert page.get_by_role("heading", name="Hankkeet").is_visible()
    assert page.get_by_text("Oma hanke").is_visible()
    screenshot(page, "project-list")
    assert_accessible(page)
