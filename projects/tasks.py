"""Celery tasks of the accounts: the password reset e-mail, sent outside the request so that
the answer takes the same time whether or not the address belongs to an account."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage


@shared_task(ignore_result=True)
def send_account_email(subject: str, body: str, to: str) -> None:
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
