"""Celery tasks of the reporting: thin wrappers that call the services (scheduled by beat).

Every task may run more than once for one request: tasks are acknowledged late, so a worker
killed mid-task (or a broker restarted before the acknowledgement arrived) leaves the message
to be delivered again. Each effect therefore has an idempotency key that is claimed in the
same database transaction as the effect itself:

- render_document: the GeneratedDocument row (select_for_update + status check); the file
  name is fixed by the row, and the steering group's e-mail is sent inside the transaction
  that marks the document done (reports/document_rendering.py).
- send_reporting_reminders: a Reminder row per (period, recipient, kind, day), inserted in
  the transaction that sends the e-mail (reports/periods.py).
- compute_rollup and friends: recomputation from the data; the roll-up row is locked and
  rewritten, so running it twice gives the same rows (reports/rollups.py).

A message can also be lost: kombu's Redis transport takes a message off the queue and then,
in a second step, records it as unacknowledged, and a worker killed between the two loses it
(Redis down when a job is sent loses it too). So the database, not the queue, is the record
of what is to be done, and beat runs sweeps that send again whatever is left undone:
requeue_stalled_documents, recompute_stale_rollups, and the reminders run twice a day (the
second run sends only what the first did not).

The document and roll-up tasks keep no result (nothing reads it): sending them then needs
only the broker, not the result backend, and fails fast when Redis is down."""

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from projects.models import Project
from reports import document_rendering, periods, rollups
from reports.rollup_selectors import rollups_computed_after, stale_rollups

log = logging.getLogger(__name__)

# Worth trying again later: the database or the mail server was unreachable for a moment.
TRANSIENT = (OperationalError, ConnectionError, TimeoutError, smtplib.SMTPException)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_backoff_max": 300,
         "max_retries": 8, "acks_late": True}


@shared_task(**RETRY)
def open_reporting_periods() -> int:
    return len(periods.open_last_months_periods())


@shared_task(**RETRY)
def close_reporting_periods() -> int:
    return periods.close_due_periods()


@shared_task(**RETRY)
def send_reporting_reminders() -> int:
    return periods.send_reminders()


@shared_task(ignore_result=True, **RETRY)
def compute_rollup(project_id: int, month: str) -> int:
    """Recompute one project's month and the later months of its year (sent after a report
    is approved or reopened); returns how many roll-ups."""
    project = Project.objects.get(pk=project_id)
    return len(rollups.rollups_compute_from(project=project, month=dt.date.fromisoformat(month)))


@shared_task(ignore_result=True, **RETRY)
def compute_national_rollup(month: str) -> int:
    return rollups.national_rollup(month=dt.date.fromisoformat(month))


@shared_task(**RETRY)
def recompute_stale_rollups() -> int:
    """The safety net of compute_rollup (run by beat every hour): recompute every roll-up
    whose reports changed after it was computed — e.g. a report approved while Redis was
    down, when the compute_rollup job could not be queued."""
    count = 0
    for project_id, month in stale_rollups():
        rollups.rollup_compute(project=Project.objects.get(pk=project_id), month=month)
        count += 1
    return count


def enqueue_rollup(project_id: int, month: str, changed_at: dt.datetime | None = None) -> None:
    """Ask a worker to recompute the roll-up. Called after the change is committed, so it
    must not fail the request that made the change: if the queue is unreachable, the change
    stays saved and recompute_stale_rollups picks the month up within the hour.

    With `changed_at` (when the report changed), nothing is sent when the month's roll-up
    and the later ones of its year were all computed after it — by the job of another
    report approved in the same transaction (a bulk approval, the demo's history)."""
    try:
        if changed_at is not None and rollups_computed_after(
                project_id, dt.date.fromisoformat(month), changed_at):
            return
        compute_rollup.delay(project_id, month)
    except Exception:  # noqa: BLE001 — Redis down (kombu OperationalError) or any other
        log.exception("roll-up of project %s %s not queued; the hourly recomputation of "
                      "stale roll-ups will do it", project_id, month)


@shared_task(ignore_result=True, **RETRY)
def requeue_stalled_documents(older_than_seconds: int | None = None) -> int:
    """The safety net of render_document (run by beat every five minutes): documents queued
    or running without progress for STALLED_JOB_SECONDS have their job sent again."""
    seconds = older_than_seconds or getattr(settings, "STALLED_JOB_SECONDS", 900)
    return document_rendering.documents_requeue_stalled(
        older_than=dt.timedelta(seconds=seconds), send=render_document.delay)


@shared_task(bind=True, ignore_result=True, **RETRY)
def render_document(self, document_id: int) -> int:
    """Produce a PDF; on the last failed try, record the error and tell the requester."""
    try:
        return document_rendering.document_render(document_id=document_id).pk
    except TRANSIENT as error:
        if self.request.retries >= self.max_retries:  # giving up after the backoff
            document_rendering.document_failed(document_id=document_id, error=repr(error))
        raise  # transient: retried with backoff by autoretry_for
    except Exception as error:
        document_rendering.document_failed(document_id=document_id, error=repr(error))
        raise
