"""The plan in Excel (issue 11, part 9): the template round trip reproduces a plan exactly, in
another project too (Soite's budget of 1 626 897 €), the same file again changes nothing, and
a file with a wrong cell saves nothing and names the cell."""

import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from demo.services import load_demo
from indicators.models import Metric, MetricTarget
from projects.models import Membership, Project
from tests import factories
from workpackages.models import BudgetLine, Risk, Subproject, WorkPackage
from workspace import plan_excel

pytestmark = pytest.mark.django_db


def _plan(project) -> dict:
    """The plan as the workbook holds it, row by row (the comparison of two projects)."""
    rows = plan_excel.plan_rows(project)
    # The target's valid-from date is the import's own day in a new project.
    rows[plan_excel.METRICS.name] = [r[:10] for r in rows[plan_excel.METRICS.name]]
    return rows


def _upload(client, project, data: bytes):
    return client.post(reverse("workspace:plan_excel", args=[project.pk]), {
        "file": SimpleUploadedFile("suunnitelma.xlsx", data)})


@pytest.fixture
def soite(db):
    load_demo(password="demo-salasana-testi")
    return Project.objects.get(code__icontains="soite")


def _manager_client(client, project):
    user = factories.UserFactory(username=f"paallikko-{project.pk}")
    factories.MembershipFactory(project=project, person__user=user, role=Membership.Role.MANAGER)
    client.force_login(user)
    return client


def test_the_round_trip_sets_up_soites_plan_in_an_empty_project(client, soite):
    data = _manager_client(client, soite).get(
        reverse("workspace:plan_excel_download", args=[soite.pk])).content
    sheets = load_workbook(io.BytesIO(data)).sheetnames
    assert sheets[:6] == ["Ohjeet", "Työpaketit", "Osahankkeet", "Mittarit", "Budjetti", "Riskit"]
    empty = factories.ProjectFactory(code="UUSI", name="Uusi hanke")
    response = _upload(_manager_client(client, empty), empty, data)
    assert response.status_code == 200, response.content.decode()[:3000]
    assert "Suunnitelma tuotiin" in response.content.decode()
    assert _plan(empty) == _plan(soite)
    total = BudgetLine.objects.filter(subproject__project=empty).aggregate(s=Sum("amount"))["s"]
    assert total == Decimal("1626897")
    by_theme = dict(BudgetLine.objects.filter(subproject__project=empty)
                    .values_list("subproject__work_package__code").annotate(s=Sum("amount")))
    assert by_theme == dict(BudgetLine.objects.filter(subproject__project=soite)
                            .values_list("subproject__work_package__code").annotate(s=Sum("amount")))
    assert Risk.objects.filter(project=empty).count() == Risk.objects.filter(project=soite).count() > 0


def test_the_same_file_again_changes_nothing(client, soite):
    _manager_client(client, soite)
    data = client.get(reverse("workspace:plan_excel_download", args=[soite.pk])).content
    before = (_plan(soite), LogEntry.objects.count(), MetricTarget.objects.count())
    response = _upload(client, soite, data)
    assert response.status_code == 200
    assert "0 riviä lisättiin, 0 muutettiin" in response.content.decode()
    assert (_plan(soite), LogEntry.objects.count(), MetricTarget.objects.count()) == before


def test_a_changed_target_is_a_new_version_and_a_changed_name_an_update(client, cast):
    metric = factories.MetricFactory(project=cast.project, code="1.1", kind="count",
                                     name="Käynnit")
    _manager_client(client, cast.project)
    workbook = load_workbook(io.BytesIO(plan_excel.plan_workbook(cast.project)))
    sheet = workbook["Mittarit"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "1.1")
    row[1].value, row[7].value, row[8].value = "Etäkäynnit", 10, 250
    row[11].value = "Tavoite nostettiin ohjausryhmässä"
    wp_sheet = workbook["Osahankkeet"]
    wp_sheet.append(["1.3", cast.subproject.work_package.code, "Uusi osahanke", "", "1/2023",
                     "12/2023", "ei", "ei"])
    out = io.BytesIO()
    workbook.save(out)
    assert _upload(client, cast.project, out.getvalue()).status_code == 200
    metric.refresh_from_db()
    assert metric.name == "Etäkäynnit"
    latest = metric.targets.order_by("-effective_from").first()
    assert (latest.baseline_value, latest.target_value) == (10, 250)
    assert latest.reason == "Tavoite nostettiin ohjausryhmässä"
    assert Subproject.objects.filter(project=cast.project, code="1.3").exists()
    assert LogEntry.objects.get_for_object(metric).count() >= 2


def test_one_wrong_cell_saves_nothing_and_is_named(client, cast):
    _manager_client(client, cast.project)
    workbook = load_workbook(io.BytesIO(plan_excel.plan_workbook(cast.project)))
    workbook["Työpaketit"].append(["TP9", "Uusi työpaketti", "työpaketti", ""])
    workbook["Budjetti"].append([cast.subproject.code, 2023, "kaikki kustannukset", "12,5 €"])
    workbook["Riskit"].append(["Henkilöstön vaihtuvuus", "henkilöstö", 7, 50, "", ""])
    workbook["Riskit"].append(["Rahoituksen viivästyminen", "talous", "4,6", 50, "", ""])
    workbook["Osahankkeet"].append(["9.9", "TP404", "Orpo", "", "13/2023", "", "ehkä", "ei"])
    out = io.BytesIO()
    workbook.save(out)
    response = _upload(client, cast.project, out.getvalue())
    text = response.content.decode()
    assert response.status_code == 400
    assert "Mitään ei tuotu" in text
    for expected in ["Budjetti", "“12,5 €” ei ole luku.", "Riskit", "Anna luku väliltä 1–5",
                     "Anna kokonaisluku.",
                     "Työpakettia TP404 ei ole", "Kirjoita kyllä tai ei.", "Osahankkeet"]:
        assert expected in text, expected
    assert not WorkPackage.objects.filter(project=cast.project, code="TP9").exists()
    assert not Risk.objects.filter(project=cast.project).exists()


def test_only_the_projects_manager_reaches_it(client, cast):
    url = reverse("workspace:plan_excel_download", args=[cast.project.pk])
    for user, status in [(cast.coordinator, 403), (cast.steering, 403), (cast.national, 403),
                         (cast.other_manager, 404), (cast.manager, 200)]:
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(cast.coordinator)
    data = plan_excel.plan_workbook(cast.project)
    assert _upload(client, cast.project, data).status_code == 403


def test_a_metric_row_of_another_projects_subproject_is_refused(client, cast):
    _manager_client(client, cast.project)
    workbook = load_workbook(io.BytesIO(plan_excel.plan_workbook(cast.project)))
    workbook["Mittarit"].append(["X.1", "Vieras", cast.other_subproject.code + "-x", "lukumäärä",
                                 "", "kuukausittain", "ei", None, None, "", "", ""])
    out = io.BytesIO()
    workbook.save(out)
    response = _upload(client, cast.project, out.getvalue())
    assert response.status_code == 400
    assert not Metric.objects.filter(project=cast.project, code="X.1").exists()
