"""The audit trail of plan data, reports, metric values, budgets and risks (issue 7).

django-auditlog writes one `LogEntry` per accepted change (who, UTC time, old and new value
of each field) from the model's save/delete signals, so inside the same transaction as the
change itself (services and the admin save in `transaction.atomic`). Which models are tracked
is listed in settings (`AUDITLOG_INCLUDE_TRACKING_MODELS`). Each tracked model names the path
to its project, so a manager can be shown the audit of their project."""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet


class ProjectAudited:
    """Mixin for tracked models: the audit row records the project the object belongs to."""

    audit_project_path = "project_id"

    def get_additional_data(self) -> dict:
        value = self
        for part in self.audit_project_path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        return {"project_id": value}


def project_audit(project_id: int) -> QuerySet:
    from auditlog.models import LogEntry  # not at import time: the models import this module

    return (
        LogEntry.objects.filter(additional_data__project_id=project_id)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


EXPORT_HEADER = ["time_utc", "user", "action", "model", "object_id", "object", "project_id",
                 "field", "old", "new"]


def export_rows(entries: Iterable) -> Iterator[list]:
    """One CSV row per changed field of each entry (a create or delete with no field diff
    still gives one row)."""
    yield EXPORT_HEADER
    for entry in entries:
        base = [
            entry.timestamp.astimezone(dt.UTC).isoformat(timespec="seconds"),
            entry.actor.get_username() if entry.actor else "",
            entry.get_action_display(),
            entry.content_type.model,
            entry.object_pk,
            entry.object_repr,
            (entry.additional_data or {}).get("project_id", ""),
        ]
        changes = entry.changes_dict or {}
        if not changes:
            yield base + ["", "", ""]
        for field, (old, new) in changes.items():
            yield base + [field, old, new]


class _Echo:
    def write(self, value):
        return value


def export_csv_lines(entries: Iterable) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in export_rows(entries):
        yield writer.writerow(row)
