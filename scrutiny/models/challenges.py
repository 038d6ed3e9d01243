"""The challenge log (issue 17, item 4): what the independent scrutineer asks a partner or an agency to answer.

A challenge is about one record or figure, linked by the path of its page in this partnership (a rapid review, a
recommendation, a dashboard figure's list...), so the link always opens what was questioned and can never point at
another partnership. It is addressed to an agency; when that agency is one of the three statutory partners, the
partner's lead answers for it as well as its agency leads. The answer is due on a date (a kernel deadline chases it);
the scrutineer then accepts the answer or escalates the challenge to the partnership board, and closes it. An
accepted or escalated challenge can produce recommendations (the kernel's, with the challenge as their source).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from partnership.models import SubjectModel, TenantModel

TEXT_MAX_LENGTH = 4000
SUBJECT_PATH_MAX_LENGTH = 500
SUBJECT_LABEL_MAX_LENGTH = 200
REASON_MAX_LENGTH = 2000


class Challenge(SubjectModel, TenantModel):
    """A question the scrutineer puts to a partner or an agency about a record or figure, and its answer."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESPONDED = "responded", "Responded"
        ACCEPTED = "accepted", "Response accepted"
        ESCALATED = "escalated", "Escalated to the board"
        CLOSED = "closed", "Closed"

    # The scrutineer weighs the answer (accepts it, or escalates to the partnership board), then closes the
    # challenge. Closed is final: its response deadline is cancelled by the kernel's state helper.
    ALLOWED_MOVES = {
        State.OPEN: frozenset({State.RESPONDED}),
        State.RESPONDED: frozenset({State.ACCEPTED, State.ESCALATED}),
        State.ACCEPTED: frozenset({State.CLOSED}),
        State.ESCALATED: frozenset({State.CLOSED}),
        State.CLOSED: frozenset(),
    }

    reference = models.CharField(max_length=20)
    raised_by = models.ForeignKey(
        "partnership.Membership", on_delete=models.PROTECT, related_name="+", help_text="The scrutineer."
    )
    agency = models.ForeignKey(
        "partnership.Agency", on_delete=models.PROTECT, related_name="+", help_text="The partner or agency asked."
    )
    # What is questioned: the path of its page within this partnership (``/p/<slug>/...``), and its name in words.
    subject_path = models.CharField(max_length=SUBJECT_PATH_MAX_LENGTH)
    subject_label = models.CharField(max_length=SUBJECT_LABEL_MAX_LENGTH)
    question = models.TextField(max_length=TEXT_MAX_LENGTH)
    raised_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField(help_text="When the answer is due.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    response = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    responded_by = models.ForeignKey(
        "partnership.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_on = models.DateField(null=True, blank=True)
    # Why the scrutineer took it to the partnership board (escalated only).
    escalation_reason = models.TextField(blank=True, max_length=REASON_MAX_LENGTH)
    outcome = models.TextField(blank=True, max_length=REASON_MAX_LENGTH, help_text="What closing it concluded.")
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = "scrutiny challenge"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="challenge_reference_once"),
        ]
        indexes = [models.Index(fields=["partnership", "state", "due_on"], name="challenge_state_due")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject_label}"
