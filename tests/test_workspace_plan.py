"""The workspace's plan pages (issue 11, parts 1, 2 and 8): a project's managers keep the
project, its phases, work packages, goal tree, subprojects and activities, and the month's
summary and work package lights up to date; every change is audited once, a stale edit is
refused with what was typed kept, and closing a subproject keeps its history."""

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from pypdf import PdfReader

from projects.models import Phase
from projects.versioning import version_of
from reports.models import MonthlyReport, ProjectRollup
from reports.pdf import monthly
from reports.pdf.monthly import collect
from reports.selectors import completeness
from tests import factories
from tests.conftest import MONTH
from workpackages.models import Activity, Goal, Subproject, WorkPackage

pytestmark = pytest.mark.django_db


def url(name, cast, *args):
    return reverse(f"workspace:{name}", args=[cast.project.pk, *args])


def audit_rows(obj):
    return LogEntry.objects.get_for_object(obj).count()


@pytest.fixture
def manager(client, cast):
    client.force_login(cast.manager)
    return client


def test_the_hub_links_every_plan_page(manager, cast):
    html = manager.get(reverse("workspace:hub", args=[cast.project.pk])).content.decode()
    for name in ("plan_project", "plan_structure", "plan_goals", "plan_months"):
        assert f'href="{url(name, cast)}"' in html
    assert "Työpaketit, osahankkeet ja työvaiheet" in html


def test_the_manager_edits_the_project_once_audited(manager, cast):
    org = factories.OrganisationFactory(name="Kaupunki X", region=cast.project.region)
    before = audit_rows(cast.project)
    response = manager.post(url("plan_project", cast), {
        "code": "HANKE-A", "name": "Hanke A uusi", "description": "Kuvaus",
        "innokyla_url": "https://innokyla.fi/fi/hanke-a", "co_implementers": [org.pk],
        "version": version_of(cast.project)}, follow=True)
    html = response.content.decode()
    assert "Hankkeen tiedot tallennettiin." in html
    cast.project.refresh_from_db()
    assert cast.project.name == "Hanke A uusi"
    assert list(cast.project.co_implementers.all()) == [org]
    changes = LogEntry.objects.get_for_object(cast.project).order_by("pk")[before:]
    assert any("name" in (entry.changes_dict or {}) for entry in changes)
    assert any("co_implementers" in (entry.changes_dict or {}) for entry in changes)
    before = audit_rows(cast.project)
    manager.post(url("plan_project", cast), {
        "code": "HANKE-A", "name": "Hanke A uusi", "description": "Uusi kuvaus",
        "innokyla_url": "https://innokyla.fi/fi/hanke-a", "co_implementers": [org.pk],
        "version": version_of(cast.project)})
    assert audit_rows(cast.project) == before + 1  # one change, one row


def test_a_phase_is_added_with_unknown_figures_left_empty_and_edited(manager, cast):
    response = manager.post(url("plan_phase_new", cast), {
        "code": "II", "name": "II-vaihe", "start_date": "2022-01-01", "end_date": "2023-12-31",
        "state_grant": "1 250 000,50", "staff_count": "", "project_count": "", "version": ""},
        follow=True)
    assert "Vaihe tallennettiin." in response.content.decode()
    phase = Phase.objects.get(project=cast.project, code="II")
    assert str(phase.state_grant) == "1250000.50"
    assert phase.staff_count is None and phase.project_count is None
    assert audit_rows(phase) == 1
    manager.post(url("plan_phase", cast, phase.pk), {
        "code": "II", "name": "II-vaihe", "start_date": "2022-01-01", "end_date": "2023-12-31",
        "state_grant": "", "staff_count": "12", "project_count": "", "version": version_of(phase)})
    phase.refresh_from_db()
    assert phase.staff_count == 12 and phase.state_grant is None
    assert audit_rows(phase) == 2
    html = manager.get(url("plan_project", cast)).content.decode()
    assert "II-vaihe" in html


def test_invalid_phase_input_gives_finnish_messages_and_keeps_what_was_typed(manager, cast):
    response = manager.post(url("plan_phase_new", cast), {
        "code": "II", "name": "", "start_date": "2023-01-01", "end_date": "2022-01-01",
        "state_grant": "", "staff_count": "1234567890", "project_count": "", "version": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Tämä kenttä vaaditaan." in html
    assert "Tarkista luku: se on suurempi kuin 100000." in html
    assert 'value="1234567890"' in html and 'value="2023-01-01"' in html
    assert 'href="#id_staff_count"' in html  # the summary links to the field
    assert not Phase.objects.filter(project=cast.project, code="II").exists()
    response = manager.post(url("plan_phase_new", cast), {
        "code": "II", "name": "II-vaihe", "start_date": "2023-01-01", "end_date": "2022-01-01",
        "version": ""})
    assert "Vaiheen on päätyttävä alkamisensa jälkeen." in response.content.decode()


def test_work_packages_subprojects_and_activities_are_created_and_listed_in_code_order(
        manager, cast):
    benefit = factories.BenefitGoalFactory(programme=cast.project.programme, name="Saatavuus")
    response = manager.post(url("plan_work_package_new", cast), {
        "code": "TP10", "name": "Digi", "kind": "work_package", "benefit_goals": [benefit.pk],
        "version": ""}, follow=True)
    assert "Työpaketti tallennettiin." in response.content.decode()
    wp = WorkPackage.objects.get(project=cast.project, code="TP10")
    assert list(wp.benefit_goals.all()) == [benefit]
    manager.post(url("plan_work_package_new", cast), {
        "code": "TP2", "name": "Kaksi", "kind": "theme", "version": ""})
    response = manager.post(url("plan_subproject_new", cast), {
        "work_package": wp.pk, "code": "10.10", "name": "Etävastaanotto",
        "start_month": "3/2022", "end_month": "12/2022", "starts_later": "on",
        "carried_over": "on", "version": ""}, follow=True)
    assert "Osahanke tallennettiin." in response.content.decode()
    sub = Subproject.objects.get(project=cast.project, code="10.10")
    assert (sub.start_month, sub.end_month) == (dt.date(2022, 3, 1), dt.date(2022, 12, 1))
    assert sub.starts_later and sub.carried_over and sub.work_package == wp
    manager.post(url("plan_subproject_new", cast), {
        "work_package": wp.pk, "code": "10.2", "name": "Chat", "version": ""})
    response = manager.post(url("plan_activity_new", cast, sub.pk), {
        "name": "Pilotointi", "start_month": "4/2022", "end_month": "6/2022", "order": "0",
        "version": ""}, follow=True)
    assert "Työvaihe tallennettiin." in response.content.decode()
    activity = Activity.objects.get(subproject=sub)
    for obj in (wp, sub, activity):
        assert LogEntry.objects.get_for_object(obj).filter(action=LogEntry.Action.CREATE).count() == 1
    html = manager.get(url("plan_structure", cast)).content.decode()
    assert html.index("TP1 Saatavuus") < html.index("TP2 Kaksi") < html.index("TP10 Digi")
    assert html.index("10.2 Chat") < html.index("10.10 Etävastaanotto") < html.index("Pilotointi")
    assert "alkaa myöhemmin" in html
    html = manager.get(url("plan_project", cast)).content.decode()
    assert "Saatavuus" in html[html.index("TP10 Digi"):]


def test_an_activity_is_edited_and_its_end_cannot_be_before_its_start(manager, cast):
    activity = factories.ActivityFactory(subproject=cast.subproject, name="Koulutus")
    response = manager.post(url("plan_activity", cast, activity.pk), {
        "name": "Koulutus 2", "start_month": "9/2022", "end_month": "3/2022", "order": "0",
        "version": version_of(activity)})
    html = response.content.decode()
    assert "Päättymiskuukausi ei voi olla ennen aloituskuukautta." in html
    assert 'value="Koulutus 2"' in html and 'value="9/2022"' in html
    manager.post(url("plan_activity", cast, activity.pk), {
        "name": "Koulutus 2", "start_month": "3/2022", "end_month": "9/2022", "order": "0",
        "version": version_of(activity)})
    activity.refresh_from_db()
    assert activity.name == "Koulutus 2"
    assert audit_rows(activity) == 2  # created, changed once


def test_the_goal_tree_is_built_and_a_goal_cannot_be_under_itself(manager, cast):
    manager.post(url("plan_goal_new", cast), {
        "code": "1", "level": "benefit", "name": "Palvelut saatavilla", "version": ""})
    top = Goal.objects.get(project=cast.project, code="1")
    response = manager.post(url("plan_goal_new", cast), {
        "code": "1.1", "level": "process", "name": "Jonot lyhenevät", "parent": top.pk,
        "version": ""}, follow=True)
    assert "Tavoite tallennettiin." in response.content.decode()
    child = Goal.objects.get(project=cast.project, code="1.1")
    assert child.parent == top and audit_rows(child) == 1
    response = manager.post(url("plan_goal", cast, top.pk), {
        "code": "1", "level": "benefit", "name": "Palvelut saatavilla", "parent": child.pk,
        "version": version_of(top)})
    assert response.status_code == 400
    top.refresh_from_db()
    assert top.parent is None
    html = manager.get(url("plan_goals", cast)).content.decode()
    assert html.index("1 Palvelut saatavilla") < html.index("1.1 Jonot lyhenevät")


def test_a_stale_edit_is_refused_and_what_was_typed_is_shown(client, cast):
    second = factories.UserFactory(username="toinen")
    factories.MembershipFactory(project=cast.project, role="manager",
                                person=factories.PersonFactory(user=second, name="Toinen"))
    wp = cast.subproject.work_package
    read_at = version_of(wp)
    client.force_login(second)
    client.post(url("plan_work_package", cast, wp.pk), {
        "code": "TP1", "name": "Toisen nimi", "kind": "work_package", "version": read_at})
    client.force_login(cast.manager)
    response = client.post(url("plan_work_package", cast, wp.pk), {
        "code": "TP1", "name": "Minun nimeni", "kind": "work_package", "version": read_at})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Joku muu muutti tätä" in html
    assert 'value="Minun nimeni"' in html and "Toisen nimi" in html
    wp.refresh_from_db()
    assert wp.name == "Toisen nimi"
    assert LogEntry.objects.get_for_object(wp).filter(action=LogEntry.Action.UPDATE).count() == 1


def test_closing_a_subproject_keeps_its_reports_and_ends_expected_reporting(manager, cast):
    sub = cast.subproject
    report = factories.MonthlyReportFactory(subproject=sub, period=dt.date(2022, 4, 1),
                                            state=MonthlyReport.State.APPROVED, light="green")
    expected_before = completeness([cast.project.pk], MONTH)[cast.project.pk].expected
    response = manager.post(url("plan_subproject_close", cast, sub.pk), {
        "closed_from": "5/2022", "version": version_of(sub)}, follow=True)
    assert "Osahankkeen päättymiskuukausi tallennettiin." in response.content.decode()
    sub.refresh_from_db()
    assert sub.closed_from == MONTH
    assert MonthlyReport.objects.filter(pk=report.pk).exists()
    assert sub not in Subproject.objects.expected_to_report(MONTH)
    assert sub in Subproject.objects.expected_to_report(dt.date(2022, 4, 1))
    assert completeness([cast.project.pk], MONTH)[cast.project.pk].expected == expected_before - 1
    # One audit row for the closing (the fixture's responsible person wrote one of its own).
    assert LogEntry.objects.get_for_object(sub).filter(
        action=LogEntry.Action.UPDATE, changes__has_key="closed_from").count() == 1
    html = manager.get(url("plan_structure", cast)).content.decode()
    assert "suljettu 5/2022 alkaen" in html
    response = manager.post(url("plan_subproject_close", cast, sub.pk), {
        "closed_from": "12/2021", "version": version_of(sub)})
    assert "Osahanke ei voi päättyä ennen alkamistaan" in response.content.decode()


def test_the_months_summary_and_a_light_override_reach_dashboards_and_the_pdf(manager, cast):
    response = manager.get(url("plan_months", cast))
    assert "5/2022" in response.content.decode()
    response = manager.get(url("plan_month", cast, "2022-05"))
    assert response.status_code == 200
    rollup = ProjectRollup.objects.get(project=cast.project, month=MONTH)
    response = manager.post(url("plan_month", cast, "2022-05"), {
        "narrative": "Toukokuussa rekrytoinnit etenivät.", "version": version_of(rollup)},
        follow=True)
    assert "Kuukauden yhteenveto tallennettiin." in response.content.decode()
    rollup.refresh_from_db()
    assert LogEntry.objects.get_for_object(rollup).filter(action=LogEntry.Action.UPDATE).count() == 1
    wp = cast.subproject.work_package
    status = rollup.work_package_statuses.get(work_package=wp)
    override = url("plan_override", cast, "2022-05", wp.pk)
    prefix = f"wp{wp.pk}-"
    response = manager.post(override, {prefix + "override_light": "red", prefix + "override_reason": "",
                                       "version": version_of(status)})
    assert response.status_code == 400
    assert "Perustele, miksi muutat laskettua valoa." in response.content.decode()
    assert 'value="red" selected' in response.content.decode() or \
        '<option value="red" selected>' in response.content.decode()
    manager.post(override, {prefix + "override_light": "red",
                            prefix + "override_reason": "Rahoitus viivästyy.",
                            "version": version_of(status)})
    status.refresh_from_db()
    assert (status.override_light, status.override_reason) == ("red", "Rahoitus viivästyy.")
    assert LogEntry.objects.get_for_object(status).filter(action=LogEntry.Action.UPDATE).count() == 1
    manager.force_login(cast.steering)
    html = manager.get(reverse("dashboards:project", args=[cast.project.pk]) + "?month=2022-05") \
        .content.decode()
    assert "Toukokuussa rekrytoinnit etenivät." in html and "Rahoitus viivästyy." in html
    data = collect(project=cast.project, month=MONTH)
    pages = PdfReader(io.BytesIO(monthly.render(data))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Toukokuussa rekrytoinnit etenivät." in text
    assert "punainen" in text and "Rahoitus viivästyy." in text


def test_a_month_the_project_does_not_report_is_not_found(manager, cast):
    assert manager.get(url("plan_month", cast, "2019-05")).status_code == 404
    assert manager.get(url("plan_month", cast, "2022-13")).status_code == 404


def test_ids_of_another_project_are_not_found_and_change_nothing(manager, cast):
    other_wp = cast.other_subproject.work_package
    other_phase = factories.PhaseFactory(project=cast.other_project)
    for name, obj in [("plan_work_package", other_wp), ("plan_subproject", cast.other_subproject),
                      ("plan_subproject_close", cast.other_subproject), ("plan_phase", other_phase),
                      ("plan_activity_new", cast.other_subproject)]:
        assert manager.get(url(name, cast, obj.pk)).status_code == 404
        assert manager.post(url(name, cast, obj.pk), {"name": "X", "version": ""}).status_code == 404
    other_goal = factories.GoalFactory(project=cast.other_project)
    assert manager.get(url("plan_goal", cast, other_goal.pk)).status_code == 404
    # A work package of another project named in the form is refused; nothing is saved.
    response = manager.post(url("plan_subproject_new", cast), {
        "work_package": other_wp.pk, "code": "9.9", "name": "Vieras", "version": ""})
    assert response.status_code == 400
    assert not Subproject.objects.filter(code="9.9").exists()
    response = manager.post(url("plan_subproject", cast, cast.subproject.pk), {
        "work_package": other_wp.pk, "code": "1.1", "name": "Siirretty",
        "version": version_of(cast.subproject)})
    assert response.status_code == 400
    cast.subproject.refresh_from_db()
    assert cast.subproject.work_package.project == cast.project
    rollup = ProjectRollup.objects.create(project=cast.other_project, month=MONTH,
                                          computed_at=dt.datetime(2022, 6, 1, tzinfo=dt.UTC))
    assert manager.get(url("plan_override", cast, "2022-05", other_wp.pk)).status_code == 404
    assert rollup.narrative == ""


def test_the_pages_are_in_swedish_for_a_swedish_user(manager, cast):
    html = manager.get(url("plan_structure", cast), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Arbetspaket och delprojekt" in html and "Lägg till ett arbetspaket" in html


def test_a_new_empty_subproject_is_deleted_after_confirming_one_with_reports_is_not(
        manager, cast):
    empty = factories.SubprojectFactory(work_package=cast.subproject.work_package, code="1.9",
                                        name="Vahinko")
    factories.ActivityFactory(subproject=empty)
    page = manager.get(url("plan_subproject_delete", cast, empty.pk)).content.decode()
    assert "Poista osahanke" in page
    assert Subproject.objects.filter(pk=empty.pk).exists()  # a GET only asks
    response = manager.post(url("plan_subproject_delete", cast, empty.pk),
                            {"version": version_of(empty)}, follow=True)
    assert "Osahanke 1.9 Vahinko poistettiin." in response.content.decode()
    assert not Subproject.objects.filter(pk=empty.pk).exists()
    assert LogEntry.objects.filter(object_pk=str(empty.pk), action=LogEntry.Action.DELETE,
                                   content_type__model="subproject").count() == 1
    factories.MonthlyReportFactory(subproject=cast.sibling, period=MONTH)
    page = manager.get(url("plan_subproject_delete", cast, cast.sibling.pk)).content.decode()
    assert "ei voi poistaa" in page and "Poista osahanke</button>" not in page
    response = manager.post(url("plan_subproject_delete", cast, cast.sibling.pk),
                            {"version": version_of(cast.sibling)})
    assert response.status_code == 400
    assert Subproject.objects.filter(pk=cast.sibling.pk).exists()


def test_a_choice_from_a_list_is_one_audit_row_the_audit_page_and_export_read(manager, cast):
    goal = factories.GoalFactory(project=cast.project, code="7", name="Jonot lyhenevät")
    sub = cast.subproject
    before = audit_rows(sub)
    manager.post(url("plan_subproject", cast, sub.pk), {
        "work_package": sub.work_package_id, "code": sub.code, "name": sub.name,
        "goals": [goal.pk], "start_month": "1/2022", "end_month": "12/2023",
        "version": version_of(sub)})
    assert list(sub.goals.all()) == [goal]
    assert audit_rows(sub) == before + 1
    html = manager.get(reverse("project-audit", args=[cast.project.pk])).content.decode()
    assert "Jonot lyhenevät" in html
    export = manager.get(reverse("project-audit", args=[cast.project.pk]) + "?format=csv")
    assert "goals,,7 Jonot lyhenevät" in b"".join(export.streaming_content).decode()
