"""Outbound email as durable rows: recorded with the change that causes it, sent by the worker.

A row is written in the same transaction as the change (a rolled-back change
sends nothing), then the worker sends it; a mail server or broker that is down
delays the email and loses none (``partnership.services.mail``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from partnership.encryption import EncryptedTextField


class OutboundEmail(models.Model):
    """One email to one or more recipients, and how far it has got.

    Not tenant data: password resets and invitations go to people outside any
    partnership. The body can name a case, so it is encrypted at rest like documents.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Given up"

    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body = EncryptedTextField()
    # An email whose body is written when it is sent, not when it is recorded (the deadline sweep's digests:
    # the sweep decides who hears about what, the worker renders it): a key of ``services.mail``'s body
    # builders and what it needs, ids and numbers only (the body, rendered, is stored encrypted above).
    body_builder = models.CharField(max_length=40, blank=True)
    body_data = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # How many times a sender took it; the last failure, for the operations team.
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Not before: the back-off after a failure. The beat job sends pending rows whose time has come.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Who took it and when: a claim older than the stale limit belongs to a sender that died.
    claimed_by = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbound_email_due")]

    def __str__(self) -> str:
        return f"{self.subject} to {', '.join(self.to)} ({self.get_state_display()})"
