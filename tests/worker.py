"""A real Celery worker on the real Redis, against the test database (PostgreSQL only).

The worker is a separate process, so the tests that use it must commit their data
(django_db(transaction=True)) and are skipped where no Redis or PostgreSQL is configured."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from sote_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
needs_worker = pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="needs REDIS_URL and a PostgreSQL DATABASE_URL (CI sets both)",
)


def worker_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, tmp_path: Path):
        self.media = tmp_path / "media"
        self.mail = tmp_path / "mail"
        self.log = tmp_path / "worker.log"
        self.process: subprocess.Popen | None = None

    def env(self) -> dict:
        return {
            **os.environ, "DATABASE_URL": worker_database_url(), "TESTING": "1",
            "CELERY_TASK_ALWAYS_EAGER": "0", "MEDIA_ROOT": str(self.media),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail), "CELERY_VISIBILITY_TIMEOUT": "8",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1", "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        }

    def start(self) -> "Worker":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "sote_portal", "worker", "--loglevel",
             "INFO", "--concurrency", "1", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-Q", "celery"],
            cwd=ROOT, env=self.env(), stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no chance to acknowledge or clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker(tmp_path, settings):
    """Start-able workers; tasks sent by the test go to Redis instead of running in-process."""
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


def wait_for(predicate, timeout: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
