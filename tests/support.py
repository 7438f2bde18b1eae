"""What the tests that go beyond the test client share: free ports, waiting for something to
happen, child processes (a Celery worker on Redis, gunicorn, a redis-server, scripts/serve),
and the skips for what a machine may lack (PostgreSQL, Redis, Chromium).

Loaded as a pytest plugin by conftest.py for the `worker` fixture. A worker or a server is a
separate process, so the tests that use one must commit their data
(django_db(transaction=True)) and share a PostgreSQL test database with it."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from bench.ports import free_port  # noqa: F401 (the tests take it from here)
from sote_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
USES_POSTGRES = "postgres" in os.environ.get("DATABASE_URL", "")
needs_postgres = pytest.mark.skipif(
    not USES_POSTGRES,
    reason="needs a PostgreSQL DATABASE_URL (another process shares the test database)",
)
needs_worker = pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and USES_POSTGRES),
    reason="needs REDIS_URL and a PostgreSQL DATABASE_URL (CI sets both)",
)
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def skip_without_chromium() -> None:
    """Skips the calling test, saying what to install, where there is no Chromium to drive."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"browser test: no Chromium at {CHROMIUM}; install Debian's chromium "
                    "(apt-get install chromium) or set CHROMIUM_PATH to one")


def wait_for(predicate, timeout: float, what: str, step: float = 0.05):
    """Polls predicate until it returns something true and returns that; fails after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def database_url() -> str:
    """The test database as a DATABASE_URL, for the child processes that share it."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def spawn(command: list[str], *, log: Path, env: dict | None = None) -> subprocess.Popen:
    """Starts command in the project folder in its own process group (so that it and its
    children can be stopped together), its output appended to log."""
    with log.open("ab") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                stderr=subprocess.STDOUT, start_new_session=True)


def kill(process: subprocess.Popen | None) -> None:
    """SIGKILL the process group: no chance to acknowledge or clean up."""
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def stop(process: subprocess.Popen | None, timeout: float = 20) -> None:
    """SIGTERM the process group and wait for it to exit; SIGKILL it after timeout."""
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            kill(process)


class Worker:
    """A real Celery worker (`celery -A sote_portal worker`) against the test database, on
    the REDIS_URL of the environment unless env names another. Tasks are acknowledged late, so
    a message unacknowledged for CELERY_VISIBILITY_TIMEOUT seconds is delivered again."""

    def __init__(self, tmp_path: Path, *, concurrency: int = 1, **env: str):
        self.media = tmp_path / "media"
        self.mail = tmp_path / "mail"
        self.log = tmp_path / "worker.log"
        self.concurrency = concurrency
        self.extra_env = env
        self.process: subprocess.Popen | None = None

    def env(self) -> dict:
        return {
            **os.environ, "DATABASE_URL": database_url(), "TESTING": "1",
            "CELERY_TASK_ALWAYS_EAGER": "0", "MEDIA_ROOT": str(self.media),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail), "CELERY_VISIBILITY_TIMEOUT": "8",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1", "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            **self.extra_env,
        }

    def start(self) -> "Worker":
        self.process = spawn(
            [sys.executable, "-m", "celery", "-A", "sote_portal", "worker", "--loglevel",
             "INFO", "--concurrency", str(self.concurrency), "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-Q", "celery"],
            log=self.log, env=self.env(),
        )
        return self

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no chance to acknowledge or clean up."""
        kill(self.process)

    def stop(self) -> None:
        stop(self.process)


@pytest.fixture
def worker(tmp_path, settings):
    """Start-able workers (call it, once per worker); tasks sent by the test go to Redis
    instead of running in-process. Every worker started is stopped afterwards."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(tmp_path).start()
        started.append(worker)
        return worker

    yield start
    for w in started:
        w.stop()
    celery_app.conf.task_always_eager = eager


def pytest_configure(config) -> None:
    """A bare `pytest` on a fresh clone has no compiled translations (.mo files are not in
    git): compile them as scripts/bootstrap does, once, before any worker starts."""
    if hasattr(config, "workerinput"):  # an xdist worker: the controller has compiled them
        return
    catalogues = list((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
    stale = [po for po in catalogues if not po.with_suffix(".mo").exists()
             or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    if not stale:
        return
    if not shutil.which("msgfmt"):
        print("tests: translations are not compiled and GNU gettext's msgfmt is missing: "
              "install gettext (apt-get install gettext) or run `make test`", file=sys.stderr)
        return
    for po in stale:
        subprocess.run(["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)],
                       check=True)
    from django.utils.translation import trans_real

    trans_real._translations.clear()  # catalogues read before they were compiled


def pdf_text(pdf: bytes) -> str:
    """A PDF's text as a reader reads it: a word the layout hyphenated at a line end (Voikko's
    soft hyphen, printed as U+2010) is one word again."""
    import io
    import re

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"(\w)\u2010\n(\w)", r"\1\2", text)
