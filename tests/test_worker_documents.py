"""Documents produced by a real Celery worker on Redis, also when the worker is killed."""

import os

import pytest

from demo.scale import generate_scale_data
from projects.models import Membership, Project
from reports import documents
from reports.models import GeneratedDocument
from tests import factories, support
from tests.support import needs_worker, wait_for

pytestmark = [needs_worker, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def pdf_text(document: GeneratedDocument) -> str:
    with document.file.open("rb") as handle:
        return support.pdf_text(handle.read())


def test_killed_worker_still_produces_the_document_exactly_once(worker, tmp_path):
    generate_scale_data(regions=1, work_packages=5, subprojects=10, metrics=20, months=36)
    project = Project.objects.get(code="SCALE-01")
    requester = factories.UserFactory(username="pyytaja")
    factories.MembershipFactory(project=project, person__user=requester,
                                role=Membership.Role.MANAGER)  # the project's own asks
    steering = factories.UserFactory(username="ohjausryhma", email="or@example.test")
    factories.MembershipFactory(project=project, person__user=steering,
                                role=Membership.Role.STEERING)
    month = project.phases.get().end_date.replace(day=1)
    document = documents.document_request(project=project, kind="monthly", user=requester,
                                          month=month)
    first = worker()
    wait_for(lambda: GeneratedDocument.objects.filter(pk=document.pk, status="running").exists(),
             60, "the worker to start rendering", step=0.01)
    first.kill()
    document.refresh_from_db()
    assert document.status == "running"  # killed in the middle
    worker()
    wait_for(lambda: GeneratedDocument.objects.filter(pk=document.pk, status="done").exists(),
             120, "a second worker to finish the document", step=0.2)
    document.refresh_from_db()
    assert document.attempts == 2
    files = os.listdir(tmp_path / "media" / "documents" / str(document.pk))
    assert files == [document.filename]  # one file, not two
    assert GeneratedDocument.objects.count() == 1
    assert "Osa-alue" in pdf_text(document)
    mails = [p for p in (tmp_path / "mail").iterdir()] if (tmp_path / "mail").exists() else []
    assert len(mails) == 1  # the steering group is told once


def test_demo_monthly_and_final_reports_are_produced_by_the_worker(worker):
    from demo.services import load_demo
    from projects.models import Phase
    from reports.models import MonthlyReport

    load_demo(password="demo-salasana-testi")
    essote = Project.objects.get(code="ESSOTE-TSK")
    month = MonthlyReport.objects.filter(subproject__project=essote).latest("period").period
    posote = Project.objects.get(code="POSOTE20")
    admin = factories.UserFactory(username="tilaaja")
    person = factories.PersonFactory(user=admin)
    for project in (essote, posote):  # documents are asked for by the project's own people
        factories.MembershipFactory(project=project, person=person, role=Membership.Role.MANAGER)
    monthly = documents.document_request(project=essote, kind="monthly", user=admin, month=month)
    final = documents.document_request(project=posote, kind="final", user=admin,
                                       phase=Phase.objects.get(project=posote, code="I"))
    worker()
    for document in (monthly, final):
        wait_for(lambda pk=document.pk: GeneratedDocument.objects.get(pk=pk).status in (
            "done", "failed"), 120, "the worker to produce the document", step=0.2)
        document.refresh_from_db()
        assert document.status == "done", document.error
        assert len(document.data_checksum) == 64 and document.finished_at
    text = pdf_text(monthly)
    assert "Osa-alue" in text and "Tavoite" in text
    assert "Digitiimi hyvinvointialueelle" in text
    assert "digitaalisten palveluiden käyttöä" in " ".join(text.split())
    assert 2 <= monthly.pages <= 80
    text = pdf_text(final)
    for heading in ["Mitä saatiin aikaan?", "Oppeja tuleville kehittäjille", "Miksi työtä tehdään?"]:
        assert heading in text
    assert 4 <= final.pages <= 80
