"""Opening and closing reporting periods, and the reminders about missing reports."""

import datetime as dt
import logging
import smtplib

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.formatting import format_date, format_month
from projects.models import Membership, Project
from projects.months import add_months, month_start
from reports import selectors
from reports.mail import in_language_of, keyed_email, letter_body
from reports.models import MonthlyReport, Reminder, ReportingPeriod
from workpackages.models import Subproject

REMIND_DAYS_BEFORE = 3
log = logging.getLogger(__name__)


def reporting_period_open(*, project: Project, month: dt.date) -> ReportingPeriod:
    """Open the month for reporting (idempotent); due on the configured day of next month."""
    period, _ = ReportingPeriod.objects.get_or_create(
        project=project, month=month,
        defaults={"deadline": selectors.default_deadline(month)},
    )
    return period


def open_last_months_periods(*, today: dt.date | None = None) -> list[ReportingPeriod]:
    """On the 1st: open the month that just ended for every project running then."""
    today = today or timezone.localdate()
    month = add_months(month_start(today), -1)
    projects = Project.objects.filter(
        phases__start_date__lte=add_months(month, 1) - dt.timedelta(days=1),
        phases__end_date__gte=month,
    ).distinct()
    return [reporting_period_open(project=p, month=month) for p in projects]


def close_due_periods(*, today: dt.date | None = None) -> int:
    """Close the periods whose deadline has passed (reports stay editable until approved;
    closing only ends reminders and marks what is late)."""
    today = today or timezone.localdate()
    return ReportingPeriod.objects.filter(closed_at__isnull=True, deadline__lt=today).update(
        closed_at=timezone.now()
    )


def _send_once(period, user, kind, today, write) -> bool:
    """Send the mail unless it was already sent today. The Reminder row is the idempotency
    key: it is inserted in the same transaction that sends the mail, so the row exists
    exactly when the mail went out — a worker killed before the commit leaves no row and the
    redelivered task sends it; a second delivery running at the same time waits for the
    first's row and then skips. A mail server that refuses rolls the row back, and the task
    is retried (reports/tasks.py). The Message-ID comes from the key (reports.mail). The
    mail is written by write() -> (subject, text, path) in the recipient's language."""
    if not user.email:
        return False
    key = f"reminder-{period.pk}-{user.pk}-{kind}-{today:%Y%m%d}"
    with in_language_of(user) as language:
        subject, text, path = write()
        message = keyed_email(subject, letter_body(user, text, path=path), [user.email],
                              key=key, language=language)
    try:
        with transaction.atomic():
            Reminder.objects.create(period=period, user=user, kind=kind, sent_on=today)
            message.send()
    except IntegrityError:
        return False
    except smtplib.SMTPRecipientsRefused as error:  # a bad address: remind the others
        log.warning("reminder %s not sent: %s", key, error)
        return False
    return True


def _coordinator_reminder(period, subs):
    def write():
        month = format_month(period.month)
        text = _("The monthly reports of %(month)s are due on %(deadline)s. "
                 "Still missing:") % {"month": month, "deadline": format_date(period.deadline)}
        text += "\n" + "\n".join(f"- {s.code} {s.name}" for s in subs)
        return (_("Reminder: monthly report %(month)s") % {"month": month}, text,
                reverse("reports:mine"))
    return write


def _manager_digest(period, missing, expected_count):
    def write():
        month = format_month(period.month)
        text = _("%(missing)d of %(expected)d reports of %(month)s are missing "
                 "(due %(deadline)s):") % {
            "missing": len(missing), "expected": expected_count, "month": month,
            "deadline": format_date(period.deadline)}
        text += "\n" + "\n".join(f"- {s.code} {s.name}" for s in missing)
        path = reverse("reports:review", args=[period.project_id]) + f"?month={period.month:%Y-%m}"
        return (_("%(project)s: reporting status %(month)s") % {
            "project": period.project.code, "month": month}, text, path)
    return write


def send_reminders(*, today: dt.date | None = None) -> int:
    """Remind coordinators of missing reports from REMIND_DAYS_BEFORE days before the
    deadline on, and send each project manager a digest of what is missing, each in their
    own language. Returns the number of e-mails sent; running it twice a day sends nothing
    more."""
    today = today or timezone.localdate()
    sent = 0
    periods = ReportingPeriod.objects.filter(
        closed_at__isnull=True, deadline__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE)
    ).select_related("project")
    for period in periods:
        expected = Subproject.objects.filter(project_id=period.project_id).expected_to_report(
            period.month)
        done = set(
            MonthlyReport.objects.filter(
                subproject__in=expected, period=period.month,
                state__in=selectors.REPORTED_STATES,
            ).values_list("subproject_id", flat=True)
        )
        missing = [s for s in expected.prefetch_related("responsible_people__user__profile",
                                                        "reporting_coordinators__user__profile")
                   if s.pk not in done]
        if not missing:
            continue
        by_user: dict = {}
        # Those who hold a role in the project now, read once (an ended role reports no more).
        current = set(Membership.objects.current().filter(project=period.project)
                      .values_list("person__user_id", flat=True))
        for sub in missing:
            for person in dict.fromkeys([*sub.responsible_people.all(),
                                          *sub.reporting_coordinators.all()]):
                # A person whose role has ended reports no more.
                if person.user_id and person.user_id in current:
                    by_user.setdefault(person.user, []).append(sub)
        for user, subs in by_user.items():
            sent += _send_once(period, user, Reminder.Kind.COORDINATOR, today,
                               _coordinator_reminder(period, subs))
        managers = Membership.objects.current().filter(
            project=period.project, role=Membership.Role.MANAGER, person__user__isnull=False
        ).select_related("person__user__profile")
        digest = _manager_digest(period, missing, expected.count())
        for membership in managers:
            sent += _send_once(period, membership.person.user, Reminder.Kind.DIGEST, today,
                               digest)
    return sent
