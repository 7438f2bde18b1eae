"""Asking for a document in the browser, seeing its status and downloading it."""

import datetime as dt

import pytest
from django.urls import reverse

from reports.models import GeneratedDocument
from tests import factories

pytestmark = pytest.mark.django_db


def test_steering_member_asks_for_the_monthly_report_and_downloads_it(
    client, cast, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(cast.steering)
    url = reverse("reports:documents", args=[cast.project.pk])
    with django_capture_on_commit_callbacks(execute=True):  # tasks run in-process in tests
        response = client.post(url, {"kind": "monthly", "month": "2022-05"})
    assert response.status_code == 302
    document = GeneratedDocument.objects.get()
    assert document.status == "done" and document.requested_by == cast.steering
    page = client.get(url).content.decode()
    assert reverse("reports:document_download", args=[document.pk]) in page
    assert document.data_checksum[:12] in page
    download = client.get(reverse("reports:document_download", args=[document.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_bad_month_is_refused_with_a_message(client, cast):
    client.force_login(cast.steering)
    url = reverse("reports:documents", args=[cast.project.pk])
    response = client.post(url, {"kind": "monthly", "month": "kesäkuu"})
    assert response.status_code == 422
    assert "Anna kuukausi muodossa kuukausi/vuosi, esim. 7/2022" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize("typed", ["5/2022", "05/2022", "5.2022", " 5 / 2022 ", "2022-05"])
def test_the_month_is_taken_as_people_type_it(client, cast, typed):
    client.force_login(cast.steering)
    url = reverse("reports:documents", args=[cast.project.pk])
    assert client.post(url, {"kind": "monthly", "month": typed}).status_code == 302
    assert GeneratedDocument.objects.get().month == dt.date(2022, 5, 1)


def test_other_projects_documents_are_not_visible(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    document = factories.GeneratedDocumentFactory(project=cast.other_project, kind="evaluation")
    client.force_login(cast.coordinator)
    assert client.get(reverse("reports:documents", args=[cast.other_project.pk])).status_code == 404
    assert client.get(reverse("reports:document_status", args=[document.pk])).status_code == 404
    assert client.get(reverse("reports:document_download",
                              args=[document.pk])).status_code == 404


def test_queue_down_is_said_clearly(client, cast, monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from reports import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_document, "delay", refuse)
    client.force_login(cast.steering)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:documents", args=[cast.project.pk]),
                    {"kind": "evaluation"})
    document = GeneratedDocument.objects.get()
    assert document.status == "failed"
    page = client.get(reverse("reports:documents", args=[cast.project.pk])).content.decode()
    assert "Työjono ei ole juuri nyt käytettävissä" in page
