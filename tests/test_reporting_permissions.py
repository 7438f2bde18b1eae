"""Who may do what with monthly reports, for every reporting page, including id tampering."""

import pytest
from django.urls import reverse

from reports.models import MonthlyReport
from tests import factories

pytestmark = pytest.mark.django_db

FORM = {"light": "green", "situation": "Teksti", "next_steps": "Seuraavaksi", "action": "save"}


@pytest.fixture
def reports(cast):
    """A submitted report in each project."""
    own = factories.MonthlyReportFactory(subproject=cast.subproject, period=cast.month,
                                         state="submitted", light="green")
    other = factories.MonthlyReportFactory(subproject=cast.other_subproject, period=cast.month,
                                           state="submitted", light="red")
    return own, other


def users(cast):
    return {
        "coordinator": cast.coordinator, "manager": cast.manager, "steering": cast.steering,
        "other_coordinator": cast.other_coordinator, "other_manager": cast.other_manager,
        "national": cast.national,
    }


# role -> expected status of: GET form, POST form (save), POST approve, GET review queue
EXPECTED = {
    "coordinator":       {"view": 200, "save": 302, "approve": 403, "review": 403},
    "manager":           {"view": 200, "save": 403, "approve": 302, "review": 200},
    "steering":          {"view": 200, "save": 403, "approve": 403, "review": 403},
    "other_coordinator": {"view": 404, "save": 404, "approve": 404, "review": 404},
    "other_manager":     {"view": 404, "save": 404, "approve": 404, "review": 404},
    "national":          {"view": 404, "save": 404, "approve": 404, "review": 403},
    "anonymous":         {"view": 302, "save": 302, "approve": 302, "review": 302},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permission_matrix_on_project_a_reports(client, cast, reports, role):
    own, _ = reports
    # a draft is editable; the submitted fixture report is reset to draft for the save check
    MonthlyReport.objects.filter(pk=own.pk).update(state="draft")
    if role != "anonymous":
        client.force_login(users(cast)[role])
    edit = reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])
    got = {"view": client.get(edit).status_code,
           "save": client.post(edit, {**FORM, "version": own.version}).status_code}
    MonthlyReport.objects.filter(pk=own.pk).update(state="submitted")
    got["approve"] = client.post(reverse("reports:approve", args=[own.pk]),
                                 factories.approve_form(own)).status_code
    got["review"] = client.get(reverse("reports:review", args=[cast.project.pk])).status_code
    assert got == EXPECTED[role]


def test_national_viewer_reads_approved_reports_only(client, cast, reports):
    own, _ = reports
    client.force_login(cast.national)
    url = reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])
    assert client.get(url).status_code == 404
    MonthlyReport.objects.filter(pk=own.pk).update(state="approved")
    page = client.get(url)
    assert page.status_code == 200 and "Digitiimi" in page.content.decode()


def test_changing_the_id_in_the_url_never_shows_another_projects_report(client, cast, reports):
    _, other = reports
    client.force_login(cast.coordinator)
    for url in [
        reverse("reports:edit", args=[cast.other_subproject.pk, "2022-05"]),
        reverse("reports:review", args=[cast.other_project.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Vieras osahanke" not in response.content.decode()
    for name in ["approve", "return", "reopen"]:
        assert client.post(reverse(f"reports:{name}", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.state == "submitted"


def test_coordinator_cannot_edit_a_sibling_subproject_of_the_same_project(client, cast):
    client.force_login(cast.coordinator)
    url = reverse("reports:edit", args=[cast.sibling.pk, "2022-05"])
    assert client.get(url).status_code == 200  # may read the project
    assert client.post(url, FORM).status_code == 403
    assert not MonthlyReport.objects.filter(subproject=cast.sibling).exists()


def test_my_reports_lists_only_own_subprojects(client, cast, reports):
    client.force_login(cast.other_coordinator)
    page = client.get(reverse("reports:mine")).content.decode()
    assert "Vieras osahanke" in page and "Digitiimi" not in page
