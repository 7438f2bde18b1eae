"""Backup and restore (scripts/backup, scripts/restore): a dump of a database with the demo
projects, restored into a fresh database, has every row of every table — the same count and
the same checksum of the rows in each table — and its sequences continue where they were."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from demo.services import load_demo
from reports.models import MonthlyReport
from tests import factories
from tests.support import ROOT, database_url, needs_postgres

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_postgres,
    pytest.mark.skipif(not (shutil.which("pg_dump") and shutil.which("pg_restore")
                            and shutil.which("psql") and shutil.which("createdb")),
                       reason="needs the PostgreSQL client programs"),
]

TABLES = """SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"""


def snapshot(conn) -> dict:
    """Per table: (rows, md5 of the rows' text in order); per sequence: its last value."""
    result: dict = {"tables": {}}
    with conn.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'")  # rows as text, the same way on both sides
        cur.execute(TABLES)
        for (table,) in cur.fetchall():
            cur.execute(
                f'SELECT count(*), md5(coalesce(string_agg(t::text, E\'\\n\' ORDER BY t::text),'
                f" '')) FROM \"{table}\" t")
            result["tables"][table] = cur.fetchone()
        cur.execute("SELECT sequencename, last_value FROM pg_sequences "
                    "WHERE schemaname = 'public' ORDER BY sequencename")
        result["sequences"] = cur.fetchall()
    return result


@pytest.fixture
def restore_url():
    """A database beside the test database, e.g. test_sote_faults_restore: absent at start."""
    source = database_url()
    base, name = source.rsplit("/", 1)
    target = f"{name}_restore"
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True

    def drop():
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')

    drop()
    yield f"{base}/{target}"
    drop()
    admin.close()


def run(script: str, *args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([f"scripts/{script}", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "DATABASE_URL": url})


def test_backup_restores_every_row_into_a_fresh_database(tmp_path, restore_url):
    load_demo(password="demo-salasana-testi")
    factories.MonthlyReportFactory(situation="Ääkköset, lainausmerkit \" ' ja rivin-\nvaihto",
                                   state="approved")
    before = snapshot(connection.connection)
    assert before["tables"]["reports_monthlyreport"][0] == MonthlyReport.objects.count() > 1
    nonempty = [t for t, (rows, _) in before["tables"].items() if rows]
    assert len(nonempty) >= 20  # the demo fills most of the schema

    dump = tmp_path / "sote.dump"
    backup = run("backup", str(dump), url=database_url())
    assert backup.returncode == 0, backup.stderr
    assert dump.stat().st_size > 10_000 and not Path(f"{dump}.partial").exists()

    restored = run("restore", str(dump), url=restore_url)
    assert restored.returncode == 0, restored.stderr
    assert "created database" in restored.stdout
    with psycopg2.connect(restore_url) as conn:
        after = snapshot(conn)
    conn.close()
    assert after == before  # every table: same rows, same content; sequences continue

    # Into a database that has tables: refused unless asked for, then replaced cleanly.
    refused = run("restore", str(dump), url=restore_url)
    assert refused.returncode == 1 and "--force" in refused.stderr
    again = run("restore", "--force", str(dump), url=restore_url)
    assert again.returncode == 0, again.stderr
    with psycopg2.connect(restore_url) as conn:
        assert snapshot(conn) == before
    conn.close()


def test_scripts_refuse_what_they_cannot_do(tmp_path):
    assert run("backup", url="sqlite:///db.sqlite3").returncode == 2  # no file given
    result = run("backup", str(tmp_path / "x.dump"), url="sqlite:///db.sqlite3")
    assert result.returncode == 2 and "not a PostgreSQL database" in result.stderr
    result = run("restore", str(tmp_path / "missing.dump"),
                 url=database_url())
    assert result.returncode == 2 and "cannot read" in result.stderr
