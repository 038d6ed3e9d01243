"""A real Celery worker on the broker the settings configure.

With ``REDIS_URL`` set (CI's PostgreSQL run) the messages go through Redis;
without it, through kombu's filesystem transport (the embedded default). No
eager mode: the task message is serialised, queued, fetched by a worker thread
and run against the test database, so the broker wiring itself is proven.

The worker listens on a queue of its own (and, on the filesystem transport,
in a folder of its own) so that a developer's running ``bin/run`` worker
cannot take the test's messages and run them against the wrong database.
"""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult
from django.conf import settings
from django.utils import timezone

from config.celery import app
from partnership import services
from partnership.models import HistoryEntry, Invitation, Role
from partnership.tasks import invitations_expire_stale, ping
from tests.workers import broker_folders_in

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 20


class _Finished:
    """Outcomes of the tasks the worker ran, collected from Celery's own signals."""

    def __init__(self) -> None:
        self.results: dict[str, object] = {}
        self.errors: dict[str, BaseException] = {}
        self._changed = threading.Condition()

    def succeeded(self, sender=None, result=None, **kwargs) -> None:
        with self._changed:
            self.results[sender.request.id] = result
            self._changed.notify_all()

    def failed(self, sender=None, task_id=None, exception=None, **kwargs) -> None:
        with self._changed:
            self.errors[task_id] = exception
            self._changed.notify_all()

    def wait_for(self, task_id: str) -> object:
        with self._changed:
            done = self._changed.wait_for(lambda: task_id in self.results or task_id in self.errors, WAIT_SECONDS)
        assert done, f"the worker did not finish task {task_id} within {WAIT_SECONDS}s"
        assert task_id not in self.errors, f"the task failed in the worker: {self.errors[task_id]!r}"
        return self.results[task_id]


class RunningWorker:
    """The test's handle on the worker: send a task to its queue, wait for what it returned."""

    def __init__(self, queue: str, finished: _Finished) -> None:
        self.queue = queue
        self.finished = finished

    def send(self, task) -> AsyncResult:
        """Publish a task message on a fresh broker connection (so the folders in use now apply)."""
        with app.connection_for_write() as connection:
            return task.apply_async(queue=self.queue, connection=connection)

    def run(self, task) -> object:
        """Send the task and wait for the worker's result."""
        return self.finished.wait_for(self.send(task).id)


@pytest.fixture
def worker(tmp_path):
    """A worker thread (solo pool) on the configured broker, consuming a queue of its own."""
    queue = f"test-{uuid.uuid4().hex}"
    finished = _Finished()
    signals.task_success.connect(finished.succeeded, weak=False)
    signals.task_failure.connect(finished.failed, weak=False)
    try:
        with broker_folders_in(tmp_path), start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            yield RunningWorker(queue, finished)
    finally:
        signals.task_success.disconnect(finished.succeeded)
        signals.task_failure.disconnect(finished.failed)


def test_the_settings_pick_the_broker_from_redis_url():
    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
    else:
        assert app.conf.broker_url == "filesystem://"
        # Messages are renamed into the queue whole: the stock transport let a worker read a half-written one.
        with app.connection_for_write() as connection:
            assert type(connection.transport).__module__ == "config.broker"
        assert Path(app.conf.broker_transport_options["data_folder_in"]).is_dir()


def test_ping_goes_through_the_broker_to_a_worker(worker):
    sent = worker.send(ping)

    assert worker.finished.wait_for(sent.id) == "pong"
    if app.conf.result_backend:
        # On Redis the answer also comes back through the result backend.
        assert sent.get(timeout=WAIT_SECONDS) == "pong"


def test_the_worker_expires_stale_invitations(worker, world_a):
    stale, _ = services.invitation_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        email="stale@alpha.example",
        full_name="Stale Invitee",
        agency=world_a.school,
        roles=[Role.PRACTITIONER],
    )
    fresh, _ = services.invitation_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        email="fresh@alpha.example",
        full_name="Fresh Invitee",
        agency=world_a.school,
        roles=[Role.PRACTITIONER],
    )
    Invitation.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    expired = worker.run(invitations_expire_stale)

    assert expired == 1
    # Read back from the database, as the worker wrote it.
    assert Invitation.objects.get(pk=stale.pk).status == Invitation.Status.EXPIRED
    assert Invitation.objects.get(pk=fresh.pk).status == Invitation.Status.PENDING
    assert HistoryEntry.objects.filter(
        partnership=world_a.partnership, object_id=str(stale.pk), reason="Expired unused"
    ).exists()


def test_a_second_sweep_expires_nothing_more(worker, world_a):
    stale, _ = services.invitation_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        email="twice@alpha.example",
        full_name="Twice Invitee",
        agency=world_a.school,
        roles=[Role.PRACTITIONER],
    )
    Invitation.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert worker.run(invitations_expire_stale) == 1

    assert worker.run(invitations_expire_stale) == 0
    assert HistoryEntry.objects.filter(object_id=str(stale.pk), reason="Expired unused").count() == 1


def test_beat_schedules_the_expiry_sweep():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "partnership.tasks.invitations_expire_stale" in scheduled
    # The worker knows every task beat sends.
    app.loader.import_default_modules()
    assert scheduled <= set(app.tasks)
