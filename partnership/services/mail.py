"""Outbound email: recorded as a row with the change, sent by the worker, never lost.

Why rows and not ``send_mail`` after commit: a mail server that is down (or a
broker that is down) used to turn into a log line and a lost email. Now

1. ``email_send_after_commit`` writes an ``OutboundEmail`` row in the caller's
   transaction (a rolled-back change sends nothing) and, after commit, asks the
   worker to send it (``partnership.tasks.email_send``). Nothing is sent inside
   the web request, and a broker that cannot be reached is logged, not raised:
   the row waits.
2. The worker claims the row with one atomic ``UPDATE ... WHERE state = pending``
   (like the deadline engine's notices): two deliveries of the same message, or
   the task and the beat job at once, cannot both send it. Sent: ``sent_at``.
   Failed: back to pending with the error and a back-off (30 s, doubling, at most
   an hour); the task retries itself, and
3. beat's ``emails_send_due`` (every minute) sends every pending row whose time
   has come, and takes back a claim older than ``STALE_CLAIM`` (a worker killed
   mid-send). That is what delivers the mail once the broker or the mail server
   returns. After ``RETRY_FOR`` a row is given up (FAILED) and logged.

Emails in bulk (the deadline sweep's one digest per person) are recorded without
their body: ``body_builder`` names the function that writes it from ``body_data``
(ids and numbers) when the worker first sends the row, so the sweep that records
thousands of them does not render or encrypt a word (``BODY_BUILDERS``). The body
written is stored with the row, so a retry sends the same text.

Exactly once in the normal case; at least once when a worker dies between
handing a message to the mail server and recording it (a duplicate is the
smaller harm than a lost escalation, as for deadline notices).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from partnership.models import OutboundEmail

logger = logging.getLogger(__name__)

SEND_TASK = "partnership.tasks.email_send"
# A claim with no outcome after this long belongs to a sender that died (an SMTP exchange takes seconds,
# bounded by EMAIL_TIMEOUT): the beat job may take the row again.
STALE_CLAIM = timedelta(minutes=5)
# How long an undeliverable email is retried before it is given up and left to the operations team.
RETRY_FOR = timedelta(days=3)
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
# Emails one beat run sends at most; the rest go a minute later.
SEND_BATCH = 200
ERROR_MAX_LENGTH = 500

# Who writes the body of an email recorded without one: a key stored with the row, and the function
# (``OutboundEmail -> str``) imported when a row needs it (the builders sit with their services, which
# import this module: a name here, not an import, keeps the two apart).
BODY_BUILDERS = {
    "deadlines.digest": "partnership.services.deadlines.deadline_digest_body",
}

_PENDING = OutboundEmail.State.PENDING
_SENDING = OutboundEmail.State.SENDING


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 30 s, 1 min, 2 min... at most an hour."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _dispatch(email_id: int) -> None:
    """Ask the worker to send one email. A broker that is down is logged: the beat job sends it later."""
    try:
        # By name: a service never imports the tasks module.
        current_app.send_task(SEND_TASK, kwargs={"email_id": email_id}, ignore_result=True)
    except Exception:  # any broker error (connection refused, timeout): the row is the record
        logger.warning("Email %s is recorded but not queued; it goes when the broker is back", email_id)


def outbound_email_queue(*, subject: str, body: str, to: Iterable[str]) -> OutboundEmail | None:
    """Record an email to ``to`` and, once the transaction commits, ask the worker to send it.

    Returns the row (None when there is nobody to send to). Nothing is sent here, and
    nothing here fails because the mail server or the broker is down.
    """
    recipients = [address for address in dict.fromkeys(to) if address]
    if not recipients:
        return None
    email = OutboundEmail.objects.create(to=recipients, subject=subject[:255], body=body)
    transaction.on_commit(lambda: _dispatch(email.pk))
    return email


def outbound_emails_record(*, emails: Iterable[tuple[str, str, list[str]]]) -> list[int]:
    """Record many emails (subject, body, recipients) in one INSERT, for a caller that sends many at once
    (the deadline sweep); returns their ids for ``outbound_emails_dispatch`` once committed."""
    rows = [
        OutboundEmail(to=list(dict.fromkeys(to)), subject=subject[:255], body=body)
        for subject, body, to in emails
        if any(to)
    ]
    return [email.pk for email in OutboundEmail.objects.bulk_create(rows)]


def outbound_emails_record_unwritten(*, emails: Iterable[tuple[str, str, dict, list[str]]]) -> list[int]:
    """Record many emails whose bodies are written when they are sent, in one INSERT: (subject, the
    ``BODY_BUILDERS`` key, its data, recipients). Returns their ids for ``outbound_emails_dispatch``."""
    rows = []
    for subject, builder, data, to in emails:
        if builder not in BODY_BUILDERS:
            raise ValueError(f"No body builder is called {builder!r}.")
        if any(to):
            rows.append(
                OutboundEmail(
                    to=list(dict.fromkeys(to)), subject=subject[:255], body="", body_builder=builder, body_data=data
                )
            )
    return [email.pk for email in OutboundEmail.objects.bulk_create(rows)]


def _write_body(email: OutboundEmail, *, claim: str) -> None:
    """Write the body of an email recorded without one, and keep it with the row (a retry sends the same)."""
    if not email.body_builder or email.body:
        return
    email.body = import_string(BODY_BUILDERS[email.body_builder])(email)
    OutboundEmail.objects.filter(pk=email.pk, claimed_by=claim).update(body=email.body)


def outbound_emails_dispatch(*, email_ids: Iterable[int]) -> None:
    """Ask the worker to send emails already recorded and committed (see ``outbound_email_queue``)."""
    for email_id in email_ids:
        _dispatch(email_id)


def email_send_after_commit(*, subject: str, body: str, to: list[str]) -> None:
    """Send an email if, and once, the transaction commits: recorded now, sent by the worker.

    A mail server that is down never turns a saved change into an error page and
    never loses the email: it is retried until it goes (``outbound_email_queue``).
    """
    outbound_email_queue(subject=subject, body=body, to=to)


def _takeable(now: datetime) -> Q:
    return Q(state=_PENDING) | Q(state=_SENDING, claimed_at__lt=now - STALE_CLAIM)


@dataclass
class SendOutcome:
    state: str
    # When the caller (the task) should try again; None: sent, given up, or not ours to send.
    retry_in: timedelta | None = None


def _send_claimed(email: OutboundEmail, *, claim: str) -> SendOutcome:
    """Send one claimed row and record what happened (only while the claim is still ours)."""
    try:
        _write_body(email, claim=claim)
        message = EmailMessage(email.subject, email.body, None, email.to, connection=get_connection())
        message.send()
    except Exception as exc:  # any transport error (SMTP, DNS, TLS, refused connection), or writing the body
        now = timezone.now()
        wait = backoff(email.attempts)
        given_up = email.created_at < now - RETRY_FOR
        state = OutboundEmail.State.FAILED if given_up else _PENDING
        (logger.error if given_up else logger.warning)(
            "Email %s (%r to %s) not sent on attempt %s: %s%s",
            email.pk,
            email.subject,
            email.to,
            email.attempts,
            exc,
            "; given up" if given_up else f"; next try in {wait}",
        )
        OutboundEmail.objects.filter(pk=email.pk, claimed_by=claim).update(
            state=state,
            claimed_by="",
            claimed_at=None,
            last_error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH],
            next_attempt_at=now + wait,
        )
        return SendOutcome(state, None if given_up else wait)
    OutboundEmail.objects.filter(pk=email.pk, claimed_by=claim).update(
        state=OutboundEmail.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return SendOutcome(OutboundEmail.State.SENT)


def outbound_email_send(*, email_id: int) -> SendOutcome:
    """Send one recorded email if nobody else is (the worker's side of ``outbound_email_queue``).

    Claims the row with one atomic UPDATE (pending, or claimed by a sender that died), so a
    redelivered message, a retry and the beat job never send it twice. Run it outside a
    transaction: the claim commits before the mail server is called.
    """
    now = timezone.now()
    claim = uuid.uuid4().hex
    taken = (
        OutboundEmail.objects.filter(_takeable(now), pk=email_id)
        .order_by()
        .update(state=_SENDING, claimed_by=claim, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not taken:
        state = OutboundEmail.objects.filter(pk=email_id).values_list("state", flat=True).first()
        return SendOutcome(state or "missing")
    return _send_claimed(OutboundEmail.objects.get(pk=email_id), claim=claim)


def emails_send_due(*, now: datetime | None = None, limit: int = SEND_BATCH) -> dict[str, int]:
    """Beat's job: send every pending email whose time has come, and those of senders that died.

    This is what delivers mail recorded while the broker was down, and mail whose task
    gave up retrying while the mail server was down. Safe beside the per-email task and
    beside itself: rows are claimed (one atomic UPDATE) before anything is sent.
    Returns counts: ``claimed``, ``sent``, ``failed`` (kept for a later try or given up).
    """
    now = now or timezone.now()
    claim = uuid.uuid4().hex
    due = Q(state=_PENDING, next_attempt_at__lte=now) | Q(state=_SENDING, claimed_at__lt=now - STALE_CLAIM)
    oldest_first = OutboundEmail.objects.filter(due).order_by("next_attempt_at", "id")
    picked = list(oldest_first.values_list("id", flat=True)[:limit])
    counts = {"claimed": 0, "sent": 0, "failed": 0}
    if not picked:
        return counts
    counts["claimed"] = (
        OutboundEmail.objects.filter(due, pk__in=picked)
        .order_by()
        .update(state=_SENDING, claimed_by=claim, claimed_at=now, attempts=F("attempts") + 1)
    )
    for email in OutboundEmail.objects.filter(claimed_by=claim).order_by("id"):
        outcome = _send_claimed(email, claim=claim)
        counts["sent" if outcome.state == OutboundEmail.State.SENT else "failed"] += 1
    return counts
