"""Faults of the services around the web process, met by the real web server (gunicorn)
against the test database:

- Redis down: pages and the API keep working; approving a report (which asks a worker to
  recompute the roll-up) still succeeds and the roll-up is recomputed later by the hourly
  sweep; asking for a document is refused at once with a message saying why.
- PostgreSQL restarted: every server-side connection is cut (what a restart does to the
  clients); the next request succeeds on a fresh connection (CONN_HEALTH_CHECKS)."""

import datetime as dt
import os
import socket
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.urls import reverse

from reports import tasks
from reports.models import GeneratedDocument, MonthlyReport, ProjectRollup
from tests.conftest import PASSWORD
from tests.support import database_url, free_port, needs_postgres, spawn, stop, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgres]
MAY = "2022-05"

class WebServer:
    """gunicorn with one worker process, so one database connection is reused throughout."""

    def __init__(self, tmp_path: Path, **env: str):
        self.port, self.log = free_port(), tmp_path / "gunicorn.log"
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DEBUG",)},
            "DATABASE_URL": database_url(), "TESTING": "1",
            "MEDIA_ROOT": str(tmp_path / "media"), "CONN_MAX_AGE": "600", **env,
        }
        self.process = None

    def __enter__(self) -> "WebServer":
        self.process = spawn(
            [sys.executable, "-m", "gunicorn", "sote_portal.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60",
             "--access-logfile", "-"],
            log=self.log, env=self.env,
        )

        def answers() -> bool:
            try:
                return requests.get(f"{self.url}/accounts/login/", timeout=5).status_code == 200
            except requests.ConnectionError:
                return False

        try:
            wait_for(answers, 60, "gunicorn to answer", step=0.2)
        except AssertionError:
            self.__exit__()
            print(self.log.read_text()[-4000:])
            raise
        return self

    def __exit__(self, *exc) -> None:
        stop(self.process)
        if exc and exc[0] is not None:
            print(self.log.read_text()[-4000:])

    def browser(self, username: str) -> "Browser":
        return Browser(self.url).login(username)


class Browser:
    """A user in a browser: a session cookie and the CSRF token, nothing more."""

    def __init__(self, base: str):
        self.base, self.session = base, requests.Session()

    def login(self, username: str) -> "Browser":
        self.session.get(f"{self.base}/accounts/login/", timeout=10)
        response = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.text[:500]
        return self

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base + path, timeout=30, allow_redirects=False)

    def post(self, path: str, data: dict) -> requests.Response:
        token = self.session.cookies.get("csrftoken")
        return self.session.post(self.base + path, data=data, timeout=30,
                                 headers={"X-CSRFToken": token, "Referer": self.base + path},
                                 allow_redirects=False)

    def follow(self, response: requests.Response) -> requests.Response:
        assert response.status_code == 302, (response.status_code, response.text[:800])
        return self.get(response.headers["Location"])


def report_text(**fields) -> dict:
    return {"light": "green", "light_reason": "Eteni suunnitellusti.", "progress": "40",
            "situation": "Digitiimi aloitti.", "next_steps": "Koulutukset syksyllä.",
            "problems": "", "help_needed": "", **fields}


def test_redis_down_pages_work_and_no_job_is_lost_silently(cast, tmp_path):
    dead = f"redis://127.0.0.1:{free_port()}/14"  # nothing listens there
    edit = reverse("reports:edit", args=[cast.subproject.pk, MAY])
    with WebServer(tmp_path, REDIS_URL=dead, CELERY_TASK_ALWAYS_EAGER="0") as web:
        coordinator = web.browser("koordinaattori")
        assert coordinator.get(reverse("reports:mine")).status_code == 200
        assert coordinator.get(edit).status_code == 200
        saved = coordinator.post(edit, {**report_text(), "action": "save"})
        assert "Luonnos tallennettiin" in coordinator.follow(saved).text  # "The draft was saved."
        report = MonthlyReport.objects.get(subproject=cast.subproject, period=dt.date(2022, 5, 1))
        submitted = coordinator.post(edit, {**report_text(), "version": report.version,
                                            "action": "submit"})
        assert submitted.status_code == 302
        report.refresh_from_db()
        assert report.state == "submitted"

        # Approving asks a worker to recompute the roll-up once the approval is committed.
        # The queue is down: the approval stands, the manager gets the normal answer.
        manager = web.browser("paallikko")
        started = time.monotonic()
        approved = manager.post(reverse("reports:approve", args=[report.pk]),
                                {"version": report.version})
        assert time.monotonic() - started < 5
        assert "hyväksyttiin" in manager.follow(approved).text
        report.refresh_from_db()
        assert report.state == "approved"
        assert not ProjectRollup.objects.exists()  # the job could not be queued …

        # … and the API and the pages keep working.
        national = web.browser("stm")
        api = national.get(reverse("api:monthly-report-list"))
        assert api.status_code == 200 and str(report.pk) in api.text
        assert manager.get(reverse("reports:review", args=[cast.project.pk])).status_code == 200

        # A document asked for now is refused at once, saying why; nothing waits forever.
        documents = reverse("reports:documents", args=[cast.project.pk])
        started = time.monotonic()
        asked = manager.post(documents, {"kind": "evaluation"})
        assert time.monotonic() - started < 5
        page = manager.follow(asked).text
        assert "Työjono ei ole juuri nyt käytettävissä" in page
        assert "Asiakirja lisättiin työjonoon" not in page  # not "queued"
        document = GeneratedDocument.objects.get()
        assert document.status == "failed" and document.finished_at
    # The hourly sweep (beat) finds the roll-up older than the approval and recomputes it.
    assert tasks.stale_rollups() == [(cast.project.pk, dt.date(2022, 5, 1))]
    assert tasks.recompute_stale_rollups() == 1
    rollup = ProjectRollup.objects.get(project=cast.project, month=dt.date(2022, 5, 1))
    assert (rollup.reported, rollup.approved) == (1, 1)
    assert tasks.stale_rollups() == [] and tasks.recompute_stale_rollups() == 0


@pytest.fixture
def unresponsive_port():
    """A port where connections are never completed (like a Redis host that went away
    without a word): a listening socket whose one-place accept queue is kept full."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=2)
    yield port
    filler.close()
    server.close()


def test_unresponsive_redis_does_not_hang_the_request(cast, tmp_path, unresponsive_port):
    documents = reverse("reports:documents", args=[cast.project.pk])
    with WebServer(tmp_path, REDIS_URL=f"redis://127.0.0.1:{unresponsive_port}/14",
                   CELERY_TASK_ALWAYS_EAGER="0") as web:
        manager = web.browser("paallikko")
        started = time.monotonic()
        asked = manager.post(documents, {"kind": "evaluation"})
        took = time.monotonic() - started
        assert "Työjono ei ole juuri nyt käytettävissä" in manager.follow(asked).text
    # Connect timeout (2 s) for the first try and two retries, not the kernel's two minutes.
    assert took < 10, took
    assert GeneratedDocument.objects.get().status == "failed"


def test_web_process_survives_a_postgresql_restart(cast, tmp_path):
    edit = reverse("reports:edit", args=[cast.subproject.pk, MAY])
    with WebServer(tmp_path, CONN_MAX_AGE="600") as web:
        coordinator = web.browser("koordinaattori")
        assert coordinator.get(edit).status_code == 200
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            cut = cursor.fetchall()
        assert cut and all(ok for (ok,) in cut)  # gunicorn's kept connection among them

        assert coordinator.get(edit).status_code == 200  # reconnected, not a 500
        saved = coordinator.post(edit, {**report_text(), "action": "save"})
        assert "Luonnos tallennettiin" in coordinator.follow(saved).text
        assert MonthlyReport.objects.filter(subproject=cast.subproject).exists()
        assert "Internal Server Error" not in web.log.read_text()
