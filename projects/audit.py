"""The audit trail of plan data, reports, metric values, budgets and risks (issue 7).

django-auditlog writes one `LogEntry` per accepted change (who, UTC time, old and new value
of each field) from the model's save/delete signals, so inside the same transaction as the
change itself (services and the admin save in `transaction.atomic`). Which models are tracked
is listed in settings (`AUDITLOG_INCLUDE_TRACKING_MODELS`). Each tracked model names the path
to its project, so a manager can be shown the audit of their project; the subproject an object
belongs to (if any) is found from its fields and recorded too, so the audit can be narrowed to
one subproject (rows written before that are narrowed by their object's subproject now)."""

import contextlib
import csv
import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

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
        data = {"project_id": value, "subproject_id": _subproject_id(self)}
        coordinator = _on_behalf_of.get()
        if coordinator is not None:
            data["on_behalf_of"] = coordinator.get_username()
            data["on_behalf_of_name"] = person_name(coordinator)
        return data


def on_behalf_of_name(entry) -> str:
    """The user name of the coordinator an audit row was saved for ("" if none)."""
    return (entry.additional_data or {}).get("on_behalf_of") or ""


def on_behalf_of_display(entry) -> str:
    """The coordinator an audit row was saved for, as the page names people."""
    data = entry.additional_data or {}
    return data.get("on_behalf_of_name") or data.get("on_behalf_of") or ""


FINNISH_TIME = zoneinfo.ZoneInfo("Europe/Helsinki")
SUBPROJECT_MODEL = "workpackages.subproject"


@functools.cache
def subproject_path(model) -> str | None:
    """The lookup from an audited model to the subproject its objects belong to: the
    subproject itself, its own `subproject` field, or that of the object it belongs to (a
    metric value's metric). None for a model that belongs to no subproject (a risk)."""
    if model._meta.label_lower == SUBPROJECT_MODEL:
        return "pk"
    fields = [f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]
    for field in fields:
        if field.name == "subproject":
            return "subproject"
    for field in fields:
        related = field.related_model
        if any(f.name == "subproject" and f.many_to_one for f in related._meta.concrete_fields):
            return f"{field.name}__subproject"
    return None


def _subproject_id(instance) -> int | None:
    path = subproject_path(type(instance))
    if path is None:
        return None
    if path == "pk":
        return instance.pk
    value = instance
    for part in path.split("__")[:-1]:
        value = getattr(value, part, None)
        if value is None:
            return None
    return getattr(value, "subproject_id", None)


def _log_entries():
    from auditlog.models import LogEntry  # not at import time: the models import this module

    return LogEntry.objects


def _audited_models() -> list:
    from auditlog.registry import auditlog

    return auditlog.get_models()


def _of_subproject(subproject_id: int) -> Q:
    """The rows of a subproject's objects: as recorded, or — for a row written before the
    subproject was recorded — by what its object (if it still exists) belongs to now."""
    from django.contrib.contenttypes.models import ContentType

    derived = Q(pk__in=[])
    for model in _audited_models():
        path = subproject_path(model)
        if path is None:
            continue
        ids = model._default_manager.filter(**{path: subproject_id}).values("pk")
        derived |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return (Q(additional_data__subproject_id=subproject_id)
            | (~Q(additional_data__has_key="subproject_id") & derived))


def field_key(model, name: str) -> str:
    """A field's value in the audit filter: `app_label.model.field`."""
    return f"{model._meta.label_lower}.{name}"


def split_field_key(key: str) -> tuple[str, str, str]:
    app_label, model, name = key.split(".")
    return app_label, model, name


def day_start(day: dt.date) -> dt.datetime:
    """The start of a day in Finnish time (the audit's dates are Finnish dates)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=FINNISH_TIME)


def project_audit(project_id: int, *, actor=None, subproject_id: int | None = None,
                  field: str | None = None, start: dt.date | None = None,
                  end: dt.date | None = None) -> QuerySet:
    """The project's audit rows, newest first, narrowed to a person's changes, a
    subproject's objects, the changes of one field (`app_label.model.field`) and the
    Finnish days from `start` to `end` (both included)."""
    from django.contrib.contenttypes.models import ContentType

    entries = _log_entries().filter(additional_data__project_id=project_id)
    if actor is not None:
        entries = entries.filter(actor=actor)
    if subproject_id is not None:
        entries = entries.filter(_of_subproject(subproject_id))
    if field:
        app_label, model, name = split_field_key(field)
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        entries = entries.filter(content_type=content_type, changes__has_key=name)
    # The first and last days a date can be leave that end open (no time before or after).
    if start is not None and start > dt.date.min:
        entries = entries.filter(timestamp__gte=day_start(start))
    if end is not None and end < dt.date.max - dt.timedelta(days=1):
        entries = entries.filter(timestamp__lt=day_start(end + dt.timedelta(days=1)))
    return (entries.select_related("actor__person", "content_type")
            .order_by("-timestamp", "-pk"))


def project_audit_actors(project_id: int) -> list:
    """The people whose changes are in the project's audit, by name."""
    from django.contrib.auth import get_user_model

    ids = (_log_entries().filter(additional_data__project_id=project_id, actor__isnull=False)
           .order_by().values("actor_id"))
    users = get_user_model().objects.filter(pk__in=ids).select_related("person")
    return sorted(users, key=lambda user: (person_name(user).casefold(), user.pk))


def person_name(user) -> str:
    """A user as the audit names them: the person's full name, else the account's name,
    else the user name."""
    person = getattr(user, "person", None)
    return (person.name if person else "") or user.get_full_name() or user.get_username()


def audited_fields(model) -> list:
    """The fields of an audited model whose changes the audit records (not its key)."""
    from auditlog.registry import auditlog

    options = auditlog.get_model_fields(model)
    return [f for f in model._meta.concrete_fields if not f.primary_key
            and f.name not in options["exclude_fields"]
            and (not options["include_fields"] or f.name in options["include_fields"])]


def project_audit_fields(project_id: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """The fields a manager may narrow the project's audit to, grouped by the kind of
    object: (kind, [(key, label)]) for the kinds of objects the audit has rows of."""
    from django.contrib.contenttypes.models import ContentType

    type_ids = (_log_entries().filter(additional_data__project_id=project_id)
                .order_by().values_list("content_type", flat=True).distinct())
    groups = []
    for content_type in ContentType.objects.filter(pk__in=set(type_ids)):
        model = content_type.model_class()
        if model is None or model not in _audited_models():
            continue
        options = sorted(((field_key(model, f.name), capfirst(str(f.verbose_name)))
                          for f in audited_fields(model)), key=lambda item: item[1].casefold())
        groups.append((capfirst(str(model._meta.verbose_name)), options))
    return sorted(groups, key=lambda group: group[0].casefold())


def readable_changes(entry) -> list[tuple[str, object, object]]:
    """(field, old, new) of an audit row as the page shows it: fields by their labels and
    choices by their names in the reader's language (auditlog's display form), without the
    reverse relations auditlog lists by their bare names."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    # The reverse relations, and the database key a new object got (nothing a reader knows).
    hidden = ({f.name for f in model._meta.get_fields() if not f.concrete}
              | {str(model._meta.pk.verbose_name)}) if model else set()
    return [(capfirst(str(label)), _readable_value(old), _readable_value(new))
            for label, (old, new) in entry.changes_display_dict.items()
            if str(label) not in hidden]


def action_name(entry) -> str:
    """What was done, in the reader's language (auditlog names its actions in English)."""
    from auditlog.models import LogEntry

    names = {LogEntry.Action.CREATE: _("created"), LogEntry.Action.UPDATE: _("changed"),
             LogEntry.Action.DELETE: _("deleted"), LogEntry.Action.ACCESS: _("viewed")}
    return names.get(entry.action, entry.get_action_display())


def _readable_value(value) -> str:
    """auditlog's display value as a reader says it: nothing (Python's None, an empty
    choice) as a dash, a yes/no as a word."""
    if value in (None, "", "None"):
        return "–"
    if value == "True":
        return _("yes")
    if value == "False":
        return _("no")
    return value


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


def export_rows(entries: Iterable, field: str | None = None) -> Iterator[list]:
    """One CSV row per changed field of each entry (a create or delete with no field diff
    still gives one row) — only the `field` (`app_label.model.field`) if given. Texts a
    spreadsheet would run as formulas are neutralised; the old and new values of number
    fields are written as they are."""
    only = split_field_key(field)[2] if field else None
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
        for name, (old, new) in changes.items():
            if only is not None and name != only:
                continue
            if not _is_number_field(entry.content_type.model_class(), name):
                old, new = neutralise_cell(old), neutralise_cell(new)
            yield base + [name, old, new] + behalf


class _Echo:
    def write(self, value):
        return value


def export_csv_lines(entries: Iterable, field: str | None = None) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in export_rows(entries, field):
        yield writer.writerow(row)
