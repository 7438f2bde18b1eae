"""The data the benchmark reads: a PostgreSQL database (created if missing, migrated) holding
the national-scale synthetic projects of demo/scale.py at a given size.

Each size has a database of its own beside DATABASE_URL's (`<name>_r20`, `<name>_r60`), so the
page comparison (bench/pages.py) reads the same project among 20 or 60 projects; the other
figures read DATABASE_URL's own database, filled at the default size."""

import sys

import psycopg2
from django.core.management import call_command
from django.db import connection

from demo.scale import SCALE_PREFIX
from projects.models import Project


def database_url(base_url: str, regions: int) -> str:
    """The URL of the database for a size: DATABASE_URL's with `_r<regions>` after the name."""
    return f"{base_url.rstrip('/')}_r{regions}"


def create_database() -> None:
    """Creates the database the settings name, through the server's `postgres` database, if it
    does not exist yet (before the first connection to it)."""
    db = connection.settings_dict
    admin = psycopg2.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"],
                             host=db["HOST"], port=db["PORT"])
    admin.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    finally:
        admin.close()


def prepare(*, regions: int) -> None:
    """The database exists, is migrated and holds `regions` synthetic projects (generated,
    replacing others, when it holds another number of them; a minute at 60). What the
    generator says goes to stderr: stdout is for the figures."""
    create_database()
    call_command("migrate", verbosity=0)
    if Project.objects.filter(code__startswith=f"{SCALE_PREFIX}-").count() != regions:
        call_command("generate_scale_data", regions=regions, stdout=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics now, not when autovacuum runs
