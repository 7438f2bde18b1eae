"""Writes of the workpackages app that carry a rule beyond one model's own."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Project
from projects.services import refuse_other_project
from projects.versioning import StaleEdit, save_if_unchanged, version_of
from workpackages.models import Subproject

# --- The project workspace (issue 11): work packages, goals, subprojects, activities -------


def plan_row_save(form, version: str, *, project: Project):
    """A work package, goal, subproject or activity of the project (new or changed), if
    unchanged since the form was read (StaleEdit if not). A row, or a row it points to, of
    another project is refused (PermissionDenied): the forms offer only the project's own."""
    refuse_other_project(form.instance, project)
    for name in ("work_package", "parent", "subproject"):
        related = getattr(form.instance, name, None) if hasattr(form.instance, f"{name}_id") \
            else None
        if related is not None:
            refuse_other_project(related, project)
    return save_if_unchanged(form, version)


@transaction.atomic
def subproject_close(*, subproject: Subproject, closed_from: dt.date | None,
                     version: str) -> Subproject:
    """Closes a subproject from a month on: it is no longer expected to report from that
    month, its reports and history stay. `closed_from` None opens it again."""
    current = Subproject.objects.select_for_update().get(pk=subproject.pk)
    if version_of(current) != version:
        raise StaleEdit
    if closed_from is not None and current.start_month and closed_from < current.start_month:
        raise ValidationError({"closed_from": [
            _("A subproject cannot close before it starts.")]})
    current.closed_from = closed_from
    current.save(update_fields=["closed_from", "updated_at"])
    return current


# What a subproject's history is: a subproject with any of these is closed, never deleted.
SUBPROJECT_HISTORY = ("reports", "metrics", "budget_lines", "actual_costs", "outputs")


def subproject_has_history(subproject: Subproject) -> bool:
    return any(getattr(subproject, name).exists() for name in SUBPROJECT_HISTORY)


@transaction.atomic
def subproject_delete(*, subproject: Subproject, version: str) -> None:
    """Deletes a subproject added by mistake, with its activities: only one without reports,
    metrics, budget, costs or outputs (one with history is closed instead)."""
    current = Subproject.objects.select_for_update().filter(pk=subproject.pk).first()
    if current is None or version_of(current) != version:
        raise StaleEdit
    if subproject_has_history(current):
        raise ValidationError(_("The subproject has reports or other history: close it instead "
                                "of deleting it."))
    current.delete()
