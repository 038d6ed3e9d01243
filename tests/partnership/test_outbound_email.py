"""The outbox: email recorded with the change, sent by the worker, never lost to a mail server that is down.

The mail server is stood in for by ``tests.mail_backends.FlakyBackend`` (down until told otherwise) and
the clock by ``now=``; the database, the claims and the retries are real. The same path through a real
broker, worker and SMTP server is in ``tests/faults``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from partnership.models import OutboundEmail
from partnership.services import mail as mail_service
from partnership.services.mail import (
    RETRY_FOR,
    STALE_CLAIM,
    backoff,
    email_send_after_commit,
    emails_send_due,
    outbound_email_send,
)
from tests.mail_backends import FlakyBackend


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.FlakyBackend"
    FlakyBackend.down, FlakyBackend.refused = True, 0
    yield FlakyBackend
    FlakyBackend.down = False


def _record(django_capture_on_commit_callbacks, **overrides) -> OutboundEmail:
    fields = {"subject": "Learning Loop: a reminder", "body": "Child A's review is due.", "to": ["a@alpha.example"]}
    with django_capture_on_commit_callbacks(execute=True):
        email_send_after_commit(**{**fields, **overrides})
    return OutboundEmail.objects.order_by("-id").first()


def test_an_email_is_recorded_and_sent_once_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_send_after_commit(subject="Hello", body="Body", to=["a@alpha.example", "a@alpha.example"])
        assert OutboundEmail.objects.get().state == OutboundEmail.State.PENDING
        assert not mail.outbox  # nothing leaves inside the transaction
    for callback in callbacks:
        callback()

    email = OutboundEmail.objects.get()
    assert email.state == OutboundEmail.State.SENT
    assert email.to == ["a@alpha.example"]
    assert email.attempts == 1
    assert email.sent_at is not None
    [message] = mail.outbox
    assert (message.subject, message.body, message.to) == ("Hello", "Body", ["a@alpha.example"])


def test_a_rolled_back_change_sends_nothing(db, django_capture_on_commit_callbacks):
    def change_that_fails() -> None:
        with transaction.atomic():
            email_send_after_commit(subject="Hello", body="Body", to=["a@alpha.example"])
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()

    assert not OutboundEmail.objects.exists()
    assert not mail.outbox


def test_the_body_is_encrypted_at_rest(db, django_capture_on_commit_callbacks):
    email = _record(django_capture_on_commit_callbacks, body="Child A lives at 1 High Street.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM partnership_outboundemail WHERE id = %s", [email.pk])
        [stored] = cursor.fetchone()
    assert "High Street" not in stored


def test_a_mail_server_that_is_down_delays_the_email_and_loses_none(
    db, mail_server_down, django_capture_on_commit_callbacks
):
    email = _record(django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.PENDING
    assert email.attempts == 1
    assert "Connection refused" in email.last_error
    assert email.next_attempt_at >= timezone.now() + backoff(1) - timedelta(seconds=5)

    # Still down when its time comes: tried again, the back-off doubles.
    assert emails_send_due()["claimed"] == 0  # not yet
    second = emails_send_due(now=email.next_attempt_at)
    email.refresh_from_db()
    assert second == {"claimed": 1, "sent": 0, "failed": 1}
    assert email.attempts == 2
    assert email.next_attempt_at - timezone.now() > backoff(1)

    mail_server_down.down = False
    assert emails_send_due(now=email.next_attempt_at)["sent"] == 1
    assert emails_send_due(now=email.next_attempt_at + timedelta(days=1))["claimed"] == 0

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    assert email.last_error == ""
    assert len(mail.outbox) == 1
    assert mail_server_down.refused == 2


def test_two_senders_of_one_email_send_it_once(db, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(mail_service, "_dispatch", lambda email_id: None)
    email = _record(django_capture_on_commit_callbacks)

    first = outbound_email_send(email_id=email.pk)
    again = outbound_email_send(email_id=email.pk)
    by_beat = emails_send_due(now=timezone.now() + timedelta(days=1))

    assert first.state == again.state == OutboundEmail.State.SENT
    assert by_beat["claimed"] == 0
    assert len(mail.outbox) == 1


def test_a_claim_left_by_a_dead_sender_is_taken_back_once_stale(db, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(mail_service, "_dispatch", lambda email_id: None)
    email = _record(django_capture_on_commit_callbacks)
    claimed_at = timezone.now()
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=OutboundEmail.State.SENDING, claimed_by="dead", claimed_at=claimed_at, attempts=1
    )

    assert outbound_email_send(email_id=email.pk).state == OutboundEmail.State.SENDING  # someone is on it
    assert emails_send_due(now=claimed_at + STALE_CLAIM - timedelta(seconds=1))["claimed"] == 0
    assert emails_send_due(now=claimed_at + STALE_CLAIM + timedelta(seconds=1))["sent"] == 1
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get().attempts == 2


def test_an_email_undeliverable_for_days_is_given_up_and_kept(db, mail_server_down, django_capture_on_commit_callbacks):
    email = _record(django_capture_on_commit_callbacks)
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - RETRY_FOR - timedelta(minutes=1))

    result = emails_send_due(now=timezone.now() + timedelta(hours=2))

    email.refresh_from_db()
    assert result["failed"] == 1
    assert email.state == OutboundEmail.State.FAILED
    assert "Connection refused" in email.last_error
    assert emails_send_due(now=timezone.now() + timedelta(days=30))["claimed"] == 0


def test_a_broker_that_is_down_leaves_the_email_for_the_beat_job(db, django_capture_on_commit_callbacks, monkeypatch):
    class BrokerDown:
        def send_task(self, *args, **kwargs):
            raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.undo()  # the real dispatch (not the suite's send at commit), against a broker that refuses
    monkeypatch.setattr(mail_service, "current_app", BrokerDown())
    with django_capture_on_commit_callbacks(execute=True):
        email_send_after_commit(subject="Hello", body="Body", to=["a@alpha.example"])  # no error reaches the caller
    email = OutboundEmail.objects.get()
    assert email.state == OutboundEmail.State.PENDING
    assert email.attempts == 0
    assert not mail.outbox

    assert emails_send_due()["sent"] == 1
    assert len(mail.outbox) == 1
