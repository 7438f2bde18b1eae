"""Load test (issue 7): 50 coordinators saving and submitting reports while 20 steering group
members browse dashboards and a national client pulls the API, against gunicorn on loopback.

Prints p50/p95 per kind of request, the error count, and the saves lost or duplicated (each
coordinator's accepted saves against the report history in the database)."""

import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from bench.figures import Figure
from bench.ports import free_port
from projects.models import Membership, Person, Phase, Project
from projects.months import month_start
from reports.models import MonthlyReport, ReportEvent, ReportingPeriod
from workpackages.models import Subproject, WorkPackage

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "kuormitus-salasana-2026"
DURATION = os.environ.get("LOAD_DURATION", "90s")
SAVES = 6


def _session(user) -> str:
    """A logged-in session, as a login would leave it: the load test measures the month's
    work, not 71 password hashes at once (a login is measured by itself)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["login_at"] = int(time.time())
    session.create()
    return session.session_key


def _user(username: str, project: Project, role: str) -> tuple:
    User = get_user_model()
    user = User.objects.filter(username=username).first() or User(username=username)
    user.set_password(PASSWORD)
    user.save()
    person, _ = Person.objects.get_or_create(user=user, defaults={"name": username})
    Membership.objects.get_or_create(person=person, project=project, defaults={"role": role})
    return user, person


@transaction.atomic
def prepare(month: dt.date) -> dict:
    """A fresh LOAD-01 project with 50 subprojects and their coordinators; steering members of
    the synthetic projects; an API client for every project."""
    from api.models import ApiClient
    from api.services import api_client_create

    Project.objects.filter(code="LOAD-01").delete()
    template = Project.objects.get(code="SCALE-01")
    project = Project.objects.create(
        programme=template.programme, code="LOAD-01", name="Kuormitustestin hanke",
        region=template.region, administrator=template.administrator,
    )
    Phase.objects.create(project=project, code="I", name="I-vaihe",
                         start_date=dt.date(month.year - 1, 1, 1),
                         end_date=dt.date(month.year + 1, 12, 31))
    ReportingPeriod.objects.create(project=project, month=month,
                                   deadline=dt.date(month.year + 1, 1, 10))
    wp = WorkPackage.objects.create(project=project, code="TP1", name="Kuormitus")
    coordinators = []
    for n in range(1, 51):
        sub = Subproject.objects.create(project=project, work_package=wp, code=f"1.{n}",
                                        name=f"Osahanke {n}", start_month=month,
                                        end_month=month)
        user, person = _user(f"load.coord.{n:02d}", project, Membership.Role.COORDINATOR)
        sub.responsible_people.add(person)
        coordinators.append([user.username, sub.pk, _session(user)])
    scale = list(Project.objects.filter(code__startswith="SCALE-").order_by("code")[:20])
    steering = []
    for i, p in enumerate(scale, 1):
        user = _user(f"load.steer.{i:02d}", p, Membership.Role.STEERING)[0]
        steering.append([user.username, p.pk, _session(user)])
    ApiClient.objects.filter(name="Kuormitustesti").delete()
    _, token = api_client_create(name="Kuormitustesti", all_projects=True)
    return {"coordinators": coordinators, "steering": steering, "token": token,
            "project_codes": [p.code for p in scale], "project": project.pk}


def _server(port: int, static_root: str) -> subprocess.Popen:
    env = {
        # The sessions made in this process must be valid in the server: the same key.
        **os.environ, "DEBUG": "0", "TESTING": "0", "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
        "BEHIND_TLS_PROXY": "0", "SECURE_HSTS_SECONDS": "0", "CONN_MAX_AGE": "60",
        "STATIC_ROOT": static_root, "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)  # roll-ups after approval run in-process
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=env, check=True)
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "sote_portal.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "3", "--threads", "4", "--worker-class", "gthread",
         # Longer than a user's pause between requests: otherwise gunicorn closes an idle
         # kept-alive connection just as the client reuses it (a reset, not a server error).
         "--keep-alive", "30",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True)


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer")


def _check_saves(results: dict) -> tuple[int, int]:
    """(lost, duplicated): accepted saves missing from the history, or more in it."""
    lost = duplicated = 0
    for result in results.values():
        report = MonthlyReport.objects.filter(subproject_id=result["subproject"]).first()
        recorded = 0 if report is None else report.events.filter(
            action=ReportEvent.Action.SAVED).count()
        lost += max(result["saves"] - recorded, 0)
        duplicated += max(recorded - result["saves"], 0)
        if result["saves"] and (report is None or report.situation != result["last_text"]):
            lost += 1
    return lost, duplicated


def run() -> list[Figure]:
    month = month_start(dt.date.today())
    setup = prepare(month)
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="sote-load-"))
    server = _server(port, str(work / "static"))
    try:
        _wait(port)
        env = {**os.environ, "LOAD_PASSWORD": PASSWORD, "LOAD_MONTH": f"{month:%Y-%m}",
               "LOAD_SAVES": str(SAVES), "LOAD_SETUP": json.dumps(setup),
               "LOAD_RESULT": str(work / "result.json")}
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench/loadtest/locustfile.py"),
             "--headless", "--users", "71", "--spawn-rate", "20", "--run-time", DURATION,
             "--host", f"http://127.0.0.1:{port}", "--csv", str(work / "load"),
             "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
            cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
    finally:
        server.terminate()
        server.wait(30)
    results = json.loads((work / "result.json").read_text(encoding="utf-8"))
    lost, duplicated = _check_saves(results)
    figures = []
    with (work / "load_stats.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
            figures.append(Figure(f"load: {name} p50", float(row["50%"]), "ms",
                                  f"{row['Request Count']} requests"))
            figures.append(Figure(f"load: {name} p95", float(row["95%"]), "ms",
                                  f"{row['Failure Count']} failed"))
            if row["Name"] == "Aggregated":
                figures.append(Figure("load: errors", float(row["Failure Count"]), "requests",
                                      "aim 0"))
                figures.append(Figure("load: throughput", float(row["Requests/s"]), "req/s",
                                      "71 users on 2 cores"))
    submitted = sum(r["submitted"] for r in results.values())
    figures.append(Figure("load: saves lost", lost, "saves",
                          f"of {sum(r['saves'] for r in results.values())}; aim 0"))
    figures.append(Figure("load: saves duplicated", duplicated, "saves", "aim 0"))
    figures.append(Figure("load: reports submitted", submitted, "reports", "of 50"))
    return figures
