"""Writes of the projects app that carry a rule beyond one model's own."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Membership, Project
from projects.versioning import save_if_unchanged


@transaction.atomic
def membership_end(*, membership: Membership, by) -> Membership:
    """Ends a role now: its rights go at once (every request reads the current roles), the
    row stays as the record of who held it when. The last manager of a project stays."""
    # The project's manager roles are locked first, in one order, and only then read: two
    # managers ending each other at the same moment cannot both see the other one stay.
    list(Membership.objects.select_for_update()
         .filter(project=membership.project_id, role=Membership.Role.MANAGER)
         .order_by("pk").values_list("pk", flat=True))
    managers = set(Membership.objects.current().filter(
        project=membership.project_id, role=Membership.Role.MANAGER).values_list("pk", flat=True))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_at is not None:
        raise ValidationError(_("This role has already ended."))
    if membership.role == Membership.Role.MANAGER and not managers - {membership.pk}:
        raise ValidationError(_("A project needs a manager: name another manager before "
                                "ending this role."))
    # A role set to start later ends as it would start: it never gives any rights.
    membership.ended_at = max(timezone.now(), membership.started_at)
    membership.ended_by = by
    membership.save(update_fields=["ended_at", "ended_by"])
    return membership


# --- The project workspace (issue 11): the project and its phases -------------------------

def refuse_other_project(instance, project) -> None:
    """A row of another project named in a form or URL is never saved (id tampering)."""
    if instance_project_id(instance) != project.pk:
        raise PermissionDenied


def instance_project_id(instance):
    """The project a plan row belongs to, by the path its audit rows name."""
    value = instance
    for part in getattr(instance, "audit_project_path", "project_id").split("."):
        value = getattr(value, part, None)
        if value is None:
            break
    return value


def project_save(form, version: str, *, project: Project):
    """The project's names, description, Innokylä link and co-implementers, if unchanged
    since the form was read (StaleEdit if not)."""
    if form.instance.pk != project.pk:
        raise PermissionDenied
    return save_if_unchanged(form, version)


def phase_save(form, version: str, *, project: Project):
    """A phase of the project (new or changed): its dates and key figures; an unknown figure
    stays empty."""
    refuse_other_project(form.instance, project)
    return save_if_unchanged(form, version)
