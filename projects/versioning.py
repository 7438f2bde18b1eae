"""Conflict protection for the plan's edit pages (no lost updates), as the reports have: a
form carries the `updated_at` of the row it was read at; a save finds the row changed since
then, refuses, and the page shows both what is saved now and what the user typed."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """The row was changed (or deleted) by someone else after the form was read."""

    message = _("Someone else changed this in the meantime. What is saved now is shown beside "
                "what you typed; check it and save again.")


def version_of(instance) -> str:
    """The version token of a saved row (its last change), '' for a new one."""
    return instance.updated_at.isoformat() if instance.pk and instance.updated_at else ""


@transaction.atomic
def save_if_unchanged(form, version: str):
    """Saves a ModelForm's instance if its row is still at `version`; StaleEdit if not. The
    row is locked for the check and the save, so two saves cannot both pass."""
    instance = form.instance
    if instance.pk:
        current = (type(instance).objects.select_for_update().filter(pk=instance.pk)
                   .values_list("updated_at", flat=True).first())
        if current is None or current.isoformat() != version:
            raise StaleEdit
    return form.save()
