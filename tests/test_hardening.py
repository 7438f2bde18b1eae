"""The smaller hardening items of issue 10, as a user (or an attacker) notices them: where a
manager's action redirects to, what browsers and proxies may keep, how many PDFs one user may
ask for, how large a workbook may be, the audit of API tokens, the proxy in front of
gunicorn, and months and ids in URLs that are not months or ids."""

import datetime as dt
import io
import json
import re
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from auditlog.models import LogEntry
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from api.models import ApiClient
from api.services import api_client_create
from reports import excel
from reports.models import GeneratedDocument, MonthlyReport
from tests.test_excel import as_upload, download, upload_url
from tests.test_reporting_workflow import post as report_post

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
NO_STORE = "private, no-store"


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()  # the API's request limits are counted in the cache
    yield
    cache.clear()


def submitted_report(client, cast) -> MonthlyReport:
    client.force_login(cast.coordinator)
    assert report_post(client, cast, action="submit").status_code == 302
    return MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)


# --- 1. `next` stays on this site ---------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "http://testserver.evil.example/", "javascript:alert(1)"])
def test_manager_action_never_redirects_to_another_site(client, cast, target):
    report = submitted_report(client, cast)
    client.force_login(cast.manager)
    response = client.post(reverse("reports:approve", args=[report.pk]),
                           {"next": target, "version": report.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:edit",
                                           args=[cast.subproject.pk, f"{cast.month:%Y-%m}"])
    report.refresh_from_db()
    assert report.state == "approved"  # the action itself was done


def test_manager_action_returns_to_a_page_of_this_site(client, cast):
    report = submitted_report(client, cast)
    client.force_login(cast.manager)
    back = reverse("reports:review", args=[cast.project.pk]) + "?month=2022-05"
    response = client.post(reverse("reports:return", args=[report.pk]),
                           {"next": back, "comment": "Lisää luvut."})
    assert response["Location"] == back


# --- 2. Cache-Control: nothing of a signed-in reader is kept -------------------------------


def test_signed_in_pages_are_not_stored(client, cast):
    client.force_login(cast.coordinator)
    for path in [reverse("reports:mine"), reverse("dashboards:project", args=[cast.project.pk]),
                 reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])]:
        response = client.get(path)
        assert response.status_code == 200
        assert response["Cache-Control"] == NO_STORE, path


def test_downloads_are_not_stored(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    document = GeneratedDocument.objects.create(
        project=cast.project, kind="monthly", month=cast.month, status="done",
        requested_by=cast.steering, finished_at=timezone.now())
    document.file.save("kuukausiraportti.pdf", ContentFile(b"%PDF-1.4 testi\n%%EOF\n"))
    client.force_login(cast.steering)
    pdf = client.get(reverse("reports:document_download", args=[document.pk]))
    assert pdf.status_code == 200 and pdf["Cache-Control"] == NO_STORE

    client.force_login(cast.manager)
    xlsx = client.get(reverse("reports:excel_template", args=[cast.project.pk, "2022-05"]))
    assert xlsx.status_code == 200 and xlsx["Cache-Control"] == NO_STORE


def test_api_answers_are_not_stored_and_still_revalidate(client, cast):
    token = api_client_create(name="THL", all_projects=True)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for params in [{}, {"format": "csv"}]:
        response = client.get(reverse("api:project-list"), params, **auth)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert response["ETag"] and response["Last-Modified"]
        again = client.get(reverse("api:project-list"), params,
                           HTTP_IF_NONE_MATCH=response["ETag"], **auth)
        assert again.status_code == 304  # the client's own copy still revalidates
    export = client.get(reverse("api:metric-value-list"), {"format": "csv"}, **auth)
    assert export.status_code == 200 and "no-store" in export["Cache-Control"]
    refused = client.get(reverse("api:project-list"), HTTP_AUTHORIZATION="Bearer sote_wrong")
    assert refused.status_code == 401 and refused["Cache-Control"] == NO_STORE


def test_login_page_and_static_files_are_left_to_their_own_caching(client, cast):
    login = client.get(reverse("login"))
    assert login.status_code == 200
    assert login.get("Cache-Control") != NO_STORE  # Django's own never-cache, untouched
    assert client.get(reverse("reports:mine")).get("Cache-Control") is None  # to the login
    client.force_login(cast.coordinator)
    static = client.get("/static/css/portal.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


# --- 3. Document requests per user and hour ------------------------------------------------


def test_the_21st_document_within_an_hour_is_refused_with_a_message(client, cast, settings):
    assert settings.DOCUMENT_REQUESTS_PER_HOUR == 20
    for _ in range(20):
        GeneratedDocument.objects.create(project=cast.project, kind="evaluation",
                                         requested_by=cast.steering)
    client.force_login(cast.steering)
    url = reverse("reports:documents", args=[cast.project.pk])
    response = client.post(url, {"kind": "evaluation"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Olet tilannut tunnin sisällä 20 asiakirjaa" in response.content.decode()
    assert GeneratedDocument.objects.count() == 20  # no new row, no job

    swedish = client.post(url, {"kind": "evaluation"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Du har beställt 20 dokument inom en timme" in swedish.content.decode()

    client.force_login(cast.manager)  # another user of the same project is not held back
    assert client.post(url, {"kind": "evaluation"}).status_code == 302


def test_requests_older_than_an_hour_no_longer_count(client, cast, settings):
    settings.DOCUMENT_REQUESTS_PER_HOUR = 2
    for _ in range(2):
        GeneratedDocument.objects.create(project=cast.project, kind="evaluation",
                                         requested_by=cast.steering)
    client.force_login(cast.steering)
    url = reverse("reports:documents", args=[cast.project.pk])
    assert client.post(url, {"kind": "evaluation"}).status_code == 429
    GeneratedDocument.objects.update(requested_at=timezone.now() - dt.timedelta(minutes=61))
    assert client.post(url, {"kind": "evaluation"}).status_code == 302
    assert GeneratedDocument.objects.filter(requested_by=cast.steering).count() == 3


# --- 4. Oversized workbooks ----------------------------------------------------------------


def rewritten(original: bytes, sheet: str, change) -> bytes:
    """The workbook with one worksheet's XML passed through change."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == sheet:
                content = change(content.decode()).encode()
            target.writestr(item.filename, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def with_rows(rows: str, dimension: str | None = None):
    def change(xml: str) -> str:
        xml = xml.replace("</sheetData>", rows + "</sheetData>")
        if dimension is None:
            return re.sub(r"<dimension [^>]*/>", "", xml)
        return re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', xml)
    return change


RAPORTIT = "xl/worksheets/sheet1.xml"


def as_file(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("raportit.xlsx", data, content_type=excel.CONTENT_TYPE)


def test_a_small_file_with_a_million_cells_is_refused_quickly(client, cast):
    template = as_upload(download(client, cast)).read()
    million = ("<row>" + "<c><v>1</v></c>" * 1200 + "</row>") * 1000
    bomb = rewritten(template, RAPORTIT, with_rows(million))
    assert len(bomb) < 1024 * 1024  # small to send, 1.2 million cells inside
    client.force_login(cast.coordinator)
    started = time.perf_counter()
    response = client.post(upload_url(cast), {"file": as_file(bomb)})
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert "Työkirjassa on yli 100000 solua" in response.content.decode()
    assert elapsed < 3  # it took 30 s to read before
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize("rows, dimension", [
    ("", "A1:L6000"),                                           # declared: 6,000 rows
    ("", "A1:DA3"),                                             # declared: 105 columns
    ('<row r="4">' + "<c><v>1</v></c>" * 120 + "</row>", None),  # one wide row, undeclared
    ('<row r="6001"><c><v>1</v></c></row>', None),              # a far row, undeclared
])
def test_a_sheet_beyond_the_dimension_limits_is_refused(client, cast, rows, dimension):
    template = as_upload(download(client, cast)).read()
    file = rewritten(template, RAPORTIT, with_rows(rows, dimension))
    result = excel.import_workbook(project=cast.project, month=cast.month,
                                   user=cast.coordinator, file=as_file(file))
    assert [(e.sheet, e.row) for e in result.errors] == [("Raportit", None)]
    assert result.errors[0].message.startswith(
        "Välilehti ”Raportit” on suurempi kuin pohja sallii (enintään 5000 riviä ja 100 "
        "saraketta)")


def test_the_template_itself_is_well_within_the_limits(client, cast):
    template = as_upload(download(client, cast)).read()
    result = excel.import_workbook(project=cast.project, month=cast.month,
                                   user=cast.coordinator, file=as_file(template))
    assert result.ok


# --- 5. API tokens in the audit trail ------------------------------------------------------


def audit_text(entries) -> str:
    return json.dumps([model_to_dict(entry) for entry in entries], default=str)


def test_token_creation_and_revocation_are_audited_without_the_secret(client, admin_user):
    out = io.StringIO()
    call_command("create_api_token", "THL Sotkanet", "--all-projects", stdout=out,
                 stderr=io.StringIO())
    token = out.getvalue().strip()
    api_client = ApiClient.objects.get(name="THL Sotkanet")
    created = LogEntry.objects.get_for_object(api_client).get()
    assert created.action == LogEntry.Action.CREATE
    assert created.changes_dict["name"][1] == "THL Sotkanet"
    assert created.changes_dict["token_prefix"][1] == api_client.token_prefix

    client.force_login(admin_user)
    changelist = reverse("admin:api_apiclient_changelist")
    page = client.post(changelist, {"action": "new_token", "_selected_action": [api_client.pk]})
    new_token = re.search(r"sote_[\w-]{40,}", page.content.decode()).group(0)
    client.post(changelist, {"action": "revoke", "_selected_action": [api_client.pk]})

    entries = LogEntry.objects.get_for_object(api_client).order_by("pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE,
                                           LogEntry.Action.UPDATE]
    rekeyed, revoked = entries[1], entries[2]
    assert rekeyed.actor == admin_user and "token_prefix" in rekeyed.changes_dict
    assert revoked.actor == admin_user and "revoked_at" in revoked.changes_dict
    api_client.refresh_from_db()
    text = audit_text(entries)
    for secret in (token, new_token, api_client.token_hash, token[len("sote_"):]):
        assert secret not in text
    assert "token_hash" not in text


# --- 6. gunicorn only behind the proxy -----------------------------------------------------


def test_compose_publishes_only_the_tls_proxy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert set(services["web"]["networks"]) & set(services["proxy"]["networks"]) == {"edge"}
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert "--bind ${HOST:-127.0.0.1}" in (ROOT / "Procfile").read_text()
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text()
    assert "X-Forwarded-Proto: https" in operations and "SECURE_PROXY_SSL_HEADER" in operations


# --- 7. Months and ids in URLs -------------------------------------------------------------


def month_pages(cast, month: str) -> list[str]:
    query = f"?month={month}"
    return [
        reverse("reports:edit", args=[cast.subproject.pk, month]),
        reverse("reports:project_report", args=[cast.project.pk, month]),
        reverse("reports:excel_template", args=[cast.project.pk, month]),
        reverse("reports:review", args=[cast.project.pk]) + query,
        reverse("dashboards:national") + query,
        reverse("dashboards:project", args=[cast.project.pk]) + query,
        reverse("dashboards:work_package", args=[cast.subproject.work_package.pk]) + query,
        reverse("dashboards:subproject", args=[cast.subproject.pk]) + query,
    ]


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1900-01", "1999-12", "2101-01",
                                   "2022-13", "2022-00", "abcd-05"])
def test_a_month_out_of_range_is_a_404_never_a_500(client, cast, month):
    client.raise_request_exception = False
    client.force_login(cast.manager)
    for path in month_pages(cast, month):
        response = client.get(path)
        if path.startswith(reverse("reports:review", args=[cast.project.pk])):
            # the review page's month is typed into its form: the page says what is wrong
            assert response.status_code == 200, path
            assert "Anna kuukausi" in response.content.decode()
        else:
            assert response.status_code == 404, path


@pytest.mark.parametrize("month", ["2000-01", "2100-12"])
def test_the_first_and_last_months_allowed_open(client, cast, month):
    client.force_login(cast.manager)
    for path in month_pages(cast, month):
        assert client.get(path).status_code == 200, path


def test_the_document_form_says_which_months_are_allowed(client, cast):
    client.force_login(cast.steering)
    response = client.post(reverse("reports:documents", args=[cast.project.pk]),
                           {"kind": "monthly", "month": "9999-12"})
    assert response.status_code == 422
    assert "Anna kuukausi väliltä 2000-01–2100-12." in response.content.decode()
    assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize("ids", [["abc"], ["99999999999999999999999"], ["1e3"], ["", "x"]])
def test_bulk_approval_with_ids_that_are_not_ids_approves_nothing(client, cast, ids):
    client.raise_request_exception = False
    report = submitted_report(client, cast)
    client.force_login(cast.manager)
    url = reverse("reports:review", args=[cast.project.pk])
    response = client.post(url + "?month=2022-05", {"report": [f"{report.pk}:{report.version}", *ids]},
                           follow=True)
    assert response.status_code == 200
    assert "Valittuja raportteja ei tunnistettu. Mitään ei hyväksytty" in (
        response.content.decode())
    report.refresh_from_db()
    assert report.state == "submitted"
