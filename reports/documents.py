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

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError
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


@transaction.atomic
def document_request(*, project: Project, kind: str, user, month: dt.date | None = None,
                     phase: Phase | None = None) -> GeneratedDocument:
    """Queue a document; the worker is asked only after the row is committed."""
    from reports import tasks

    if not permissions.can_view_project(user, project):
        raise PermissionDenied
    document = GeneratedDocument.objects.create(
        project=project, kind=kind, month=month, phase=phase, requested_by=user
    )
    transaction.on_commit(lambda: _enqueue(document.pk, tasks))
    return document


def _enqueue(document_id: int, tasks) -> None:
    try:
        tasks.render_document.delay(document_id)
    except BrokerError as error:  # Redis down: say so now rather than lose the job
        log.error("document %s not queued: %s", document_id, error)
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=GeneratedDocument.Status.FAILED, finished_at=timezone.now(),
            error=_("The job queue is not available right now. Try again in a moment."),
        )


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
            transaction.on_commit(lambda: _tell_steering_group(document))
    return document


def document_failed(*, document_id: int, error: str) -> None:
    """The task gave up: record why and tell the user who asked."""
    document = GeneratedDocument.objects.select_related("project", "requested_by").get(
        pk=document_id)
    if document.status == GeneratedDocument.Status.DONE:
        return
    document.status = GeneratedDocument.Status.FAILED
    document.error = error[:2000]
    document.finished_at = timezone.now()
    document.save(update_fields=["status", "error", "finished_at", "updated_at"])
    user = document.requested_by
    if user and user.email:
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                _("The document could not be produced: %(doc)s") % {"doc": document},
                _("Producing the document failed. You can ask for it again in the portal.\n\n"
                  "%(error)s") % {"error": document.error},
                settings.DEFAULT_FROM_EMAIL, [user.email],
            )


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
        send_mail(
            _("%(project)s: the monthly report %(month)s is ready") % {
                "project": document.project.code, "month": f"{document.month:%m/%Y}"},
            _("The monthly status report is ready to read in the portal."),
            settings.DEFAULT_FROM_EMAIL, emails,
        )
