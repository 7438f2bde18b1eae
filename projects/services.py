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
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_at is not None:
        raise ValidationError(_("This role has already ended."))
    if membership.role == Membership.Role.MANAGER and not (
        Membership.objects.current().filter(project=membership.project_id,
                                            role=Membership.Role.MANAGER)
        .exclude(pk=membership.pk).exists()
    ):
        raise ValidationError(_("A project needs a manager: name another manager before "
                                "ending this role."))
    membership.ended_at = timezone.now()
    membership.ended_by = by
    membership.save(update_fields=["ended_at", "ended_by"])
    return membership
