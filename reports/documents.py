"""PDF documents, the asking side: a user asks for a document, a row is made and its render
job is sent to a worker once the row is committed (reports/tasks.py, which renders through
reports/document_rendering.py). The row, not the queue message, is the record of the job."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.services import check_period
from projects import permissions
from projects.formatting import format_time
from projects.models import Phase, Project
from reports import tasks
from reports.models import GeneratedDocument

log = logging.getLogger(__name__)


REQUEST_WINDOW = dt.timedelta(hours=1)


class DocumentLimitReached(Exception):
    """The user has asked for DOCUMENT_REQUESTS_PER_HOUR documents within the past hour."""

    def __init__(self, *, limit: int, retry_at: dt.datetime) -> None:
        self.retry_at = retry_at
        super().__init__(_(
            "You have asked for %(limit)d documents within an hour, the most allowed. You can "
            "ask for the next one at %(time)s."
        ) % {"limit": limit, "time": format_time(retry_at)})

    @property
    def retry_after_seconds(self) -> int:
        return max(1, int((self.retry_at - timezone.now()).total_seconds()) + 1)


def document_request(*, project: Project, kind: str, user, month: dt.date | None = None,
                     phase: Phase | None = None,
                     language: str = GeneratedDocument.Language.FINNISH) -> GeneratedDocument:
    """Queue a document; the worker is asked only after the row is committed. If the queue
    cannot be reached, the row comes back failed with a message saying so (never lost
    silently): the caller shows it instead of "queued". A user who has asked for
    DOCUMENT_REQUESTS_PER_HOUR documents within the past hour is refused with
    DocumentLimitReached (every render costs a worker's time), and no row is made. The
    document is written in `language` (Finnish or Swedish)."""
    document = _document_create(project=project, kind=kind, user=user, month=month,
                                phase=phase, language=language)
    if not transaction.get_connection().in_atomic_block:  # committed and sent (or refused)
        document.refresh_from_db(fields=["status", "error", "finished_at"])
    return document


@transaction.atomic
def _document_create(*, project, kind, user, month, phase, language) -> GeneratedDocument:
    if not permissions.can_request_document(user, project):
        raise PermissionDenied(_("Documents are asked for by the project's own people."))
    if language not in GeneratedDocument.Language.values:
        raise ValidationError({"language": [_("Choose Finnish or Swedish.")]})
    if kind == GeneratedDocument.Kind.MONTHLY:
        if month is None:
            raise ValidationError({"month": [_("Give the month of the monthly report.")]})
        try:  # a month that has begun, within the project's phases
            check_period(month, project)
        except ValidationError as error:
            raise ValidationError({"month": error.messages}) from None
    _check_request_limit(user)
    document = GeneratedDocument.objects.create(
        project=project, kind=kind, month=month, phase=phase, requested_by=user,
        language=language,
    )
    transaction.on_commit(lambda: _enqueue(document.pk))
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


def _enqueue(document_id: int) -> None:
    try:
        tasks.render_document.delay(document_id)
    except Exception as error:  # noqa: BLE001 — Redis down: say so now rather than lose the job
        log.error("document %s not queued: %r", document_id, error)
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=GeneratedDocument.Status.FAILED, finished_at=timezone.now(),
            error=_("The job queue is not available right now. Try again in a moment."),
        )

