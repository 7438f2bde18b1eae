"""The audit trail: one row per accepted change, none for a refused one; managers see their
project's; the CSV export carries old and new values (issue 7)."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from reports.models import MonthlyReport
from tests import factories
from tests.test_reporting_workflow import FILLED, post

pytestmark = pytest.mark.django_db


def report_entries(report):
    return LogEntry.objects.get_for_object(report).order_by("pk")


def test_each_accepted_save_writes_one_audit_row_with_old_and_new(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast)
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    before = report_entries(report).count()
    post(client, cast, situation="Pilotissa 12 asiakasta.")
    entries = list(report_entries(report))
    assert len(entries) == before + 1
    last = entries[-1]
    assert last.actor == cast.coordinator
    assert last.changes_dict["situation"] == [FILLED["situation"], "Pilotissa 12 asiakasta."]
    assert last.additional_data["project_id"] == cast.project.pk


def test_a_refused_save_writes_no_audit_row(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast)
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    stale = report.version
    post(client, cast, situation="Kollegan teksti", version=stale)
    count = LogEntry.objects.count()
    response = post(client, cast, situation="Oma tekstini", version=stale)  # a conflict
    assert response.status_code == 409
    assert LogEntry.objects.count() == count


def test_plan_change_in_the_admin_is_audited(client, cast, admin_user):
    risk = factories.RiskFactory(project=cast.project, description="Henkilöstövaje", category="staff",
                                 severity=3, probability=40)
    client.force_login(admin_user)
    url = reverse("admin:workpackages_risk_change", args=[risk.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(severity=5, probability=40)
    data = {k: v for k, v in data.items() if not isinstance(v, list)}
    # Inline formsets (risk reviews) as empty management forms.
    page = client.get(url).content.decode()
    for prefix in set(p.split("-TOTAL_FORMS")[0] for p in page.split('name="')[1:]
                      if "-TOTAL_FORMS" in p.split('"')[0]):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entries = LogEntry.objects.get_for_object(risk).filter(action=LogEntry.Action.UPDATE)
    assert entries.count() == 1
    assert entries.get().changes_dict["severity"] == ["3", "5"]


def test_the_manager_sees_the_projects_audit_and_others_do_not(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast, situation="Näkyy lokissa")
    url = reverse("project-audit", args=[cast.project.pk])
    assert client.get(url).status_code == 403  # a coordinator is not a manager
    client.force_login(cast.other_manager)
    assert client.get(url).status_code == 404  # another project's manager
    client.force_login(cast.manager)
    page = client.get(url).content.decode()
    assert "Näkyy lokissa" in page and "koordinaattori" in page
    rows = list(csv.reader(io.StringIO(b"".join(client.get(url + "?format=csv")).decode())))
    assert rows[0][:3] == ["time_utc", "user", "action"]
    assert any(r[7] == "situation" and r[9] == "Näkyy lokissa" for r in rows[1:])
    # Another project's changes are not in this project's audit.
    client.force_login(cast.other_coordinator)
    other_url = reverse("reports:edit", args=[cast.other_subproject.pk, f"{cast.month:%Y-%m}"])
    client.post(other_url, {**FILLED, "situation": "Vieras teksti", "action": "save"})
    client.force_login(cast.manager)
    assert "Vieras teksti" not in client.get(url).content.decode()


def test_administrator_exports_the_whole_audit(cast, client, tmp_path):
    client.force_login(cast.coordinator)
    post(client, cast, situation="Vientiin")
    out = tmp_path / "audit.csv"
    call_command("export_audit", output=str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert any(r["field"] == "situation" and r["new"] == "Vientiin" and r["user"] == "koordinaattori"
               for r in rows)


def test_the_audit_page_names_fields_and_choices_as_the_reader_reads_them(client, cast):
    """No model field name of the report on the page, Finnish time labelled as such (issue 13);
    the CSV keeps the machine names."""
    client.force_login(cast.coordinator)
    post(client, cast, action="submit")
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    client.force_login(cast.manager)
    client.post(reverse("reports:return", args=[report.pk]), {"comment": "Lisää luvut."})
    html = client.get(reverse("project-audit", args=[cast.project.pk])).content.decode()
    for field in MonthlyReport._meta.get_fields():
        assert f"<strong>{field.name}</strong>" not in html, field.name
    assert "Aika (Suomen aikaa)" in html and "(UTC)" not in html
    assert "palautettu" in html  # the state by its name, not "returned"
