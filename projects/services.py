"""Writes of the projects app that carry a rule beyond one model's own."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Membership


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
