"""Faults survived, nothing lost: Redis, a worker and the mail server fail under real services.

Real parts only: the test's own redis-server (on a spare port from 16380, never
the shared one), a real Celery worker with embedded beat in a subprocess, a real
SMTP server (``smtp_sink``), PostgreSQL. The one stand-in is the clock, moved on
where the product waits minutes on purpose (a render is only taken from a lost
worker once the hard time limit has surely killed it).

Runs in the PostgreSQL + Redis pass of ``.ci/run`` (``bin/test`` with
``DATABASE_URL`` and ``REDIS_URL``); skipped on SQLite, where the worker
subprocess could not see the test's in-memory database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ll_x REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/pytest tests/faults -q -s     # -s prints the timings measured
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db import connections as db_connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from partnership.models import DocumentVersion, HistoryEntry, OutboundEmail
from partnership.services import documents as document_service
from tests.conftest import login
from tests.factories import World
from tests.faults.smtp_sink import SMTPSink
from tests.reviews.factories import rapid_review_make
from tests.workers import fresh_broker_pools

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = Path(__file__).resolve().parent / "templates"
PORTS = range(16380, 16390)
ANSWER_WITHIN = 3.0  # seconds: a request while Redis is down answers at once, never a 19 s hang
RECOVERY_WITHIN = 90.0  # seconds: the whole test's budget for a recovery

_postgresql = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [
    pytest.mark.faults,
    # bin/test runs the suite in two processes: these share a range of ports and stop their own services, so
    # they all run in one of them, one after another.
    pytest.mark.xdist_group("faults"),
    pytest.mark.skipif(
        not (_postgresql and os.environ.get("REDIS_URL")),
        reason="fault tests run on PostgreSQL with Redis (DATABASE_URL and REDIS_URL)",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (installed by .ci/run)"),
    pytest.mark.django_db(transaction=True),
]


def _free_port(taken: set[int]) -> int:
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    pytest.skip("no free port in 16380-16389 for the fault tests")


def wait_for(check: Callable[[], bool], *, timeout: float, what: str, every: float = 0.2) -> float:
    """Poll ``check`` until it is true; returns the seconds it took (fails the test after ``timeout``)."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)
    return time.monotonic() - started


class RedisServer:
    """A redis-server of the test's own, stopped and started like a real outage (no persistence)."""

    def __init__(self, port: int, folder: Path) -> None:
        self.port, self.folder = port, folder
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, what="redis-server starting", every=0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Worker:
    """``celery worker -B`` in a process group of its own, on the test's Redis, database and SMTP server."""

    def __init__(self, *, redis: RedisServer, smtp_port: int, folder: Path, name: str) -> None:
        self.log = folder / f"{name}.log"
        db = connection.settings_dict
        database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        # Not PYTEST_XDIST_WORKER: the worker must use the test's own Redis database as given, not a test
        # process's share of it (config.settings).
        self.env = {
            **{key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"},
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "BACKGROUND_RECOVERY_SECONDS": "2",
            "LEARNINGLOOP_RUN_DIR": str(folder / f"{name}-run"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        if db.get("PASSWORD"):
            self.env["DATABASE_URL"] = database_url.replace("@", f":{db['PASSWORD']}@", 1)
        self.command = [
            str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "-B",
            "-Q", "celery,documents", "--concurrency=1", "--loglevel=INFO", "-n", f"{name}@faults",
            "--schedule", str(folder / f"{name}-beat"),
        ]  # fmt: skip
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> float:
        """Start and wait until it says it is ready; returns the seconds that took."""
        self.started_at = time.monotonic()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter's celery
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return wait_for(lambda: b" ready." in self.log.read_bytes(), timeout=60, what="the worker starting")

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as a crashed machine or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def faults(tmp_path, settings) -> Iterator[dict]:
    """The test's Redis and SMTP server, this process's Celery app pointed at that Redis, and workers to start."""
    taken: set[int] = set()
    redis = RedisServer(_free_port(taken), tmp_path)
    sink = SMTPSink(_free_port(taken))
    redis.start()
    sink.start()
    original_broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = redis.url
    fresh_broker_pools()
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}]
    workers: list[Worker] = []

    def worker(name: str) -> Worker:
        made = Worker(redis=redis, smtp_port=sink.port, folder=tmp_path, name=name)
        workers.append(made)
        return made

    try:
        yield {"redis": redis, "sink": sink, "worker": worker}
    finally:
        for made in workers:
            made.stop()
        celery_app.conf.broker_url = original_broker
        fresh_broker_pools()
        redis.stop()
        sink.close()


def _ready_moves(version: DocumentVersion) -> int:
    """How many times the version was recorded as becoming ready: a render that completed."""
    entries = HistoryEntry.objects.filter(object_id=str(version.pk), content_type__model="documentversion")
    return sum(1 for entry in entries if (entry.changes.get("state") or {}).get("to") == "Ready")


def _report(what: str, seconds: float) -> None:
    print(f"\n[faults] {what}: {seconds:.2f} s")


def test_redis_down_a_pdf_and_an_email_are_recorded_at_once_and_complete_once_when_it_returns(faults):
    world = World("Alpha")
    review = rapid_review_make(world)
    manager = login(Client(), world.bm)
    worker = faults["worker"]("first")
    worker.start()

    faults["redis"].stop()

    started = time.monotonic()
    asked = manager.post(
        reverse(
            "reviews:rapid_review_template_pdf", kwargs={"slug": world.partnership.slug, "rapid_review_id": review.pk}
        )
    )
    pdf_answer = time.monotonic() - started
    started = time.monotonic()
    reset = Client().post(reverse("account:password_reset"), {"email": world.practitioner.person.email})
    mail_answer = time.monotonic() - started
    _report("PDF request answered with Redis down", pdf_answer)
    _report("password reset (an email) answered with Redis down", mail_answer)

    assert asked.status_code == 302
    assert reset.status_code == 302
    assert pdf_answer < ANSWER_WITHIN
    assert mail_answer < ANSWER_WITHIN
    status = manager.get(asked.url)
    assert status.status_code == 200
    assert "The background service that makes PDFs is not available just now" in status.content.decode()
    version = DocumentVersion.objects.get()
    assert (version.state, version.dispatched_at) == (DocumentVersion.State.QUEUED, None)
    email = OutboundEmail.objects.get()
    assert (email.state, email.attempts) == (OutboundEmail.State.PENDING, 0)

    faults["redis"].start()  # empty: whatever it held is gone, as after a real restart without persistence
    back = time.monotonic()
    wait_for(
        lambda: DocumentVersion.objects.filter(pk=version.pk, state=DocumentVersion.State.READY).exists(),
        timeout=RECOVERY_WITHIN,
        what="the PDF once Redis was back",
    )
    pdf_recovered = time.monotonic() - back
    wait_for(lambda: len(faults["sink"].messages) >= 1, timeout=RECOVERY_WITHIN, what="the email once Redis was back")
    mail_recovered = time.monotonic() - back
    _report("PDF ready after Redis returned", pdf_recovered)
    _report("email delivered after Redis returned", mail_recovered)

    time.sleep(6)  # three more beat runs: nothing is sent or rendered a second time
    version.refresh_from_db()
    email.refresh_from_db()
    assert _ready_moves(version) == 1
    assert version.render_attempts == 1
    assert bytes(version.pdf).startswith(b"%PDF")
    assert (email.state, email.attempts) == (OutboundEmail.State.SENT, 1)
    assert faults["sink"].subjects() == ["Reset your Learning Loop password"]
    assert faults["sink"].messages[0]["X-Sink-Recipients"] == world.practitioner.person.email


def _long_document(world: World) -> DocumentVersion:
    return document_service.document_render_request(
        partnership=world.partnership,
        actor=world.bm,
        subject=world.school,
        kind="fault_test",
        title="A long learning review",
        template_name="faults/long_document.html",
        context={"rows": range(150)},  # a few seconds of WeasyPrint: long enough to be killed mid-way
    )


def test_a_worker_killed_mid_render_leaves_a_document_that_completes_once_after_a_new_worker_starts(faults):
    world = World("Alpha")
    first = faults["worker"]("first")
    first.start()

    version = _long_document(world)  # committed at once (no transaction): its task is sent now
    wait_for(
        lambda: DocumentVersion.objects.filter(pk=version.pk, state=DocumentVersion.State.RENDERING).exists(),
        timeout=30,
        what="the render starting",
        every=0.02,
    )
    first.kill()
    version.refresh_from_db()
    assert version.state == DocumentVersion.State.RENDERING  # killed mid-render
    assert version.render_attempts == 1

    # The clock: the lost render is taken back only after the hard time limit has surely stopped whatever
    # held it (RENDER_LOST_AFTER, 150 s). Move its start back by that much rather than wait.
    DocumentVersion.objects.filter(pk=version.pk).update(
        started_at=version.started_at - document_service.RENDER_LOST_AFTER
    )
    second = faults["worker"]("second")
    boot = second.start()
    recovered = wait_for(
        lambda: DocumentVersion.objects.filter(pk=version.pk, state=DocumentVersion.State.READY).exists(),
        timeout=RECOVERY_WITHIN,
        what="the killed render completing",
    )
    _report("new worker ready after the SIGKILL", boot)
    _report("killed render ready after the new worker was ready", recovered)

    time.sleep(5)
    version.refresh_from_db()
    assert _ready_moves(version) == 1
    assert version.render_attempts == 2  # the killed one and the one that completed
    assert bytes(version.pdf).startswith(b"%PDF")
    assert version.pdf_bytes == len(bytes(version.pdf))


def test_a_mail_server_that_is_down_loses_no_email_and_sends_each_once_when_it_opens(faults):
    world = World("Alpha")
    faults["sink"].stop()  # the mail server's port is closed: connections are refused
    worker = faults["worker"]("first")
    worker.start()

    for person in (world.practitioner.person, world.agency_lead.person):
        Client().post(reverse("account:password_reset"), {"email": person.email})
    wait_for(
        lambda: OutboundEmail.objects.filter(attempts__gte=2, state=OutboundEmail.State.PENDING).count() == 2,
        timeout=RECOVERY_WITHIN,
        what="the emails tried twice against the closed port",
    )
    assert not faults["sink"].messages
    assert all("Connection refused" in e.last_error for e in OutboundEmail.objects.all())

    # Due again now (the clock: the back-off has passed), and the mail server opens.
    OutboundEmail.objects.update(next_attempt_at=timezone.now())
    faults["sink"].start()
    opened = time.monotonic()
    wait_for(lambda: len(faults["sink"].messages) == 2, timeout=RECOVERY_WITHIN, what="both emails delivered")
    _report("emails delivered after the mail server opened", time.monotonic() - opened)

    time.sleep(5)
    assert len(faults["sink"].messages) == 2
    assert sorted(m["X-Sink-Recipients"] for m in faults["sink"].messages) == sorted(
        [world.practitioner.person.email, world.agency_lead.person.email]
    )
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {OutboundEmail.State.SENT}
    assert timedelta(0) <= timezone.now() - OutboundEmail.objects.latest("sent_at").sent_at < timedelta(minutes=2)


# --- Two people saving at once ------------------------------------------------------------------------


def _at_once(*calls: Callable[[], object]) -> list:
    """Run the calls in threads released together (each thread its own database connection)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        finally:
            db_connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_concurrent_api_changes_from_one_version_save_one_and_refuse_the_other(client_for):
    world = World("Alpha")
    url = reverse("api:agency_detail", kwargs={"slug": world.partnership.slug, "agency_id": world.school.pk})
    first, second = client_for(world.bm), client_for(world.bm)
    version = first.get(url)["ETag"]

    answers = _at_once(
        lambda: first.patch(url, {"name": "Saved by one"}, content_type="application/json", HTTP_IF_MATCH=version),
        lambda: second.patch(url, {"name": "Saved by two"}, content_type="application/json", HTTP_IF_MATCH=version),
    )

    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status_code == 200).json()["name"]
    world.school.refresh_from_db()
    assert world.school.name == winner  # the loser's change was refused, not written over the winner's

    blind = _at_once(
        lambda: first.patch(url, {"name": "Blind one"}, content_type="application/json"),
        lambda: second.patch(url, {"name": "Blind two"}, content_type="application/json"),
    )
    assert [a.status_code for a in blind] == [428, 428]
    world.school.refresh_from_db()
    assert world.school.name == winner


def test_two_concurrent_page_saves_from_one_drawn_page_save_one_and_refuse_the_other(client_for):
    world = World("Alpha")
    url = reverse("partnership:agency_detail", kwargs={"slug": world.partnership.slug, "agency_id": world.school.pk})
    first, second = client_for(world.bm), client_for(world.bm)
    drawn = re.search(r'name="expected_updated_at" value="([^"]+)"', first.get(url).content.decode()).group(1)

    def save(client: Client, name: str, version: str | None):
        data = {"name": name, "agency_type": "education", "statutory_partner": "", "is_active": "on"}
        if version is not None:
            data["expected_updated_at"] = version
        return client.post(url, data)

    answers = _at_once(lambda: save(first, "Page one", drawn), lambda: save(second, "Page two", drawn))

    # One is saved (redirect), the other shown again with the saved version beside the typed one (no redirect).
    assert sorted(a.status_code for a in answers) == [302, 400]
    refused = next(a for a in answers if a.status_code == 400).content.decode()
    assert "Someone else changed this agency while you were editing it." in refused
    world.school.refresh_from_db()
    assert world.school.name in {"Page one", "Page two"}
    kept = "Page two" if world.school.name == "Page one" else "Page one"
    assert f'value="{kept}"' in refused  # the refused person's typing is still in the form

    blind = save(first, "Without a version", None)
    assert "This page is out of date. Reload it and make your change again." in blind.content.decode()
    world.school.refresh_from_db()
    assert world.school.name != "Without a version"
