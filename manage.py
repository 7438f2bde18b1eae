#!/usr/bin/env python
import os
import sys
from pathlib import Path


def _has_secret_key() -> bool:
    if os.environ.get("SECRET_KEY"):
        return True
    env_file = Path(__file__).resolve().with_name(".env")
    return env_file.is_file() and any(
        line.strip().startswith("SECRET_KEY=") for line in env_file.read_text().splitlines()
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sote_portal.settings")
    # A checkout with no SECRET_KEY is a developer's: its management commands (check,
    # makemigrations, shell …) run in development mode. A deployment sets SECRET_KEY; the
    # servers (gunicorn, Celery) do not come through here and still refuse to start without it.
    if not _has_secret_key():
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
