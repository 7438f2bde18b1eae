#!/usr/bin/env python
import os
import secrets
import sys

# Commands that only read the code and its migrations: they serve no request and sign or store
# nothing, so they run without a key (a random one for this process alone, never development
# mode). Everything else stops without SECRET_KEY or DEBUG=1.
CODE_ONLY_COMMANDS = {"check", "makemigrations", "sqlmigrate", "compilemessages", "help",
                      "version", "--help", "--version"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sote_portal.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command in CODE_ONLY_COMMANDS:
        os.environ.setdefault("CODE_ONLY_SECRET_KEY", secrets.token_urlsafe(50))
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Loading the settings first turns a configuration error (no SECRET_KEY and no DEBUG=1, a
    # malformed variable) into one line instead of a traceback.
    try:
        settings.SECRET_KEY  # noqa: B018
    except ImproperlyConfigured as exc:
        sys.exit(f"manage.py: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
