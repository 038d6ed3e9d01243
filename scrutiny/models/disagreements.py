"""Professional disagreements between agencies (issue 17, item 7).

When a practitioner of one agency disagrees with another agency's decision about a child (a threshold, a referral
turned down, a plan closed), the partnership's escalation procedure takes it up stage by stage: between the
practitioners, then their managers, then senior managers, and last to the independent scrutineer. Each escalation
is dated with a note (``DisagreementEscalation``), and the disagreement ends resolved, with the outcome and what
the partnership learnt. Scrutiny counts them by stage and how long they have been open.

No child's identity is kept: the subject is a summary in the agencies' words, with no field for a name, and the
summary refuses what looks like a date of birth or an NHS number (``no_child_identifiers``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from partnership.models import TenantModel

# A date (12/03/2015, 12-3-15) or a ten-digit number (an NHS number, spaced or not): what identifies a child.
_DATE_LIKE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_NHS_NUMBER_LIKE = re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b")
SUMMARY_HELP = (
    "What the agencies disagree about, without the child's name, date of birth, address or NHS number: "
    "say “Child A” or describe the decision."
)


def no_child_identifiers(value: str) -> None:
    """Refuse a summary carrying a date (of birth) or an NHS number: scrutiny pages never show a child's identity."""
    if _DATE_LIKE.search(value or "") or _NHS_NUMBER_LIKE.search(value or ""):
        raise ValidationError(
            "Take out the date or number: the summary must not identify the child (no date of birth or NHS number).",
            code="identifying",
        )


class DisagreementStage(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    SCRUTINEER = "scrutineer", "Independent scrutineer"


# The escalation procedure's order: a disagreement only moves up, one stage or more at a time.
STAGE_ORDER: tuple[str, ...] = tuple(DisagreementStage.values)


class ProfessionalDisagreement(TenantModel):
    """A disagreement one agency raised with another, at the stage it has reached."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    ALLOWED_MOVES = {
        State.OPEN: frozenset({State.RESOLVED}),
        State.RESOLVED: frozenset(),
    }

    raised_by_agency = models.ForeignKey("partnership.Agency", on_delete=models.PROTECT, related_name="+")
    with_agency = models.ForeignKey("partnership.Agency", on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField()
    subject_summary = models.TextField(max_length=2000, help_text=SUMMARY_HELP, validators=[no_child_identifiers])
    stage = models.CharField(max_length=20, choices=DisagreementStage.choices, default=DisagreementStage.PRACTITIONER)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    resolved_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True, max_length=4000)
    learning = models.TextField(blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = "professional disagreement"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(raised_by_agency=models.F("with_agency")),
                name="disagreement_between_two_agencies",
            ),
            models.CheckConstraint(
                condition=models.Q(state="open", resolved_on__isnull=True)
                | models.Q(state="resolved", resolved_on__isnull=False),
                name="disagreement_resolved_on_when_resolved",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "state", "stage"], name="disagreement_by_stage")]

    def __str__(self) -> str:
        return f"Disagreement {self.pk}: {self.raised_by_agency_id} with {self.with_agency_id}"


class DisagreementEscalation(TenantModel):
    """One move up the stages: when, from which stage to which, and why."""

    disagreement = models.ForeignKey(ProfessionalDisagreement, on_delete=models.CASCADE, related_name="escalations")
    from_stage = models.CharField(max_length=20, choices=DisagreementStage.choices)
    to_stage = models.CharField(max_length=20, choices=DisagreementStage.choices)
    escalated_on = models.DateField()
    note = models.TextField(max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["escalated_on", "id"]
        verbose_name = "escalation"

    def __str__(self) -> str:
        return f"To {self.get_to_stage_display()} on {self.escalated_on:%Y-%m-%d}"
