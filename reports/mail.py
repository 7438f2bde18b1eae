"""The e-mails the portal sends, each carrying the effect it reports.

Every e-mail is sent from inside the transaction that records its effect (a reminder row, a
document's state), keyed by that effect's idempotency key. Its Message-ID is derived from the
key, so in the one window where a message can go out twice (the worker dies between handing
it to the mail server and the commit) the copies carry the same Message-ID and the
recipient's mail client shows one.

Each e-mail goes to one person, in their language (projects.languages.user_language), with a
greeting and a link to the page it is about (letter_body); its months, dates and times are
written by projects.formatting under that language."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from projects.languages import user_language


def message_id(key: str) -> str:
    """The Message-ID of the e-mail of the effect `key`."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "sote-portal"
    return f"<sote-portal.{key}@{domain}>"


def keyed_email(subject: str, body: str, to: list[str], *, key: str,
                language: str | None = None) -> EmailMessage:
    """An e-mail from the portal whose Message-ID is the effect's `key`."""
    headers = {"Message-ID": message_id(key)}
    if language:
        headers["Content-Language"] = language
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, headers=headers)


@contextmanager
def in_language_of(user) -> Iterator[str]:
    """Write what follows in `user`'s language (their remembered choice, else Finnish)."""
    language = user_language(user)
    with translation.override(language):
        yield language


def portal_link(path: str) -> str:
    """The absolute address of a page of the portal, for an e-mail."""
    return f"{settings.PORTAL_URL}{path}"


def letter_body(user, text: str, *, path: str | None = None) -> str:
    """The body of an e-mail to `user`, in the active language: a greeting by name, the
    text, the link to the page it is about, and the portal's signature."""
    name = (user.get_full_name() or user.username) if user else ""
    parts = [_("Hello %(name)s,") % {"name": name} if name else _("Hello,"), text]
    if path:
        parts.append(_("Open the page: %(link)s") % {"link": portal_link(path)})
    parts.append(_("Regards,\nsote-portal"))
    return "\n\n".join(parts)


def personal_emails(users, write: Callable[[object], tuple[str, str, str | None]], *,
                    key: str) -> Iterator[EmailMessage]:
    """One e-mail per user, each written by `write(user)` -> (subject, text, path) in that
    user's language and keyed `<key>-<user id>` (a Message-ID per recipient)."""
    for user in users:
        if not user.email:
            continue
        with in_language_of(user) as language:
            subject, text, path = write(user)
            yield keyed_email(subject, letter_body(user, text, path=path), [user.email],
                              key=f"{key}-{user.pk}", language=language)
