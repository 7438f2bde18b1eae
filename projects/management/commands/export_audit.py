"""Export the audit trail as CSV: `manage.py export_audit [--project CODE] [--since YYYY-MM-DD]`."""

import datetime as dt
import sys

from auditlog.models import LogEntry
from django.core.management.base import BaseCommand, CommandError

from projects import audit
from projects.models import Project


class Command(BaseCommand):
    help = "Writes the audit trail (every tracked change) as CSV to standard output or a file."

    def add_arguments(self, parser):
        parser.add_argument("--project", help="project short name; default every project")
        parser.add_argument("--since", type=dt.date.fromisoformat, help="first day, YYYY-MM-DD")
        parser.add_argument("--output", help="file to write; default standard output")

    def handle(self, *args, project=None, since=None, output=None, **options):
        if project:
            try:
                entries = audit.project_audit(Project.objects.get(code=project).pk)
            except Project.DoesNotExist:
                raise CommandError(f"No project {project!r}.") from None
        else:
            entries = LogEntry.objects.select_related("actor", "content_type").order_by(
                "-timestamp", "-pk")
        if since:
            entries = entries.filter(timestamp__date__gte=since)
        stream = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout
        try:
            for line in audit.export_csv_lines(entries.iterator()):
                stream.write(line)
        finally:
            if output:
                stream.close()
