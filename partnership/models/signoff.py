"""Three-partner sign-off: the local authority, health and police leads each approve.

Reusable by anything that needs it (rapid-review decisions now,
recommendations later): the thing signed off is a generic ``subject``.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone

from partnership.models import Person, StatutoryPartner, TenantModel


class SignOff(TenantModel):
    """The sign-off of one subject. Complete only when all three partners have approved the current round.

    A send-back by any partner ends the round; when the subject is resubmitted
    a new round starts and every partner approves again.
    """

    class State(models.TextChoices):
        AWAITING = "awaiting", "Awaiting sign-off"
        SENT_BACK = "sent_back", "Sent back"
        APPROVED = "approved", "Signed off by all three partners"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="sign_offs")
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    state = models.CharField(max_length=10, choices=State.choices, default=State.AWAITING)
    round = models.PositiveSmallIntegerField(default=1)
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "subject_type", "subject_id"], name="one_sign_off_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"Sign-off of {self.subject_type.model} {self.subject_id}"


class SignOffAction(TenantModel):
    """One partner lead's approval or send-back, in one round. Never edited: this is the history."""

    class Action(models.TextChoices):
        REQUESTED = "requested", "Requested sign-off"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    sign_off = models.ForeignKey(SignOff, on_delete=models.CASCADE, related_name="actions")
    round = models.PositiveSmallIntegerField()
    # Empty for "requested", which the business manager does for all three.
    partner = models.CharField(max_length=20, choices=StatutoryPartner.choices, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    comment = models.TextField(blank=True, max_length=4000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # A partner decides once per round: a second click (or two tabs) cannot approve twice.
            models.UniqueConstraint(
                fields=["sign_off", "round", "partner"],
                condition=models.Q(action__in=["approved", "sent_back"]),
                name="one_decision_per_partner_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.partner or 'business manager'}, round {self.round})"
