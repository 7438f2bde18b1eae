"""The audit trail of plan data, reports, metric values, budgets and risks (issue 7).

django-auditlog writes one `LogEntry` per accepted change (who, UTC time, old and new value
of each field) from the model's save/delete signals, so inside the same transaction as the
change itself (services and the admin save in `transaction.atomic`). Which models are tracked
is listed in settings (`AUDITLOG_INCLUDE_TRACKING_MODELS`). Each tracked model names the path
to its project, so a manager can be shown the audit of their project."""

import contextlib
import csv
import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils.text import capfirst

from projects.spreadsheets import neutralise_cell

# The coordinator a manager is saving for (an uploaded Excel sheet): recorded with each audit
# row written meanwhile, beside the manager as the actor.
_on_behalf_of: ContextVar = ContextVar("audit_on_behalf_of", default=None)


@contextlib.contextmanager
def on_behalf_of(user):
    """Audit rows written inside are marked as saved on behalf of `user` (None: not)."""
    token = _on_behalf_of.set(user)
    try:
        yield
    finally:
        _on_behalf_of.reset(token)


class ProjectAudited:
    """Mixin for tracked models: the audit row records the project the object belongs to,
    and the coordinator a manager saved it for, if so."""

    audit_project_path = "project_id"

    def get_additional_data(self) -> dict:
        value = self
        for part in self.audit_project_path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        data = {"project_id": value}
        coordinator = _on_behalf_of.get()
        if coordinator is not None:
            data["on_behalf_of"] = coordinator.get_username()
        return data


def on_behalf_of_name(entry) -> str:
    """The user name of the coordinator an audit row was saved for ("" if none)."""
    return (entry.additional_data or {}).get("on_behalf_of") or ""


def project_audit(project_id: int) -> QuerySet:
    from auditlog.models import LogEntry  # not at import time: the models import this module

    return (
        LogEntry.objects.filter(additional_data__project_id=project_id)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def readable_changes(entry) -> list[tuple[str, object, object]]:
    """(field, old, new) of an audit row as the page shows it: fields by their labels and
    choices by their names in the reader's language (auditlog's display form), without the
    reverse relations auditlog lists by their bare names."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    relations = {f.name for f in model._meta.get_fields() if not f.concrete} if model else set()
    return [(capfirst(str(label)), old, new)
            for label, (old, new) in entry.changes_display_dict.items()
            if label not in relations]


EXPORT_HEADER = ["time_utc", "user", "action", "model", "object_id", "object", "project_id",
                 "field", "old", "new", "on_behalf_of"]


_NUMBER_FIELDS = (models.IntegerField, models.DecimalField, models.FloatField)


@functools.cache
def _is_number_field(model, name: str) -> bool:
    """auditlog stores every old and new value as text: the audited model's field tells
    whether `-5` is a number (written as it is) or a text a spreadsheet would run."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return False
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    return isinstance(field, _NUMBER_FIELDS)


def export_rows(entries: Iterable) -> Iterator[list]:
    """One CSV row per changed field of each entry (a create or delete with no field diff
    still gives one row). Texts a spreadsheet would run as formulas are neutralised; the old
    and new values of number fields are written as they are."""
    yield EXPORT_HEADER
    for entry in entries:
        base = [
            entry.timestamp.astimezone(dt.UTC).isoformat(timespec="seconds"),
            neutralise_cell(entry.actor.get_username()) if entry.actor else "",
            entry.get_action_display(),
            entry.content_type.model,
            entry.object_pk,
            neutralise_cell(entry.object_repr),
            (entry.additional_data or {}).get("project_id", ""),
        ]
        behalf = [neutralise_cell(on_behalf_of_name(entry))]  # the coordinator a manager saved for
        changes = entry.changes_dict or {}
        if not changes:
            yield base + ["", "", ""] + behalf
        for field, (old, new) in changes.items():
            if not _is_number_field(entry.content_type.model_class(), field):
                old, new = neutralise_cell(old), neutralise_cell(new)
            yield base + [field, old, new] + behalf


class _Echo:
    def write(self, value):
        return value


def export_csv_lines(entries: Iterable) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in export_rows(entries):
        yield writer.writerow(row)
