"""The e-mails the portal sends, each carrying the effect it reports.

Every e-mail is sent from inside the transaction that records its effect (a reminder row, a
document's state), keyed by that effect's idempotency key. Its Message-ID is derived from the
key, so in the one window where a message can go out twice (the worker dies between handing
it to the mail server and the commit) the copies carry the same Message-ID and the
recipient's mail client shows one."""

from django.conf import settings
from django.core.mail import EmailMessage


def message_id(key: str) -> str:
    """The Message-ID of the e-mail of the effect `key`."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "sote-portal"
    return f"<sote-portal.{key}@{domain}>"


def keyed_email(subject: str, body: str, to: list[str], *, key: str) -> EmailMessage:
    """An e-mail from the portal whose Message-ID is the effect's `key`."""
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to,
                        headers={"Message-ID": message_id(key)})
