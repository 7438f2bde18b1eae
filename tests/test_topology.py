"""The production topology without Docker (scripts/serve): gunicorn answers, the worker
runs a task sent through Redis, beat starts — against PostgreSQL and Redis."""

import os
import time
import urllib.request

import psycopg2
import pytest
from celery import Celery

from tests.support import free_port, needs_worker, spawn, stop, wait_for

pytestmark = [needs_worker, pytest.mark.worker]
DB_NAME = "sote_portal_topology"


def fresh_database() -> str:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {DB_NAME}")
    conn.close()
    return f"{base}/{DB_NAME}"


def behind_proxy(port: int, path: str) -> urllib.request.Request:
    """A request as the TLS-terminating proxy in front of gunicorn forwards it (production
    settings redirect plain HTTP to HTTPS)."""
    return urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                  headers={"X-Forwarded-Proto": "https"})


def test_serve_starts_web_worker_and_beat(tmp_path):
    port = free_port()
    redis_url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/14"  # its own queue
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("TESTING", "DEBUG")},
        "DATABASE_URL": fresh_database(), "REDIS_URL": redis_url, "PORT": str(port),
        "SECRET_KEY": "topology-test-secret-key-0123456789-abcdefghijklmnop",
        "STATIC_ROOT": str(tmp_path / "static"), "MEDIA_ROOT": str(tmp_path / "media"),
        "BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"), "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "1",
    }
    log = tmp_path / "serve.log"
    process = spawn(["scripts/serve"], log=log, env=env)
    try:
        def login_page():
            try:
                with urllib.request.urlopen(behind_proxy(port, "/accounts/login/")) as r:
                    return r.status == 200 and b'lang="fi"' in r.read()
            except OSError:
                return False

        wait_for(login_page, 180, "gunicorn to answer", step=0.5)
        client = Celery(broker=redis_url, backend=redis_url)
        result = client.send_task("reports.tasks.close_reporting_periods")
        assert result.get(timeout=60) == 0  # the worker ran it against the fresh database
        wait_for(lambda: b"beat: Starting" in log.read_bytes(), 60, "beat to start", step=0.5)
        with urllib.request.urlopen(behind_proxy(port, "/static/css/portal.css")) as r:
            assert r.status == 200  # static files served in production mode
    finally:
        stop(process, timeout=30)
        time.sleep(0.5)
