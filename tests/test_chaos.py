"""Chaos: many tasks with real effects, the worker SIGKILLed three times and Redis restarted
once while it works — and still every effect happens exactly once.

The test owns its Redis (a redis-server on a free port, append-only file fsynced on every
write, in the test's temporary directory), so restarting it disturbs nobody else. The worker
is a real Celery worker process (tests/support.py) against the test database; tasks go the
way production sends them: acknowledged late, redelivered after the visibility timeout. The
test also plays beat (the sweeps that send lost jobs again) and Docker (restarting a worker
that exits by itself), as production has them.

Effects counted afterwards:
- documents: one file per request, every request done, one "report ready" e-mail each;
- reminders: one e-mail per (period, recipient, kind) of the day — the expected recipients
  are worked out here from the data, not from the Reminder rows;
- roll-ups: one row per project and month, and its rows equal a fresh recomputation."""

import datetime as dt
import email
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.utils import timezone

from projects.models import Membership
from reports.mail import message_id
from reports.models import GeneratedDocument, MetricAggregate, ProjectRollup, Reminder
from reports.rollups import rollup_compute
from tests import factories
from tests.support import Worker, free_port, needs_postgres, spawn, stop, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    needs_postgres,
    pytest.mark.skipif(shutil.which("redis-server") is None,
                       reason="needs the redis-server binary (the test runs its own Redis)"),
]
MAY, APRIL = dt.date(2022, 5, 1), dt.date(2022, 4, 1)
DOCUMENTS = 30
KILLS = 3
STALLED_SECONDS = 8  # > the visibility timeout (5 s) + the longest render here
MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"  # Django's file e-mail backend between messages


class RedisServer:
    """A private redis-server whose queue survives a restart (append-only file)."""

    def __init__(self, directory: Path):
        self.dir, self.port = directory, free_port()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        self.process = spawn(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--appendonly", "yes", "--appendfsync", "always", "--save", "",
             "--dir", str(self.dir)],
            log=self.dir / "redis.log",
        )
        wait_for(self._pings, 10, "redis-server to start", step=0.05)
        return self

    def _pings(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_timeout=1).ping()
        except redis.ConnectionError:
            return False

    def shutdown(self) -> None:
        """SHUTDOWN: what an orderly restart (or a container stop) does."""
        if self.process and self.process.poll() is None:
            try:
                redis.Redis.from_url(self.url, socket_timeout=5).shutdown()
            except redis.ConnectionError:
                pass
            self.process.wait(10)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=5)


def chaos_worker(tmp_path: Path, redis_url: str) -> Worker:
    """A worker on the private Redis, with two pool processes. Tasks here take well under a
    second; a message unacknowledged for 5 s belonged to a killed worker and is delivered
    again (swept every second)."""
    return Worker(tmp_path, concurrency=2, REDIS_URL=redis_url, CELERY_VISIBILITY_TIMEOUT="5")


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    stop(server.process, timeout=10)


def sent_mails(directory: Path) -> list[email.message.Message]:
    if not directory.exists():
        return []
    messages = []
    for path in sorted(directory.iterdir()):
        for chunk in path.read_text().split(MAIL_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_string(chunk))
    return messages


def build_data(cast) -> dict:
    """Two projects with missing reports (reminders), approved reports and metric values
    (roll-ups), and a steering group member to tell when a monthly report is ready."""
    for user in (cast.coordinator, cast.manager, cast.other_coordinator, cast.other_manager):
        assert user.email
    coordinators = [cast.coordinator]
    for n in range(8):
        user = factories.UserFactory(username=f"koordinaattori{n}")
        person = factories.PersonFactory(user=user, name=f"Koordinaattori {n}")
        factories.MembershipFactory(project=cast.project, person=person,
                                    role=Membership.Role.COORDINATOR)
        sub = factories.SubprojectFactory(work_package=cast.subproject.work_package,
                                          code=f"1.{n + 3}")
        sub.responsible_people.add(person)
        coordinators.append(user)
    for month in (APRIL, MAY):
        factories.MonthlyReportFactory(subproject=cast.sibling, period=month, state="approved",
                                       light="yellow", situation=f"Tilanne {month:%m}")
    metric = factories.MetricFactory(project=cast.project, code="A.1")
    for month, value in ((dt.date(2022, 3, 1), 5), (APRIL, 7), (MAY, 11)):
        # Published, as the approval of the project's own reports publishes them: roll-ups
        # count published values only.
        factories.MetricValueFactory(metric=metric, period=month, value=value, published=True)
    periods = {p.project_id: p for p in cast.project.reporting_periods.all()
               | cast.other_project.reporting_periods.all()}
    today = timezone.localdate()
    assert all(p.deadline <= today and p.closed_at is None for p in periods.values())
    a, b = periods[cast.project.pk], periods[cast.other_project.pk]
    expected_reminders = {(a.pk, u.pk, Reminder.Kind.COORDINATOR) for u in coordinators}
    expected_reminders |= {(a.pk, cast.manager.pk, Reminder.Kind.DIGEST),
                           (b.pk, cast.other_coordinator.pk, Reminder.Kind.COORDINATOR),
                           (b.pk, cast.other_manager.pk, Reminder.Kind.DIGEST)}
    return {"reminders": expected_reminders, "today": today,
            "rollups": {(cast.project.pk, APRIL), (cast.project.pk, MAY),
                        (cast.other_project.pk, MAY)}}


def rollup_rows(rollup: ProjectRollup):
    return (
        sorted(rollup.work_package_statuses.values_list("work_package", "computed_light",
                                                        "counts")),
        sorted(rollup.metric_aggregates.values_list("metric", "method", "month_value",
                                                    "year_to_date", "value_count")),
        rollup.narrative_draft, rollup.expected, rollup.reported, rollup.approved,
    )


def test_every_effect_happens_exactly_once_despite_kills_and_a_redis_restart(
        cast, tmp_path, settings, private_redis):
    started = time.monotonic()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    expected = build_data(cast)
    steering_email = cast.steering.email
    assert steering_email
    documents = [factories.GeneratedDocumentFactory(project=cast.project, kind="monthly",
                                                    month=MAY, requested_by=cast.manager)
                 for _ in range(DOCUMENTS)]

    def send(name: str, *args) -> None:
        client = Celery("chaos-client", broker=private_redis.url, set_as_current=False)
        try:
            client.send_task(f"reports.tasks.{name}", args=list(args), ignore_result=True)
        finally:
            client.close()

    def send_batch(batch: list[GeneratedDocument]) -> None:
        """Documents, with the same reminder and roll-up jobs sent again every 5th."""
        for i, document in enumerate(batch):
            send("render_document", document.pk)
            if i % 5 == 0:
                send("send_reporting_reminders")
                send("compute_rollup", cast.project.pk, APRIL.isoformat())
                send("compute_national_rollup", MAY.isoformat())

    def done() -> int:
        return GeneratedDocument.objects.filter(status="done").count()

    workers: list[Worker] = []
    current: dict = {}
    exits = []

    def start_worker() -> None:
        current["since"] = timezone.now()
        current["worker"] = chaos_worker(tmp_path, private_redis.url).start()
        workers.append(current["worker"])

    def supervise() -> None:
        """Restart a worker that exited by itself, as Docker's restart policy does: kombu
        5.7 can crash the worker on a Redis restart ("Unrecoverable error: AttributeError
        … 'hostname'" while restoring unacknowledged messages)."""
        if current["worker"].process.poll() is not None:
            exits.append(current["worker"].process.returncode)
            start_worker()

    def rendering() -> bool:
        """A document being rendered by the current worker (not one left by a killed one)."""
        supervise()
        return GeneratedDocument.objects.filter(status="running",
                                                started_at__gt=current["since"]).exists()

    log = tmp_path / "worker.log"
    try:
        send_batch(documents[:18])
        start_worker()
        for kill in range(KILLS):
            if kill == 2:
                # Redis goes away under the running worker and comes back from its AOF with
                # the queue (and the unacknowledged messages) intact; more jobs follow.
                progress = done()
                wait_for(lambda p=progress: supervise() or done() > p, 60,
                         "progress before the restart")
                first = GeneratedDocument.objects.filter(pk__in=[d.pk for d in documents[:18]])
                assert first.exclude(status="done").exists()  # jobs only Redis's AOF keeps
                private_redis.shutdown()
                time.sleep(1)
                private_redis.start()
                queue = private_redis.client()
                assert queue.llen("celery") + queue.hlen("unacked") > 0  # kept by the AOF
                send_batch(documents[18:])
            # The first two kills come just as a document is finished and the next job is
            # being taken (where Redis can lose it: requeue_stalled_documents' case).
            progress = done() if kill < 2 else DOCUMENTS
            wait_for(lambda p=progress, k=kill: rendering() and (k == 2 or done() > p),
                     60, f"the worker to be rendering (kill {kill + 1})", step=0.01)
            current["worker"].kill()  # SIGKILL, mid-render: no acknowledgement, no clean-up
            start_worker()

        last_sweep = [time.monotonic()]

        def all_finished() -> bool:
            supervise()
            if done() < DOCUMENTS:
                # What beat does every few minutes in production: send again the jobs that
                # a kill lost between Redis's queue and its unacknowledged table.
                if time.monotonic() - last_sweep[0] > 2:
                    send("requeue_stalled_documents", STALLED_SECONDS)
                    send("recompute_stale_rollups")
                    last_sweep[0] = time.monotonic()
                return False
            queue = private_redis.client()
            return queue.llen("celery") == 0 and queue.hlen("unacked") == 0

        # Normally done in seconds; the margin is for a CI machine whose other test process
        # keeps both cores busy (four worker boots, each loading Django, under that load).
        wait_for(all_finished, 180, "every job to finish and be acknowledged", step=0.2)
        current["worker"].stop()
    except BaseException:
        print(log.read_text()[-6000:] if log.exists() else "no worker log")
        # Last, so that the end of a truncated CI log still shows where the jobs stood.
        print(f"after {time.monotonic() - started:.1f} s, worker exits {exits}, not done:",
              list(GeneratedDocument.objects.exclude(status="done")
                   .values_list("pk", "status", "attempts", "updated_at")))
        try:
            queue = private_redis.client()
            print("queue:", queue.lrange("celery", 0, -1), "unacked:", queue.hgetall("unacked"),
                  "index:", queue.zrange("unacked_index", 0, -1, withscores=True))
        except redis.RedisError as error:
            print("Redis not answering:", error)
        raise
    finally:
        for w in workers:
            w.stop()

    text = log.read_text()
    assert text.count("Connection to broker lost") >= 1  # the restart reached the worker
    # Documents: every request done once, one file each, in its own fixed place.
    attempts = 0
    for document in documents:
        document.refresh_from_db()
        assert document.status == "done", document.error
        assert os.listdir(tmp_path / "media" / "documents" / str(document.pk)) == [
            document.filename]
        attempts += document.attempts
    assert attempts > DOCUMENTS  # some were indeed rendered again after a kill
    assert sorted(os.listdir(tmp_path / "media" / "documents")) == sorted(
        str(d.pk) for d in documents)

    mails = sent_mails(tmp_path / "mail")
    ids = [m["Message-ID"] for m in mails]
    ready = [m for m in mails if m["To"] == steering_email]
    assert sorted(m["Message-ID"] for m in ready) == sorted(
        message_id(f"document-{d.pk}-ready-{cast.steering.pk}") for d in documents)
    # Reminders: exactly the expected ones, each e-mailed once.
    got = set(Reminder.objects.filter(sent_on=expected["today"])
              .values_list("period", "user", "kind"))
    assert got == expected["reminders"]
    assert Reminder.objects.count() == len(expected["reminders"])
    reminder_ids = sorted(i for i in ids if "reminder-" in i)
    assert reminder_ids == sorted(
        message_id(f"reminder-{p}-{u}-{k}-{expected['today']:%Y%m%d}")
        for p, u, k in expected["reminders"])
    assert len(ids) == len(set(ids)) == DOCUMENTS + len(expected["reminders"])  # no copies
    # Roll-ups: one per project and month, equal to computing them again now.
    assert set(ProjectRollup.objects.values_list("project", "month")) == expected["rollups"]
    assert ProjectRollup.objects.count() == len(expected["rollups"])
    for rollup in ProjectRollup.objects.all():
        before = rollup_rows(rollup)
        assert rollup_rows(rollup_compute(project=rollup.project, month=rollup.month)) == before
    assert MetricAggregate.objects.filter(rollup__project=cast.project).count() == 2
    print(f"chaos: {attempts} renders for {DOCUMENTS} documents, {len(ids)} e-mails, "
          f"{text.count('stalled document job(s) sent again')} sweep(s) that found lost jobs, "
          f"{len(exits)} worker exit(s) on the Redis restart, "
          f"{time.monotonic() - started:.1f} s")
