"""Invitations (issue 16, part 1): a manager invites a person to a role in the project and, for
a coordinator, to report chosen subprojects; an administrator invites national viewers. The
invitee sets a password through a single-use link that expires (or signs in with the
organisation's login) and lands in the project. Pending invitations can be resent or
withdrawn. Here, because accepting one gives a reporting responsibility on subprojects."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Invitation, Membership, Person, Project
from workpackages.models import Subproject


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.expires_at = timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS)
    invitation.sent_at = timezone.now()
    return token


def _normal_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def invitation_create(*, project: Project | None, email: str, name: str, role: str,
                      subprojects=(), by) -> tuple[Invitation, str]:
    """A new invitation and its link's token (shown once, in the e-mail)."""
    email = _normal_email(email)
    if project is None and role != Invitation.NATIONAL:
        raise ValidationError(_("An invitation without a project is for a national viewer."))
    if project is not None and role == Invitation.NATIONAL:
        raise ValidationError(_("National viewers are invited by an administrator."))
    subprojects = list(subprojects)
    if any(s.project_id != getattr(project, "pk", None) for s in subprojects):
        raise ValidationError(_("A subproject of another project cannot be given."))
    if subprojects and role != Membership.Role.COORDINATOR:
        raise ValidationError(_("Only a coordinator reports subprojects."))
    if project is not None and Membership.objects.current().filter(
            project=project, role=role, person__user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s already has this role in the project.") % {
            "email": email})
    if Invitation.objects.filter(project=project, email=email, role=role, accepted_at=None,
                                 withdrawn_at=None, expires_at__gt=timezone.now()).exists():
        raise ValidationError(_("%(email)s already has a pending invitation to this role: "
                                "resend it instead.") % {"email": email})
    invitation = Invitation(project=project, email=email, name=name.strip(), role=role,
                            subproject_ids=sorted(s.pk for s in subprojects), invited_by=by)
    token = _new_token(invitation)
    invitation.full_clean()
    invitation.save()
    return invitation, token


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> str:
    """A new link (the old one stops working) and a new expiry."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.pending:
        raise ValidationError(_("The invitation is no longer pending."))
    token = _new_token(invitation)
    invitation.save(update_fields=["token_hash", "expires_at", "sent_at", "updated_at"])
    return token


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.pending:
        raise ValidationError(_("The invitation is no longer pending."))
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at", "updated_at"])
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link names, whatever its state (None for an unknown link)."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("project").filter(token_hash=_hash(token)).first()


def refusal(invitation: Invitation | None) -> str | None:
    """Why the link cannot be used now, or None if it can."""
    if invitation is None:
        return _("The invitation link is not valid. Ask the person who invited you for a new "
                 "one.")
    if invitation.accepted_at is not None:
        return _("The invitation has already been used. Log in with your user name and "
                 "password.")
    if invitation.withdrawn_at is not None:
        return _("The invitation has been withdrawn.")
    if invitation.expires_at <= timezone.now():
        return _("The invitation has expired. Ask the person who invited you to send it "
                 "again.")
    return None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user=None, password: str | None = None):
    """Accepts the invitation: for a signed-in `user` whose e-mail it names, or with a new
    account and `password`. Gives the role (and the subprojects to report) and uses the link
    up. Returns the user."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    reason = refusal(invitation)
    if reason:
        raise ValidationError(reason)
    User = get_user_model()
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists() or User.objects.filter(
                username__iexact=invitation.email).exists():
            raise ValidationError(_("An account with this e-mail address exists already: log "
                                    "in first, then open the invitation link again."))
        first, _space, last = invitation.name.partition(" ")
        user = User(username=invitation.email, email=invitation.email, first_name=first,
                    last_name=last)
        user.set_password(password)
        user.full_clean()
        user.save()
    elif user.email.lower() != invitation.email:
        raise ValidationError(_("The invitation is for %(email)s, not for the account you are "
                                "logged in with.") % {"email": invitation.email})
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person.objects.create(name=invitation.name, email=invitation.email, user=user)
    if invitation.role == Invitation.NATIONAL:
        user.user_permissions.add(Permission.objects.get(codename="view_all_projects"))
    elif not Membership.objects.current().filter(project=invitation.project, person=person,
                                                 role=invitation.role).exists():
        Membership.objects.create(project=invitation.project, person=person, role=invitation.role)
    for subproject in Subproject.objects.filter(project=invitation.project,
                                                pk__in=invitation.subproject_ids):
        subproject.reporting_coordinators.add(person)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return user
