"""Reporting periods open and close on schedule; coordinators and managers are reminded."""

import datetime as dt

import pytest
from django.core import mail

from reports import periods
from reports.models import ReportingPeriod
from tests import factories

pytestmark = pytest.mark.django_db


def emails(cast):
    cast.coordinator.email = "koordinaattori@example.test"
    cast.coordinator.save()
    cast.manager.email = "paallikko@example.test"
    cast.manager.save()


def test_coordinator_with_a_missing_report_is_reminded_once_a_day(cast):
    emails(cast)
    sent = periods.send_reminders(today=dt.date(2022, 6, 8))
    assert sent >= 2
    to_coordinator = [m for m in mail.outbox if m.to == ["koordinaattori@example.test"]]
    assert len(to_coordinator) == 1
    assert "1.1 Digitiimi" in to_coordinator[0].body
    digest = [m for m in mail.outbox if m.to == ["paallikko@example.test"]]
    assert len(digest) == 1
    assert "Kliininen farmasia" in digest[0].body and "Digitiimi" in digest[0].body
    assert periods.send_reminders(today=dt.date(2022, 6, 8)) == 0  # idempotent


def test_no_reminder_after_the_report_is_submitted(cast):
    emails(cast)
    factories.MonthlyReportFactory(subproject=cast.subproject, period=cast.month,
                                   state="submitted")
    periods.send_reminders(today=dt.date(2022, 6, 8))
    assert not [m for m in mail.outbox if m.to == ["koordinaattori@example.test"]]


def test_no_reminder_long_before_the_deadline(cast):
    emails(cast)
    assert periods.send_reminders(today=dt.date(2022, 6, 1)) == 0


def test_periods_open_on_the_first_and_close_after_the_deadline(cast):
    factories.PhaseFactory(project=cast.project, start_date=dt.date(2022, 1, 1),
                           end_date=dt.date(2023, 12, 31))
    opened = periods.open_last_months_periods(today=dt.date(2022, 7, 1))
    assert [(p.project, p.month) for p in opened] == [(cast.project, dt.date(2022, 6, 1))]
    assert opened[0].deadline == dt.date(2022, 7, 10)
    assert periods.open_last_months_periods(today=dt.date(2022, 7, 1))[0].pk == opened[0].pk
    assert periods.close_due_periods(today=dt.date(2022, 7, 11)) == 3
    assert not ReportingPeriod.objects.filter(closed_at__isnull=True).exists()
