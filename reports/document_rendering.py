"""PDF documents, the worker's side: render a requested document once, record a failure and
tell the requester, send again the jobs the queue lost, tell the steering group when a monthly
report is ready. Only the tasks (reports/tasks.py) call this module; a document is asked for
through reports/documents.py.

The document row is the idempotency key: a task delivered twice (a worker killed mid-render
re-delivers it, since tasks are acked late) finds the document done and does nothing, or
finds it unfinished and renders it again into the same file name. So every request yields
exactly one file."""

import datetime as dt
import hashlib
import importlib
import io
import json
import logging
import smtplib
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from projects.formatting import format_month
from projects.models import Membership
from reports.mail import in_language_of, keyed_email, letter_body, personal_emails
from reports.models import GeneratedDocument

log = logging.getLogger(__name__)


def _module(kind: str):
    return importlib.import_module(f"reports.pdf.{kind}")


def data_checksum(data: dict) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def collect(document: GeneratedDocument) -> dict:
    kwargs = {"project": document.project}
    if document.kind == GeneratedDocument.Kind.MONTHLY:
        kwargs["month"] = document.month
    elif document.kind == GeneratedDocument.Kind.FINAL:
        kwargs["phase"] = document.phase
    return _module(document.kind).collect(**kwargs)


def documents_requeue_stalled(*, older_than: dt.timedelta,
                              send: Callable[[int], object]) -> int:
    """Send again (through send, the render task's delay) the jobs of documents left queued
    or running, untouched for older_than.

    The row, not the queue message, is the record of the job: the message is only a nudge.
    Redis (kombu's transport) moves a message out of the queue and then, in a second step,
    into its table of unacknowledged messages; a worker killed between the two loses the
    message (the chaos test catches it in the act). Rendering is idempotent, so a nudge too
    many costs at most one wasted render. Each document is nudged at most once per
    older_than (its updated_at is touched)."""
    cutoff = timezone.now() - older_than
    stalled = GeneratedDocument.objects.filter(
        status__in=[GeneratedDocument.Status.QUEUED, GeneratedDocument.Status.RUNNING],
        updated_at__lt=cutoff,
    )
    count = 0
    for document_id in stalled.order_by("pk").values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            if stalled.filter(pk=document_id).update(updated_at=timezone.now()):
                transaction.on_commit(lambda pk=document_id: send(pk))
                count += 1
    if count:
        log.warning("%d stalled document job(s) sent again", count)
    return count


def document_render(*, document_id: int) -> GeneratedDocument:
    """Render the document unless it is already done. Safe to run again after a crash."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update(of=("self",)).select_related(
            "project", "phase").get(pk=document_id)
        if document.status == GeneratedDocument.Status.DONE:
            return document
        document.status = GeneratedDocument.Status.RUNNING
        document.started_at = timezone.now()
        document.attempts += 1
        document.save(update_fields=["status", "started_at", "attempts", "updated_at"])
    with translation.override(document.language):  # headings, names and dates alike
        data = collect(document)
        checksum = data_checksum(data)
        pdf = _module(document.kind).render(data)
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update(of=("self",)).get(pk=document_id)
        if document.status == GeneratedDocument.Status.DONE:  # another delivery finished first
            return document
        storage, name = document.file.storage, f"documents/{document.pk}/{document.filename}"
        if storage.exists(name):  # a crashed earlier attempt: overwrite, never a second file
            storage.delete(name)
        document.file.name = storage.save(name, ContentFile(pdf))
        document.data_checksum = checksum
        document.file_checksum = hashlib.sha256(pdf).hexdigest()
        document.pages = _page_count(pdf)
        document.status = GeneratedDocument.Status.DONE
        document.finished_at = timezone.now()
        document.error = ""
        document.save()
        if document.kind == GeneratedDocument.Kind.MONTHLY:
            # Told inside the transaction that marks the document done: a delivery that
            # finds it done has told already; one killed before the commit tells again.
            _tell_steering_group(document)
    return document


def document_failed(*, document_id: int, error: str) -> None:
    """The task gave up: record why and tell the user who asked (once: a task delivered
    again after a crash finds the document failed already and says nothing more)."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update(of=("self",)).select_related(
            "project", "requested_by").get(pk=document_id)
        if document.status in (GeneratedDocument.Status.DONE, GeneratedDocument.Status.FAILED):
            return
        document.status = GeneratedDocument.Status.FAILED
        document.error = error[:2000]
        document.finished_at = timezone.now()
        document.save(update_fields=["status", "error", "finished_at", "updated_at"])
        user = document.requested_by
        if user and user.email:
            with in_language_of(user) as language:
                text = _("Producing the document failed. You can ask for it again in the "
                         "portal.\n\n%(error)s") % {"error": document.error}
                _send(keyed_email(
                    _("The document could not be produced: %(doc)s") % {"doc": document},
                    letter_body(user, text, path=_documents_path(document)), [user.email],
                    key=f"document-{document.pk}-failed", language=language,
                ))


def _documents_path(document: GeneratedDocument) -> str:
    return reverse("reports:documents", args=[document.project_id])


def _send(message) -> None:
    """Send one notification, sent from inside the transaction that records it.

    Its Message-ID is derived from the effect's idempotency key (reports.mail). A mail
    server that is down does not undo the document: the failure is logged, the document is
    in the portal anyway."""
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        log.exception("notification %s to %s not sent", message.extra_headers.get("Message-ID"),
                      message.to)


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _tell_steering_group(document: GeneratedDocument) -> None:
    """One e-mail per member of the steering group, in the member's language, keyed
    document-<id>-ready-<user id>."""
    users = [m.person.user for m in Membership.objects.current().filter(
        project=document.project, role=Membership.Role.STEERING, person__user__isnull=False,
    ).exclude(person__user__email="").select_related("person__user__profile")]

    def write(user):
        subject = _("%(project)s: the status report %(month)s is ready") % {
            "project": document.project.code, "month": format_month(document.month)}
        return (subject, _("The monthly status report is ready to read in the portal."),
                _documents_path(document))

    for message in personal_emails(users, write, key=f"document-{document.pk}-ready"):
        _send(message)
