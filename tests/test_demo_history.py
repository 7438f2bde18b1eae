"""load_demo's illustrative history (esimerkkiaineisto): every view has something to show,
written through the services, marked as illustrative, deterministic and idempotent; demo
logins are never the plan's responsible people."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from api.services import api_client_create
from demo.services import load_demo
from indicators.models import Metric, MetricValue
from projects.models import Person, Project
from reports.models import MonthlyReport, ProjectRollup, Reminder, ReportEvent
from reports.pdf import final as final_pdf
from tests.test_demo import snapshot
from workpackages.models import ActualCost, Risk, RiskReview, Subproject, WorkPackage

PASSWORD = "demo-salasana-testi"
CODES = ["POSOTE20", "ESSOTE-TSK", "SIUNSOTE-TSK", "SOITE2"]
DEMO_NAME = "Demo "  # every demo login's person is "Demo <role> (<project>)"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (the history takes a while), removed after."""
    with django_db_blocker.unblock():
        load_demo(password=PASSWORD)
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def db_demo(demo, db):
    return demo


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def test_every_project_has_reports_in_every_state_over_six_months(db_demo):
    for code in CODES:
        reports = MonthlyReport.objects.filter(project__code=code, subproject__isnull=False)
        assert reports.values("period").distinct().count() >= 6, code
        states = set(reports.values_list("state", flat=True))
        assert states == {"draft", "submitted", "returned", "approved"}, code
        assert ReportEvent.objects.filter(report__project__code=code, action="reopened").exists()
        returned = reports.filter(state="returned").exclude(return_comment="")
        assert returned.exists(), code
        approved = reports.filter(state="approved")
        assert not approved.filter(approved_at__isnull=True).exists(), code
        assert not approved.filter(submitted_at__isnull=True).exists(), code
        for report in approved.filter(illustrative=True)[:20]:
            # the story's times, in order, in the project's months
            assert report.submitted_at < report.approved_at
            assert report.submitted_at.date() > report.period
            assert report.approved_at.year <= 2023
        assert ProjectRollup.objects.filter(project__code=code).count() >= 6
    assert Reminder.objects.exists()


def test_seed_facts_are_kept(db_demo):
    digitiimi = Subproject.objects.get(project__code="ESSOTE-TSK", name="Digitiimi hyvinvointialueelle")
    seed_report = digitiimi.reports.get(illustrative=False)
    assert "Digitiimin toimintamallin käsikirja" in seed_report.situation
    assert seed_report.state == "approved" and seed_report.approved_at is not None
    assert not MonthlyReport.objects.filter(illustrative=False).exclude(period="2022-06-01").exists()
    # the newest re-assessment is the plan's own assessment of the risk
    for risk in Risk.objects.filter(project__code="SOITE2"):
        newest = risk.reviews.order_by("-reviewed_on").first()
        assert (newest.severity, newest.probability) == (risk.severity, risk.probability)
        assert risk.reviews.count() >= 6


def test_metric_values_move_from_baseline_toward_target(db_demo):
    for metric in Metric.objects.filter(project__code="SOITE2", cumulative=True):
        values = list(MetricValue.objects.filter(metric=metric, category=None)
                      .order_by("period").values_list("value", flat=True))
        assert len(values) >= 5 and values == sorted(values), metric.code
    share = Metric.objects.get(project__code="SOITE2", kind="share", subproject__isnull=False,
                               targets__baseline_value__isnull=False)
    target = share.targets.get()
    values = [v.value for v in share.values.order_by("period")]
    low, high = sorted([target.baseline_value, target.target_value])
    assert all(low * 9 / 10 <= v <= high * 11 / 10 for v in values)
    assert MetricValue.objects.filter(illustrative=False).count() == 0
    # costs every month of the budget years, against the budget
    costs = ActualCost.objects.filter(subproject__project__code="SOITE2")
    assert costs.values("period").distinct().count() == 36
    spent = sum(costs.values_list("amount", flat=True))
    assert Decimal(1626897) * 6 / 10 < spent < Decimal(1626897)
    assert not ActualCost.objects.filter(illustrative=False).exists()
    assert RiskReview.objects.filter(illustrative=False).count() == 0


def test_dashboards_show_months_metrics_costs_and_risks(client, db_demo):
    login(client, "steering.soite2")
    project = Project.objects.get(code="SOITE2")
    page = client.get(reverse("dashboards:project", args=[project.pk])).content.decode()
    assert "Esimerkkiaineisto" in page
    months = {f"{p:%m/%Y}" for p in project.monthly_reports.values_list("period", flat=True)}
    assert sum(month in page for month in months) >= 2
    for code in CODES:
        project = Project.objects.get(code=code)
        login(client, f"steering.{project.code.lower().split('-')[0]}")
        page = client.get(reverse("dashboards:project", args=[project.pk])).content.decode()
        assert "Esimerkkiaineisto" in page, code
        wp = project.work_packages.order_by("code_sort").first()
        wp_page = client.get(reverse("dashboards:work_package", args=[wp.pk])).content.decode()
        assert "Esimerkkiaineisto" in wp_page
        lights = sum(wp_page.count(f"light-{c}") for c in ["green", "yellow", "red", "blue", "grey"])
        assert lights >= 2, code
    page = client.get(reverse("dashboards:project", args=[Project.objects.get(code="SOITE2").pk]))
    text = page.content.decode()
    # Soite's plan has metrics, a budget and risks: all of them with a history
    assert "€" in text
    assert Risk.objects.filter(project__code="SOITE2").first().description[:30] in text


def test_json_stat_of_every_project_with_metrics_is_non_empty(client, db_demo):
    _client, token = api_client_create(name="THL", all_projects=True)
    for project in Project.objects.filter(metrics__isnull=False).distinct():
        response = client.get(reverse("api:metric-value-list"),
                              {"format": "jsonstat", "project": project.code},
                              HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content[:300]
        data = json.loads(response.content)
        assert data["extension"]["rows"] > 0, project.code
        assert data["extension"]["illustrative"] is True
        assert "Esimerkkiaineisto" in " ".join(data["note"]) or "esimerkkiaineisto" in " ".join(
            data["note"])
    response = client.get(reverse("api:monthly-report-list"), HTTP_AUTHORIZATION=f"Bearer {token}")
    rows = json.loads(response.content)["results"]
    assert rows and all(row["state"] == "approved" for row in rows)  # national: approved only
    assert {row["illustrative"] for row in rows} == {True, False} or all(r["illustrative"] for r in rows)


def test_national_readers_see_only_approved_values(db_demo):
    assert MonthlyReport.objects.exclude(state="approved").filter(illustrative=True).exists()
    unapproved = MetricValue.objects.filter(published=False)
    assert unapproved.exists()
    assert not MetricValue.objects.filter(published=True, published_at__isnull=True).exists()


def test_no_demo_login_is_a_plan_person_or_printed(db_demo):
    demo_people = Person.objects.filter(user__isnull=False)
    assert demo_people.exists()
    assert not Subproject.objects.filter(responsible_people__in=demo_people).exists()
    assert Subproject.objects.filter(reporting_coordinators__in=demo_people).exists()
    assert not Risk.objects.filter(owner__in=demo_people).exists()
    assert not WorkPackage.objects.filter(lead_people__in=demo_people).exists()
    project = Project.objects.get(code="POSOTE20")
    data = final_pdf.collect(project=project, phase=project.phases.get(code="I"))
    text = json.dumps(data, ensure_ascii=False, default=str)
    assert DEMO_NAME.strip() + " Koordinaattori" not in text
    assert "(POSOTE20)" not in text


def test_the_demo_coordinator_reports_through_the_portal(client, db_demo):
    login(client, "coordinator.soite2")
    page = client.get(reverse("reports:mine")).content.decode()
    assert "SOITE2" in page or "Soite" in page


def test_loading_again_gives_the_same_rows(db_demo):
    first = snapshot()
    events, reminders = ReportEvent.objects.count(), Reminder.objects.count()
    load_demo(password=PASSWORD)
    assert snapshot() == first
    assert (ReportEvent.objects.count(), Reminder.objects.count()) == (events, reminders)


def test_documents_say_illustrative_and_print_no_demo_login(db_demo):
    import io

    import pypdf

    from reports.pdf import monthly as monthly_pdf

    project = Project.objects.get(code="ESSOTE-TSK")
    month = MonthlyReport.objects.filter(project=project, state="approved").latest("period").period
    pdf = monthly_pdf.render(monthly_pdf.collect(project=project, month=month))
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Esimerkkiaineisto" in text
    assert "Demo " not in text and "(ESSOTE-TSK)" not in text
