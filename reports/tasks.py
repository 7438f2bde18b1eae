"""Celery tasks of the reporting: thin wrappers that call the services (scheduled by beat)."""

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from projects.models import Project
from reports import documents, periods, rollups

RETRY = {"autoretry_for": (OperationalError, ConnectionError), "retry_backoff": True,
         "retry_backoff_max": 300, "max_retries": 8, "acks_late": True}


@shared_task(**RETRY)
def open_reporting_periods() -> int:
    return len(periods.open_last_months_periods())


@shared_task(**RETRY)
def close_reporting_periods() -> int:
    return periods.close_due_periods()


@shared_task(**RETRY)
def send_reporting_reminders() -> int:
    return periods.send_reminders()


@shared_task(**RETRY)
def compute_rollup(project_id: int, month: str) -> int:
    """Recompute one project's month (sent after a report is approved or reopened)."""
    project = Project.objects.get(pk=project_id)
    return rollups.rollup_compute(project=project, month=dt.date.fromisoformat(month)).pk


@shared_task(**RETRY)
def compute_national_rollup(month: str) -> int:
    return rollups.national_rollup(month=dt.date.fromisoformat(month))


@shared_task(bind=True, **RETRY)
def render_document(self, document_id: int) -> int:
    """Produce a PDF; on the last failed try, record the error and tell the requester."""
    try:
        return documents.document_render(document_id=document_id).pk
    except (OperationalError, ConnectionError) as error:
        if self.request.retries >= self.max_retries:  # giving up after the backoff
            documents.document_failed(document_id=document_id, error=repr(error))
        raise  # transient: retried with backoff by autoretry_for
    except Exception as error:
        documents.document_failed(document_id=document_id, error=repr(error))
        raise
