"""Approved means approved: a national reader sees exactly what a manager approved, an approved
figure changes only through a recorded reopening, and nothing anybody types is lost (issue 10).

The canary: reports in every unapproved state carry a marker in every text and a distinctive
value; every page, API endpoint and format, roll-up and document a national viewer or an
all-projects token can reach is read and searched for them."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from api.services import api_client_create
from api.urls import router
from indicators.models import MetricValue, ValueWithdrawal
from indicators.services import parse_metric_input
from projects.models import Membership, Phase
from reports import documents, services
from reports.models import EvaluationNarrative, EvaluationRound, MonthlyReport
from reports.rollups import rollup_compute
from reports.services import ReportInput, ValueInput
from tests import factories

pytestmark = pytest.mark.django_db

APRIL, MAY = dt.date(2022, 4, 1), dt.date(2022, 5, 1)
MARK = "KANARIA7Q"
SECRET = 7654321  # no approved figure is anywhere near this


def secret_forms() -> list[str]:
    digits = str(SECRET)
    grouped = f"{SECRET:,}"
    return [digits, grouped, grouped.replace(",", " "), grouped.replace(",", "\u00a0"),
            grouped.replace(",", "\u202f"), f"{SECRET}.0"]


def leaks(text: str) -> list[str]:
    found = [MARK] if MARK.casefold() in text.casefold() else []
    return found + [form for form in secret_forms() if form in text]


def texts(mark: str) -> dict:
    return {"light": "yellow", "progress": 40, "situation": f"{mark} tilanne",
            "next_steps": f"{mark} seuraavaksi", "problems": f"{mark} ongelma",
            "help_needed": f"{mark} tuki", "light_reason": f"{mark} perustelu"}


def save(owner, period, user, values, mark=MARK, version=None):
    """A save as the page makes it: texts (for a subproject) and values with comments."""
    kwargs = {"project": owner} if owner.__class__.__name__ == "Project" else {"subproject": owner}
    fields = {} if "project" in kwargs else texts(mark)
    existing = MonthlyReport.objects.filter(period=period, **(
        {"project": owner, "subproject": None} if "project" in kwargs else kwargs)).first()
    return services.monthly_report_save(
        **kwargs, period=period, user=user,
        data=ReportInput(fields=fields, values=[
            ValueInput(metric, None, parse_metric_input(metric, raw), f"{mark} kommentti")
            for metric, raw in values]),
        expected_version=existing.version if existing else version,
    )


@pytest.fixture
def world(cast):
    """Project A: 1.1 (the coordinator's) and 1.2 (a second coordinator's) serve goal C; C.3 is
    the goal's metric, the project's own. April is approved everywhere with small figures; in
    May 1.1 is a draft, 1.2 submitted, B's 1.1 returned, the project's own report a draft, and
    an approved April report of 1.2 was reopened and edited: all carry the marker."""
    project = cast.project
    second = factories.UserFactory(username="koordinaattori2")
    person = factories.PersonFactory(user=second, name="Toinen Koordinaattori")
    factories.MembershipFactory(project=project, person=person, role=Membership.Role.COORDINATOR)
    cast.sibling.responsible_people.add(person)
    goal = factories.GoalFactory(project=project, code="C", name="Yhteinen tavoite")
    cast.subproject.goals.add(goal)
    cast.sibling.goals.add(goal)
    own = factories.MetricFactory(project=project, code="C.1", kind="count",
                                  subproject=cast.subproject, goal=goal)
    sib = factories.MetricFactory(project=project, code="C.2", kind="count",
                                  subproject=cast.sibling, goal=goal)
    shared = factories.MetricFactory(project=project, code="C.3", kind="count", goal=goal)
    other = factories.MetricFactory(project=cast.other_project, code="B.1", kind="count",
                                    subproject=cast.other_subproject)
    for metric in (own, sib, shared, other):
        factories.MetricTargetFactory(metric=metric, target_value=50)

    def approve(report, manager=cast.manager):
        if not report.is_project_report:
            services.monthly_report_submit(report=report, user=report_user(report))
        return services.monthly_report_approve(report=report, user=manager, expected_version=None)

    def report_user(report):
        return {cast.subproject.pk: cast.coordinator, cast.sibling.pk: second,
                cast.other_subproject.pk: cast.other_coordinator}[report.subproject_id]

    # April: everything approved with small figures and clean texts.
    approve(save(cast.subproject, APRIL, cast.coordinator, [(own, "10")], mark="Huhtikuu"))
    april_sibling = approve(save(cast.sibling, APRIL, second, [(sib, "11")], mark="Huhtikuu"))
    approve(save(project, APRIL, cast.manager, [(shared, "10")], mark="Huhtikuu"))
    approve(save(cast.other_subproject, APRIL, cast.other_coordinator, [(other, "12")],
                 mark="Huhtikuu"), manager=cast.other_manager)
    # May: every state but approved, each with the marker and the secret figure.
    save(cast.subproject, MAY, cast.coordinator, [(own, str(SECRET))])
    submitted = save(cast.sibling, MAY, second, [(sib, str(SECRET))])
    services.monthly_report_submit(report=submitted, user=second)
    returned = save(cast.other_subproject, MAY, cast.other_coordinator, [(other, str(SECRET))])
    services.monthly_report_submit(report=returned, user=cast.other_coordinator)
    services.monthly_report_return(report=returned, user=cast.other_manager,
                                   comment=f"{MARK} korjaa")
    save(project, MAY, cast.manager, [(shared, str(SECRET))])
    # April of 1.2 reopened: its values are withdrawn, then edited.
    services.monthly_report_reopen(report=april_sibling, user=cast.manager,
                                   reason=f"{MARK} avataan")
    save(cast.sibling, APRIL, second, [(sib, str(SECRET))])
    for p in (project, cast.other_project):
        for month in (APRIL, MAY):
            rollup_compute(project=p, month=month)
    return {"second": second, "own": own, "sib": sib, "shared": shared, "other": other,
            "goal": goal}


def national_pages(cast) -> list[str]:
    project = cast.project
    pages = [reverse("dashboards:national"), reverse("reports:mine"),
             reverse("reports:documents", args=[project.pk])]
    for month in ("2022-04", "2022-05"):
        query = f"?month={month}"
        pages += [reverse("dashboards:national") + query,
                  reverse("dashboards:project", args=[project.pk]) + query,
                  reverse("dashboards:project", args=[cast.other_project.pk]) + query,
                  reverse("dashboards:work_package", args=[cast.subproject.work_package_id])
                  + query,
                  reverse("reports:project_report", args=[project.pk, month])]
        for sub in (cast.subproject, cast.sibling, cast.other_subproject):
            pages += [reverse("dashboards:subproject", args=[sub.pk]) + query,
                      reverse("reports:edit", args=[sub.pk, month])]
    return pages


def api_reads(client, headers) -> list[tuple[str, bytes]]:
    """Every list endpoint as JSON and CSV, the metric values also as JSON-stat and the
    export in both formats, every detail row listed, every document listed downloaded."""
    reads = []
    for prefix, _viewset, basename in router.registry:
        path = reverse(f"api:{basename}-list")
        for query in ("", "?format=csv"):
            response = client.get(path + query, **headers)
            assert response.status_code == 200, (path, query, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            reads.append((path + query, body))
            if not query:
                for row in response.json()["results"]:
                    detail = client.get(reverse(f"api:{basename}-detail", args=[row["id"]]),
                                        **headers)
                    reads.append((f"{prefix} {row['id']}", detail.content))
    values = reverse("api:metric-value-list")
    for query in ("?format=jsonstat", "?format=jsonstat&lang=en"):
        reads.append((values + query, client.get(values + query, **headers).content))
    export = reverse("api:metric-value-export")
    for query in ("", "?format=csv"):
        response = client.get(export + query, **headers)
        reads.append((export + query, b"".join(response.streaming_content)))
    for row in client.get(reverse("api:document-list"), **headers).json()["results"]:
        if row["download_url"]:
            response = client.get(row["download_url"], **headers)
            pdf = b"".join(response.streaming_content)
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
            reads.append((row["download_url"], text.encode()))
    return reads


@pytest.fixture
def documents_made(cast, world, settings, tmp_path, django_capture_on_commit_callbacks):
    """The manager asks for a monthly status report (it prints the submitted texts) and an
    evaluation report; both are rendered by the worker path (in-process in tests)."""
    settings.MEDIA_ROOT = str(tmp_path)
    Phase.objects.create(project=cast.project, code="I", name="I-vaihe",
                         start_date=dt.date(2020, 1, 1), end_date=dt.date(2022, 10, 31))
    round_ = EvaluationRound.objects.create(project=cast.project, date=dt.date(2022, 5, 15),
                                            kind="interim", title="Väliarviointi")
    EvaluationNarrative.objects.create(round=round_, goal=world["goal"], text="Tehty.")
    with django_capture_on_commit_callbacks(execute=True):
        monthly = documents.document_request(project=cast.project, kind="monthly",
                                             user=cast.manager, month=MAY)
        evaluation = documents.document_request(project=cast.project, kind="evaluation",
                                                user=cast.manager)
    monthly.refresh_from_db()
    evaluation.refresh_from_db()
    assert (monthly.status, evaluation.status) == ("done", "done"), (monthly.error,
                                                                     evaluation.error)
    return monthly, evaluation


def test_the_canary_is_where_members_look(client, cast, world, documents_made):
    """The marker and the figure really are in the data: members see their provisional
    report, and the monthly PDF (members only) prints the submitted texts."""
    client.force_login(cast.coordinator)
    page = client.get(reverse("reports:edit", args=[cast.subproject.pk, "2022-05"]))
    assert leaks(page.content.decode())
    monthly, _evaluation = documents_made
    text = "".join(p.extract_text() for p in PdfReader(monthly.file.open("rb")).pages)
    assert MARK in text


@pytest.mark.parametrize("reader", ["national_user", "all_projects_token"])
def test_no_unapproved_text_or_figure_reaches_a_national_reader(client, cast, world,
                                                                documents_made, reader):
    if reader == "national_user":
        client.force_login(cast.national)
        headers = {}
        reads = [(path, client.get(path).content) for path in national_pages(cast)]
    else:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_client_create(name='THL', all_projects=True)[1]}"}
        reads = []
    reads += api_reads(client, headers)
    found = {path: leaks(body.decode("utf-8", "replace")) for path, body in reads}
    assert {path: hit for path, hit in found.items() if hit} == {}
    # ... while what was approved is there: April's figures of 1.1, the project and B.
    values = client.get(reverse("api:metric-value-list") + "?period_from=2022-04&period_to=2022-04",
                        **headers).json()["results"]
    assert sorted((row["metric_code"], row["value"]) for row in values) == [
        ("B.1", 12.0), ("C.1", 10.0), ("C.3", 10.0)]
    listed = client.get(reverse("api:document-list"), **headers).json()["results"]
    assert [row["kind"] for row in listed] == ["evaluation"]
    monthly, _evaluation = documents_made
    assert client.get(reverse("api:document-download", args=[monthly.pk]),
                      **headers).status_code == 404


def test_rollups_count_only_published_values(cast, world):
    rollup = rollup_compute(project=cast.project, month=MAY)
    figures = {a.metric.code: a.month_value for a in rollup.metric_aggregates.all()}
    assert figures == {"C.1": None, "C.3": None}  # nothing of May is approved
    april = {a.metric.code: a.month_value
             for a in rollup_compute(project=cast.project, month=APRIL).metric_aggregates.all()}
    assert april == {"C.1": Decimal(10), "C.3": Decimal(10)}  # C.2's April was reopened


# --- An approved figure changes only through a recorded reopening ---------------------------


def test_a_sibling_report_cannot_write_the_goal_metric(client, cast, world):
    """C.3 (the goal's metric) was approved at 10 in April's project report: a coordinator's
    report does not carry it, the service refuses it, and the manager must reopen first."""
    shared = world["shared"]
    with pytest.raises(services.ValidationError, match="C.3"):
        save(cast.subproject, MAY, cast.coordinator, [(shared, "99999")])
    # The form of 1.1 has no field for C.3; a forged field is ignored.
    client.force_login(cast.coordinator)
    edit = reverse("reports:edit", args=[cast.subproject.pk, "2022-04"])
    assert f"metric_{shared.pk}" not in client.get(edit).content.decode()
    # Even the manager cannot change the approved April figure without reopening.
    with pytest.raises(services.ReportLocked):
        save(cast.project, APRIL, cast.manager, [(shared, "99999")])
    value = MetricValue.objects.get(metric=shared, period=APRIL)
    assert (value.value, value.published) == (Decimal(10), True)


def test_an_approved_value_refuses_a_direct_write(cast, world):
    from indicators.services import ValueLocked, metric_value_set

    with pytest.raises(ValueLocked, match="avattava"):
        metric_value_set(metric=world["own"], period=APRIL, category=None,
                         parsed=parse_metric_input(world["own"], "99999"), comment="", user=None)
    assert MetricValue.objects.get(metric=world["own"], period=APRIL).value == 10


def test_reopening_withdraws_and_reapproval_publishes_the_new_figure(cast, world):
    sib = world["sib"]
    value = MetricValue.objects.get(metric=sib, period=APRIL)
    assert (value.value, value.published) == (SECRET, False)
    withdrawal = ValueWithdrawal.objects.get(value_id=value.pk)
    assert withdrawal.period == APRIL
    report = MonthlyReport.objects.get(subproject=cast.sibling, period=APRIL)
    assert "reopened" in [e.action for e in report.events.all()]
    services.monthly_report_submit(report=report, user=world["second"])
    services.monthly_report_approve(report=report, user=cast.manager, expected_version=None)
    value.refresh_from_db()
    assert value.published and value.published_at >= withdrawal.updated_at


def test_the_excel_import_cannot_reach_the_goal_metric(client, cast, world):
    from tests.test_excel import as_upload, download, upload

    workbook = download(client, cast)
    sheet = workbook["Mittarit"]
    codes = [sheet.cell(row, 2).value for row in range(2, sheet.max_row + 1)]
    assert "C.3" not in codes
    sheet.append(["1.1", "C.3", "Yhteinen", "", "lukumäärä", "", "99999", "", "", "", "0", ""])
    response = upload(client, cast, cast.coordinator, as_upload(workbook))
    assert response.status_code == 422
    assert "C.3" in response.content.decode()
    assert MetricValue.objects.get(metric=world["shared"], period=APRIL).value == 10


def test_the_admin_shows_reports_and_values_read_only(client, cast, world):
    superuser = factories.UserFactory(username="yllapito", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=APRIL)
    value = MetricValue.objects.get(metric=world["own"], period=APRIL)
    change = reverse("admin:reports_monthlyreport_change", args=[report.pk])
    assert client.post(change, {"state": "draft"}).status_code == 403
    value_change = reverse("admin:indicators_metricvalue_change", args=[value.pk])
    assert client.post(value_change, {"value": "99999"}).status_code == 403
    assert client.get(value_change).status_code == 200  # read-only view
    event = report.events.first()
    assert client.post(reverse("admin:reports_reportevent_delete", args=[event.pk]),
                       {"post": "yes"}).status_code == 403
    # A state change is an action through the services: an administrator who is not the
    # project's manager is refused with a message, and nothing changes.
    changelist = reverse("admin:reports_monthlyreport_changelist")
    response = client.post(changelist, {"action": "reopen", "_selected_action": [report.pk],
                                        "reason": "Korjaus"}, follow=True)
    assert "vain hankepäällikkö voi avata raportteja uudelleen" in response.content.decode().lower()
    report.refresh_from_db()
    value.refresh_from_db()
    assert (report.state, value.value, value.published) == ("approved", 10, True)
    assert isinstance(admin.site._registry[MonthlyReport], admin.ModelAdmin)


def test_the_admin_reopen_action_is_the_managers_reopening(client, cast, world):
    cast.manager.is_staff = True
    cast.manager.save()
    from django.contrib.auth.models import Permission

    cast.manager.user_permissions.add(Permission.objects.get(codename="view_monthlyreport"))
    client.force_login(cast.manager)
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=APRIL)
    changelist = reverse("admin:reports_monthlyreport_changelist")
    asked = client.post(changelist, {"action": "reopen", "_selected_action": [report.pk]})
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    client.post(changelist, {"action": "reopen", "_selected_action": [report.pk],
                             "reason": "Luku korjataan"})
    report.refresh_from_db()
    assert report.state == "returned"
    assert report.events.first().comment == "Luku korjataan"
    assert not MetricValue.objects.get(metric=world["own"], period=APRIL).published


# --- No lost update, the first save included ------------------------------------------------


def test_two_first_saves_one_wins_the_other_keeps_their_text(client, cast):
    second = factories.UserFactory(username="sijainen")
    person = factories.PersonFactory(user=second, name="Sijainen")
    factories.MembershipFactory(project=cast.project, person=person,
                                role=Membership.Role.COORDINATOR)
    cast.subproject.responsible_people.add(person)
    edit = reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])
    first, other = client, type(client)()
    first.force_login(cast.coordinator)
    other.force_login(second)
    # Both open the month before any report exists: the form carries version 0.
    for c in (first, other):
        assert 'name="version" value="0"' in c.get(edit).content.decode()
    form = {"version": "0", "action": "save", "light": "yellow"}
    assert first.post(edit, {**form, "situation": "Ensimmäinen teksti"}).status_code == 302
    response = other.post(edit, {**form, "situation": "Toisen tärkeä teksti"})
    assert response.status_code == 409
    assert "Toisen tärkeä teksti" in response.content.decode()
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=MAY)
    assert report.situation == "Ensimmäinen teksti" and report.version == 2
    # Having compared, the second saves their text again from the conflict page: it is kept.
    html = response.content.decode()
    assert f'name="version" value="{report.version}"' in html
    assert other.post(edit, {**form, "version": str(report.version),
                             "situation": "Toisen tärkeä teksti"}).status_code == 302
    report.refresh_from_db()
    assert report.situation == "Toisen tärkeä teksti"


def test_a_conflict_with_ones_own_other_tab_says_so(client, cast):
    edit = reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])
    client.force_login(cast.coordinator)
    form = {"version": "0", "action": "save", "light": "yellow"}
    assert client.post(edit, {**form, "situation": "Välilehti 1"}).status_code == 302
    response = client.post(edit, {**form, "situation": "Välilehti 2"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Tallensit tämän raportin toisessa ikkunassa" in html and "Joku muu" not in html


def test_two_uploads_of_the_same_new_rows_import_once(client, cast):
    from tests.test_excel import as_upload, download, upload

    first, second = download(client, cast), download(client, cast)
    for workbook, text in [(first, "Pilotti käynnistyi Sosterissa."), (second, "Toinen versio")]:
        rows = workbook["Raportit"]
        rows["D2"], rows["F2"], rows["G2"] = "keltainen", text, "Laajennetaan."
    assert upload(client, cast, cast.coordinator, as_upload(first)).status_code == 302
    response = upload(client, cast, cast.coordinator, as_upload(second))
    assert response.status_code == 422
    assert MonthlyReport.objects.get(subproject=cast.subproject, period=MAY).situation == \
        "Pilotti käynnistyi Sosterissa."


# --- Bounds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,raw,message", [
    ("count", "99999999999999999999", "liian suuri"),
    ("count", "1E+30", "liian suuri"),
    ("count", "1e400", "liian suuri"),
    ("count", "-1", "pienempi kuin 0"),
    ("count", "2,5", "kokonaisluku"),
    ("share", "100,5", "suurempi kuin 100"),
    ("money", "10,005", "sentin"),
    ("days", "1,00001", "desimaali"),
])
def test_numbers_the_column_cannot_hold_are_refused_next_to_the_field(client, cast, kind, raw,
                                                                       message):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, kind=kind,
                                     code="N.1")
    client.force_login(cast.coordinator)
    edit = reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])
    response = client.post(edit, {"version": "0", "action": "save", "situation": "Tallessa",
                                  f"metric_{metric.pk}": raw})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html.lower()
    assert f'id="id_metric_{metric.pk}_error"' in html and "Tallessa" in html
    assert not MonthlyReport.objects.exists() and not MetricValue.objects.exists()
    # the pages that read values still answer
    assert client.get(edit).status_code == 200


def test_a_month_outside_the_projects_phases_is_refused(client, cast):
    Phase.objects.create(project=cast.project, code="I", name="I-vaihe",
                         start_date=dt.date(2020, 1, 1), end_date=dt.date(2022, 10, 31))
    client.force_login(cast.coordinator)
    edit = reverse("reports:edit", args=[cast.subproject.pk, "1900-01"])
    response = client.post(edit, {"version": "0", "action": "save", "situation": "Vanha"})
    assert response.status_code in (404, 422)
    assert not MonthlyReport.objects.exists()


def test_texts_have_a_limit_the_user_is_told_and_a_long_text_is_kept(client, cast):
    client.force_login(cast.coordinator)
    edit = reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])
    assert "enintään 5000 merkkiä" in client.get(edit).content.decode().lower()
    long_text = "sana " * 1200  # 6,000 characters
    response = client.post(edit, {"version": "0", "action": "save", "situation": long_text})
    assert response.status_code == 422
    assert long_text.strip() in response.content.decode()
    assert not MonthlyReport.objects.exists()


# --- Incremental pulls follow publication ---------------------------------------------------


def test_an_incremental_pull_sees_approval_and_withdrawal(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="I.1")
    token = api_client_create(name="Tilastokeskus", all_projects=True)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    values = reverse("api:metric-value-list")
    withdrawals = reverse("api:metric-value-withdrawal-list")

    def an_hour_ago():  # time passes between the steps (Last-Modified has whole seconds)
        MetricValue.objects.update(updated_at=F("updated_at") - dt.timedelta(hours=1))

    april = save(cast.subproject, APRIL, cast.coordinator, [(metric, "41")], mark="Selvä")
    services.monthly_report_submit(report=april, user=cast.coordinator)
    services.monthly_report_approve(report=april, user=cast.manager, expected_version=None)
    may = save(cast.subproject, MAY, cast.coordinator, [(metric, "42")], mark="Selvä")
    services.monthly_report_submit(report=may, user=cast.coordinator)
    an_hour_ago()
    before = client.get(values, **headers)
    assert [row["value"] for row in before.json()["results"]] == [41.0]
    since = timezone.now().isoformat()
    services.monthly_report_approve(report=may, user=cast.manager, expected_version=None)
    pulled = client.get(values, {"updated_since": since}, **headers).json()["results"]
    assert [(row["metric_code"], row["period"], row["value"]) for row in pulled] == [
        ("I.1", "2022-05-01", 42.0)]
    again = client.get(values, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"], **headers)
    assert again.status_code == 200
    an_hour_ago()
    approved = client.get(values, **headers)
    may_id = next(row["id"] for row in approved.json()["results"] if row["value"] == 42.0)
    since = timezone.now().isoformat()
    may.refresh_from_db()
    services.monthly_report_reopen(report=may, user=cast.manager, reason="Tarkistetaan")
    assert [row["value"] for row in client.get(values, **headers).json()["results"]] == [41.0]
    gone = client.get(withdrawals, {"updated_since": since}, **headers).json()["results"]
    assert [(row["value_id"], row["metric_code"], row["period"], row["category_code"])
            for row in gone] == [(may_id, "I.1", "2022-05-01", "_T")]
    response = client.get(values, HTTP_IF_MODIFIED_SINCE=approved["Last-Modified"], **headers)
    assert response.status_code == 200


# --- What the manager approves is what the manager read -------------------------------------


def resubmitted_with(cast, metric, figure) -> tuple[MonthlyReport, int]:
    """The coordinator submits May with 10; the manager opens it (the version returned);
    then it is returned, the coordinator changes the figure and submits it again."""
    report = save(cast.subproject, MAY, cast.coordinator, [(metric, "10")], mark="Selvä")
    report = services.monthly_report_submit(report=report, user=cast.coordinator)
    read = report.version
    report = services.monthly_report_return(report=report, user=cast.manager, comment="Tarkista")
    report = save(cast.subproject, MAY, cast.coordinator, [(metric, figure)], mark="Selvä")
    services.monthly_report_submit(report=report, user=cast.coordinator)
    return report, read


def test_an_approve_from_a_stale_page_is_refused_and_shows_the_report_as_it_is(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="S.1")
    report, read = resubmitted_with(cast, metric, "666666")
    client.force_login(cast.manager)
    response = client.post(reverse("reports:approve", args=[report.pk]), {"version": read})
    html = response.content.decode()
    assert response.status_code == 409
    assert "muuttui sen jälkeen, kun avasit sen" in html and "666666" in html
    report.refresh_from_db()
    assert report.state == "submitted"
    assert not MetricValue.objects.get(metric=metric, period=MAY).published
    # the page it shows carries the current version: approving from it works
    approved = client.post(reverse("reports:approve", args=[report.pk]),
                           {"version": report.version})
    assert approved.status_code == 302
    assert MetricValue.objects.get(metric=metric, period=MAY).published


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999"])
def test_an_approve_without_a_readable_version_approves_nothing(client, cast, version):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="S.1")
    report = services.monthly_report_submit(
        report=save(cast.subproject, MAY, cast.coordinator, [(metric, "10")], mark="Selvä"),
        user=cast.coordinator)
    client.force_login(cast.manager)
    response = client.post(reverse("reports:approve", args=[report.pk]), {"version": version})
    assert response.status_code == 422
    assert "Mitään ei hyväksytty" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"


def test_a_bulk_approval_from_a_stale_queue_approves_none(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="S.1")
    report, read = resubmitted_with(cast, metric, "666666")
    cast.sibling.responsible_people.add(cast.coordinator.person)
    sibling = services.monthly_report_submit(
        report=save(cast.sibling, MAY, cast.coordinator, [], mark="Selvä"), user=cast.coordinator)
    client.force_login(cast.manager)
    url = reverse("reports:review", args=[cast.project.pk]) + "?month=2022-05"
    chosen = [f"{report.pk}:{read}", f"{sibling.pk}:{sibling.version}"]
    response = client.post(url, {"report": chosen})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Yhtäkään valituista raporteista ei hyväksytty" in html
    report.refresh_from_db()
    assert f'value="{report.pk}:{report.version}"' in html  # the queue as it is now
    assert not MonthlyReport.objects.filter(state="approved").exists()


def test_reopening_a_month_recomputes_the_later_months_year_to_date(cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject,
                                     code="Y.1", kind="count")

    def approve(period, figure):
        report = save(cast.subproject, period, cast.coordinator, [(metric, figure)], mark="Selvä")
        report = services.monthly_report_submit(report=report, user=cast.coordinator)
        return services.monthly_report_approve(report=report, user=cast.manager,
                                               expected_version=report.version)

    april = approve(APRIL, "10")
    approve(MAY, "5")
    rollup_compute(project=cast.project, month=APRIL)
    may_rollup = rollup_compute(project=cast.project, month=MAY)
    assert may_rollup.metric_aggregates.get(metric=metric).year_to_date == 15
    from reports import tasks
    from reports.rollup_selectors import stale_rollups

    services.monthly_report_reopen(report=april, user=cast.manager, reason="Luku väärin")
    # the hourly sweep sees both months as stale, not only April
    assert stale_rollups() == [(cast.project.pk, APRIL), (cast.project.pk, MAY)]
    assert tasks.compute_rollup(cast.project.pk, APRIL.isoformat()) == 2
    may_rollup.refresh_from_db()
    assert may_rollup.metric_aggregates.get(metric=metric).year_to_date == 5
    assert stale_rollups() == []


def test_if_modified_since_never_hides_a_change_in_the_same_second(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="I.1")
    other = factories.MetricFactory(project=cast.project, subproject=cast.sibling, code="I.2")
    token = api_client_create(name="THL", all_projects=True)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    values = reverse("api:metric-value-list")
    first = factories.MetricValueFactory(metric=metric, period=APRIL, value=1, published=True)
    answer = client.get(values, **headers)  # the newest change is a moment old
    # a second value is published later in the same second as the first
    second = factories.MetricValueFactory(metric=other, period=APRIL, value=2, published=True)
    MetricValue.objects.filter(pk=second.pk).update(
        updated_at=first.updated_at + dt.timedelta(microseconds=1))
    again = client.get(values, HTTP_IF_MODIFIED_SINCE=answer["Last-Modified"], **headers)
    assert again.status_code == 200
    assert sorted(row["value"] for row in again.json()["results"]) == [1.0, 2.0]
    # once the second is over, Last-Modified names it and an unchanged answer is a 304
    MetricValue.objects.update(updated_at=F("updated_at") - dt.timedelta(minutes=1))
    settled = client.get(values, **headers)
    assert client.get(values, HTTP_IF_MODIFIED_SINCE=settled["Last-Modified"],
                      **headers).status_code == 304


def test_if_modified_since_after_a_reopening_answers_in_full(client, cast):
    token = api_client_create(name="THL", all_projects=True)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    reports = reverse("api:monthly-report-list")
    older = factories.MonthlyReportFactory(subproject=cast.sibling, period=APRIL,
                                           state="approved", light="green")
    newest = factories.MonthlyReportFactory(subproject=cast.subproject, period=APRIL,
                                            state="approved", light="green")
    MonthlyReport.objects.filter(pk=older.pk).update(
        updated_at=F("updated_at") - dt.timedelta(hours=2))
    MonthlyReport.objects.filter(pk=newest.pk).update(
        updated_at=F("updated_at") - dt.timedelta(hours=1))
    before = client.get(reports, **headers)
    assert len(before.json()["results"]) == 2
    services.monthly_report_reopen(report=newest, user=cast.manager, reason="Korjataan")
    after = client.get(reports, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"], **headers)
    assert after.status_code == 200
    assert [row["id"] for row in after.json()["results"]] == [older.pk]


def test_the_work_package_page_offers_no_delete_of_its_subprojects(client, cast):
    factories.MonthlyReportFactory(subproject=cast.subproject, period=APRIL, state="approved",
                                   light="green")
    client.force_login(factories.UserFactory(username="yllapito", is_staff=True,
                                             is_superuser=True))
    page = client.get(reverse("admin:workpackages_workpackage_change",
                              args=[cast.subproject.work_package_id])).content.decode()
    assert 'name="subprojects-0-code"' in page and "subprojects-0-DELETE" not in page


# --- Fourth hostile round -------------------------------------------------------------------


def test_the_manager_publishes_the_project_values_on_screen_typed_ones_included(client, cast):
    shared = factories.MetricFactory(project=cast.project, code="P.1", kind="count")
    client.force_login(cast.manager)
    url = reverse("reports:project_report", args=[cast.project.pk, "2022-05"])
    page = client.get(url).content.decode()
    assert 'name="action" value="approve"' in page  # in the values' own form
    client.post(url, {"version": "0", "action": "save", f"metric_{shared.pk}": "5"})
    report = MonthlyReport.objects.get(project=cast.project, subproject=None)
    # typed over the saved 5, then "Save and publish" without saving first
    response = client.post(url, {"version": str(report.version), "action": "approve",
                                 f"metric_{shared.pk}": "7"}, follow=True)
    assert "Luvut tallennettiin ja julkaistiin." in response.content.decode()
    value = MetricValue.objects.get(metric=shared)
    assert (value.value, value.published) == (7, True)
    report.refresh_from_db()
    assert report.state == "approved"
    locked = client.post(url, {"version": str(report.version), "action": "save",
                               f"metric_{shared.pk}": "8"})
    assert locked.status_code == 409
    assert "avaa se alla" in locked.content.decode()  # the manager is told what to do


def test_generated_pdfs_are_never_served_as_files(client, cast, settings, tmp_path):
    document = factories.GeneratedDocumentFactory(project=cast.project, kind="monthly")
    assert client.get(f"/media/documents/{document.pk}/x.pdf").status_code == 404


def test_a_refused_return_focuses_its_error_and_the_url_can_be_reloaded(client, cast):
    report = factories.MonthlyReportFactory(subproject=cast.subproject, period=APRIL,
                                            state="submitted", light="green")
    client.force_login(cast.manager)
    url = reverse("reports:return", args=[report.pk])
    html = client.post(url, {"comment": "  "}).content.decode()
    assert 'id="error-summary" tabindex="-1" data-focus' in html and 'href="#id_comment"' in html
    reloaded = client.get(url)
    assert reloaded.status_code == 302
    assert reloaded["Location"] == reverse("reports:edit", args=[cast.subproject.pk, "2022-04"])
    report.refresh_from_db()
    assert report.state == "submitted"

