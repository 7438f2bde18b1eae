"""Hostile round 6: what a tester who did not write the code found in this session's pages
(second factor, roles with dates, Excel by role, the plan in Excel), each a regression test."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from projects.models import Membership
from tests.support import needs_postgres
from tests.test_two_factor import PASSWORD, code, set_up, signed_in

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(cast):
    cast.manager.set_password(PASSWORD)
    cast.manager.save()
    return cast.manager


def test_the_password_alone_does_not_remove_or_replace_the_second_factor(manager):
    set_up(signed_in(manager.username), manager)
    device = TOTPDevice.objects.get(user=manager, confirmed=True)
    thief = signed_in(manager.username)  # knows the password, not the app's code
    removed = thief.post(reverse("two_factor_remove"))
    assert removed.status_code == 302 and removed["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert StaticDevice.objects.filter(user=manager).exists()
    setup = thief.get(reverse("two_factor_setup"))
    assert setup.status_code == 302 and setup["Location"].startswith(reverse("two_factor_verify"))
    assert not TOTPDevice.objects.filter(user=manager, confirmed=False).exists()
    assert thief.get(reverse("reports:mine")).status_code == 302  # still asked for the code
    # With the code the owner removes it as before.
    assert thief.post(reverse("two_factor_verify"), {"code": code(device, steps_ahead=1)}).status_code == 302
    assert thief.post(reverse("two_factor_remove")).status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()


@pytest.mark.parametrize("value", ["abc", "", "1.5", "1e3", "😀"])
def test_a_tampered_membership_id_on_the_people_page_is_no_role_not_an_error(cast, value):
    response = _client(cast.manager).post(reverse("project-people", args=[cast.project.pk]),
                                          {"membership": value})
    assert response.status_code == 404
    assert Membership.objects.current().filter(project=cast.project).count() == 3


def test_ending_a_role_that_starts_later_is_not_an_error(cast):
    later = Membership.objects.create(
        project=cast.project, person=cast.steering.person, role=Membership.Role.MEMBER,
        started_at=timezone.now() + dt.timedelta(days=30))
    response = _client(cast.manager).post(reverse("project-people", args=[cast.project.pk]),
                                          {"membership": later.pk}, follow=True)
    assert response.status_code == 200
    later.refresh_from_db()
    assert later.ended_at is not None
    assert not Membership.objects.current(at=later.started_at + dt.timedelta(days=1)).filter(
        pk=later.pk).exists()


def _plan_upload(client, project, workbook):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(reverse("workspace:plan_excel", args=[project.pk]), {
        "file": SimpleUploadedFile("suunnitelma.xlsx", buffer.getvalue())})


def _plan_workbook(client, project):
    import io

    from openpyxl import load_workbook
    data = client.get(reverse("workspace:plan_excel_download", args=[project.pk])).content
    return load_workbook(io.BytesIO(data))


@pytest.mark.parametrize(("column", "typed"), [
    ("C", "1.2"), ("D", "vapaa teksti"), ("F", "vuosittain"), ("G", "kyllä")])
def test_the_plan_workbook_does_not_change_what_reported_values_mean(cast, column, typed):
    from indicators.models import Metric
    from tests import factories
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="M1",
                                     kind=Metric.Kind.COUNT, cumulative=False)
    factories.MetricValueFactory(metric=metric, value=12, published=True)
    before = Metric.objects.filter(pk=metric.pk).values(
        "subproject", "kind", "frequency", "cumulative").get()
    manager = _client(cast.manager)
    workbook = _plan_workbook(manager, cast.project)
    sheet = workbook["Mittarit"]
    assert sheet["A2"].value == "M1"
    sheet[f"{column}2"] = typed
    response = _plan_upload(manager, cast.project, workbook)
    page = response.content.decode()
    assert response.status_code == 400, page[:2000]
    assert "on jo raportoituja arvoja" in page
    assert Metric.objects.filter(pk=metric.pk).values(
        "subproject", "kind", "frequency", "cumulative").get() == before
    # The name may still be corrected.
    workbook = _plan_workbook(manager, cast.project)
    workbook["Mittarit"]["B2"] = "Korjattu nimi"
    assert _plan_upload(manager, cast.project, workbook).status_code == 200
    assert Metric.objects.get(pk=metric.pk).name == "Korjattu nimi"


def test_a_formula_without_its_value_in_the_plan_workbook_erases_no_text(cast):
    from workpackages.models import WorkPackage
    WorkPackage.objects.filter(pk=cast.subproject.work_package_id).update(
        description="Saatavuuden kuvaus, jota kukaan ei halua menettää")
    manager = _client(cast.manager)
    workbook = _plan_workbook(manager, cast.project)
    workbook["Työpaketit"]["D2"] = "=B2"  # a program's file: no computed value in it
    response = _plan_upload(manager, cast.project, workbook)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Solussa on kaava mutta ei laskettua arvoa" in page
    assert WorkPackage.objects.get(pk=cast.subproject.work_package_id).description == (
        "Saatavuuden kuvaus, jota kukaan ei halua menettää")


def _former(cast, role, username, name):
    """Someone whose role in the project has ended (and who is still named on the subproject)."""
    from tests import factories
    user = factories.UserFactory(username=username, email=f"{username}@example.test")
    person = factories.PersonFactory(user=user, name=name)
    membership = factories.MembershipFactory(project=cast.project, person=person, role=role)
    Membership.objects.filter(pk=membership.pk).update(ended_at=timezone.now())
    return user


def test_the_manager_saves_on_behalf_of_the_current_coordinator_not_a_former_one(client, cast):
    from reports.models import MonthlyReport
    from tests.test_excel import as_upload, download, fill_own_row, upload
    former = _former(cast, Membership.Role.COORDINATOR, "entinen", "Aaltonen Entinen")
    cast.subproject.responsible_people.add(former.person)  # sorts before the current one
    workbook = download(client, cast)
    fill_own_row(workbook)
    workbook["Mittarit"].delete_rows(2, 10)  # the texts are enough here
    response = upload(client, cast, cast.manager, as_upload(workbook))
    assert response.status_code == 302, response.content.decode()[-3000:]
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    assert {e.on_behalf_of for e in report.events.all()} == {cast.coordinator}


def test_former_members_get_no_reminders_or_notices(cast):
    from django.core import mail

    from reports import document_rendering, periods
    from tests import factories
    _former(cast, Membership.Role.COORDINATOR, "entinenkoordinaattori", "Entinen Koordinaattori")
    former = Membership.objects.get(person__user__username="entinenkoordinaattori")
    cast.subproject.responsible_people.add(former.person)
    _former(cast, Membership.Role.MANAGER, "entinenpaallikko", "Entinen Päällikkö")
    _former(cast, Membership.Role.STEERING, "entinenohjaaja", "Entinen Ohjaaja")
    cast.steering.email = "ohjaaja@example.test"
    cast.steering.save()
    periods.send_reminders(today=dt.date(2022, 6, 8))
    document = factories.GeneratedDocumentFactory(project=cast.project)
    document_rendering._tell_steering_group(document)
    recipients = {address for message in mail.outbox for address in message.to}
    assert "ohjaaja@example.test" in recipients
    assert not {"entinenkoordinaattori@example.test", "entinenpaallikko@example.test",
                "entinenohjaaja@example.test"} & recipients


def test_the_page_of_a_person_with_two_roles_in_the_project_opens(cast):
    person = cast.coordinator.person
    Membership.objects.create(project=cast.project, person=person, role=Membership.Role.STEERING)
    response = _client(cast.manager).get(reverse("person-roles", args=[cast.project.pk, person.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "koordinaattori" in page and "ohjausryhmän jäsen" in page


def test_another_projects_plan_does_not_overwrite_this_projects_plan(cast):
    from workpackages.models import Subproject
    other = _plan_workbook(_client(cast.other_manager), cast.other_project)
    assert other["Osahankkeet"]["A2"].value == "1.1"  # the same codes as in this project
    response = _plan_upload(_client(cast.manager), cast.project, other)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tiedosto on hankkeen HANKE-B suunnitelma" in page
    assert Subproject.objects.get(pk=cast.subproject.pk).name == "Digitiimi"


@pytest.mark.parametrize("typed", ["31.12.9999", "1.1.0001"])
def test_a_far_off_date_in_the_plan_workbook_is_refused_not_an_error(cast, typed):
    from indicators.models import MetricTarget
    from tests import factories
    metric = factories.MetricFactory(project=cast.project, code="M1")
    factories.MetricTargetFactory(metric=metric)
    manager = _client(cast.manager)
    for target in (200, 300):  # the second import builds on the first one's version
        workbook = _plan_workbook(manager, cast.project)
        sheet = workbook["Mittarit"]
        sheet["I2"], sheet["K2"] = target, typed
        response = _plan_upload(manager, cast.project, workbook)
        assert response.status_code == 400, response.content.decode()[-2000:]
        assert "Anna päivämäärä väliltä" in response.content.decode()
    assert MetricTarget.objects.filter(metric=metric).count() == 1


def test_a_national_viewer_in_a_steering_group_sees_no_other_projects_staff(cast):
    from django.contrib.auth.models import Permission
    Membership.objects.create(project=cast.project, person=cast.other_coordinator.person,
                              role=Membership.Role.MEMBER)
    reader = cast.steering
    reader.user_permissions.add(Permission.objects.get(codename="view_all_projects"))
    response = _client(reader).get(reverse(
        "person-roles", args=[cast.project.pk, cast.other_coordinator.person.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "HANKE-A" in page
    assert "HANKE-B" not in page  # the person's role in a project the reader is not in


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_plan_workbook_is_saved_once_not_an_error(cast):
    """Two tabs (or a double click) import the same new rows at once: the second waits for
    the first and finds its rows, instead of failing on the unique code."""
    import io
    import threading

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from workpackages.models import WorkPackage
    from workspace import plan_excel
    workbook = _plan_workbook(_client(cast.manager), cast.project)
    for number in range(20):
        workbook["Työpaketit"].append([f"UUSI{number}", "Uusi työpaketti", "työpaketti", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    results, start = [], threading.Barrier(2)

    def import_once():
        try:
            start.wait()
            results.append(plan_excel.import_plan(
                cast.project, SimpleUploadedFile("suunnitelma.xlsx", buffer.getvalue())).ok)
        except Exception as error:  # noqa: BLE001 - the failure is the finding
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=import_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True, True]
    assert WorkPackage.objects.filter(project=cast.project, code__startswith="UUSI").count() == 20


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_ending_each_others_role_at_once_leave_one_manager(cast):
    import threading

    from django.db import connection

    from projects import services
    from tests import factories
    second = factories.UserFactory(username="toinenpaallikko")
    factories.MembershipFactory(project=cast.project, person__user=second,
                                role=Membership.Role.MANAGER)
    first_role = Membership.objects.get(person__user=cast.manager, project=cast.project)
    second_role = Membership.objects.get(person__user=second, project=cast.project)
    start, results = threading.Barrier(2), []

    def end(membership, by):
        try:
            start.wait()
            services.membership_end(membership=membership, by=by)
            results.append("ended")
        except Exception as error:  # noqa: BLE001 - the refusal is expected for one of them
            results.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=end, args=(second_role, cast.manager)),
               threading.Thread(target=end, args=(first_role, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ValidationError", "ended"]
    assert Membership.objects.current().filter(project=cast.project,
                                               role=Membership.Role.MANAGER).count() == 1
