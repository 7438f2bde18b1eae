"""PDF documents: asked for in the browser, produced once by a Celery worker.

A document row is created when a user asks; the task renders it. The row is the
idempotency key: a task delivered twice (a worker killed mid-render re-delivers it, since
tasks are acked late) finds the document done and does nothing, or finds it unfinished and
renders it again into the same file name. So every request yields exactly one file."""

import datetime as dt
import hashlib
import importlib
import io
import json
import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from projects import permissions
from projects.models import Membership, Phase, Project
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


REQUEST_WINDOW = dt.timedelta(hours=1)


class DocumentLimitReached(Exception):
    """The user has asked for DOCUMENT_REQUESTS_PER_HOUR documents within the past hour."""

    def __init__(self, *, limit: int, retry_at: dt.datetime) -> None:
        self.retry_at = retry_at
        super().__init__(_(
            "You have asked for %(limit)d documents within an hour, the most allowed. You can "
            "ask for the next one at %(time)s."
        ) % {"limit": limit, "time": formats.time_format(timezone.localtime(retry_at))})

    @property
    def retry_after_seconds(self) -> int:
        return max(1, int((self.retry_at - timezone.now()).total_seconds()) + 1)


def document_request(*, project: Project, kind: str, user, month: dt.date | None = None,
                     phase: Phase | None = None) -> GeneratedDocument:
    """Queue a document; the worker is asked only after the row is committed. If the queue
    cannot be reached, the row comes back failed with a message saying so (never lost
    silently): the caller shows it instead of "queued". A user who has asked for
    DOCUMENT_REQUESTS_PER_HOUR documents within the past hour is refused with
    DocumentLimitReached (every render costs a worker's time), and no row is made."""
    document = _document_create(project=project, kind=kind, user=user, month=month,
                                phase=phase)
    if not transaction.get_connection().in_atomic_block:  # committed and sent (or refused)
        document.refresh_from_db(fields=["status", "error", "finished_at"])
    return document


@transaction.atomic
def _document_create(*, project, kind, user, month, phase) -> GeneratedDocument:
    from reports import tasks

    if not permissions.can_request_document(user, project):
        raise PermissionDenied(_("Documents are asked for by the project's own people."))
    _check_request_limit(user)
    document = GeneratedDocument.objects.create(
        project=project, kind=kind, month=month, phase=phase, requested_by=user
    )
    transaction.on_commit(lambda: _enqueue(document.pk, tasks))
    return document


def _check_request_limit(user) -> None:
    """Counted from the user's own document rows, whatever became of them. The user's row
    is locked first, so two requests sent at once cannot both take the last place."""
    limit = settings.DOCUMENT_REQUESTS_PER_HOUR
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    since = timezone.now() - REQUEST_WINDOW
    recent = list(GeneratedDocument.objects.filter(requested_by=user, requested_at__gte=since)
                  .order_by("-requested_at").values_list("requested_at", flat=True)[:limit])
    if len(recent) >= limit:
        oldest = recent[-1] if recent else timezone.now()
        raise DocumentLimitReached(limit=limit, retry_at=oldest + REQUEST_WINDOW)


def _enqueue(document_id: int, tasks) -> None:
    try:
        tasks.render_document.delay(document_id)
    except Exception as error:  # noqa: BLE001 — Redis down: say so now rather than lose the job
        log.error("document %s not queued: %r", document_id, error)
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=GeneratedDocument.Status.FAILED, finished_at=timezone.now(),
            error=_("The job queue is not available right now. Try again in a moment."),
        )


def documents_requeue_stalled(*, older_than: dt.timedelta) -> int:
    """Send again the jobs of documents left queued or running, untouched for older_than.

    The row, not the queue message, is the record of the job: the message is only a nudge.
    Redis (kombu's transport) moves a message out of the queue and then, in a second step,
    into its table of unacknowledged messages; a worker killed between the two loses the
    message (the chaos test catches it in the act). Rendering is idempotent, so a nudge too
    many costs at most one wasted render. Each document is nudged at most once per
    older_than (its updated_at is touched)."""
    from reports import tasks

    cutoff = timezone.now() - older_than
    stalled = GeneratedDocument.objects.filter(
        status__in=[GeneratedDocument.Status.QUEUED, GeneratedDocument.Status.RUNNING],
        updated_at__lt=cutoff,
    )
    count = 0
    for document_id in stalled.order_by("pk").values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            if stalled.filter(pk=document_id).update(updated_at=timezone.now()):
                transaction.on_commit(lambda pk=document_id: tasks.render_document.delay(pk))
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
            with translation.override(settings.LANGUAGE_CODE):
                _mail(
                    _("The document could not be produced: %(doc)s") % {"doc": document},
                    _("Producing the document failed. You can ask for it again in the "
                      "portal.\n\n%(error)s") % {"error": document.error},
                    [user.email], key=f"document-{document.pk}-failed",
                )


def _mail(subject: str, body: str, to: list[str], *, key: str) -> None:
    """Send one notification, sent from inside the transaction that records it.

    The Message-ID is derived from the effect's idempotency key, so in the one window where
    a message can go out twice (the worker dies between handing the mail to the server and
    the commit) the copies carry the same Message-ID and mail clients show one. A mail
    server that is down does not undo the document: the failure is logged, the document is
    in the portal anyway."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "sote-portal"
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to,
                           headers={"Message-ID": f"<sote-portal.{key}@{domain}>"})
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        log.exception("notification %s to %s not sent", key, to)


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _tell_steering_group(document: GeneratedDocument) -> None:
    emails = list(
        Membership.objects.filter(project=document.project, role=Membership.Role.STEERING)
        .exclude(person__user__email="").exclude(person__user__isnull=True)
        .values_list("person__user__email", flat=True)
    )
    if not emails:
        return
    with translation.override(settings.LANGUAGE_CODE):
        _mail(
            _("%(project)s: the monthly report %(month)s is ready") % {
                "project": document.project.code, "month": f"{document.month:%m/%Y}"},
            _("The monthly status report is ready to read in the portal."),
            emails, key=f"document-{document.pk}-ready",
        )
