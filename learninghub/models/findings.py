"""What a cycle found and what it asks the partners to change (months 2 and 4, and the impact review).

- ``HubAuditLink``: a case audit round (``audits``) the cycle commissioned from month 2; its grades and findings
  are read through the audits' own selectors.
- ``HubFinding``: what the hub found, under one of the partnership's learning themes.
- ``HubDraftRecommendation``: a recommendation the hub drafts in month 4. Agreeing it makes it a kernel
  recommendation (source: this cycle) put to the three partners' sign-off; the draft keeps the link.
- ``HubMeasure``: one of the priority's success measures with its value when the cycle started and at the
  impact review, so the review compares them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from learninghub.models.cycles import HubCycle
from partnership.models import StatutoryPartner, TenantModel


class HubAuditLink(TenantModel):
    """A case audit round commissioned by a cycle (created from it, or an existing round linked to it)."""

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="audit_links")
    audit_round = models.ForeignKey("audits.AuditRound", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "learning hub audit"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "audit_round"], name="hub_audit_round_once_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"Audit {self.audit_round_id} of cycle {self.cycle_id}"


class HubFinding(TenantModel):
    """One thing the hub found, under a learning theme."""

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="findings")
    theme = models.ForeignKey("partnership.LearningTheme", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "learning hub finding"

    def __str__(self) -> str:
        return self.text[:100]


class HubDraftRecommendation(TenantModel):
    """A recommendation the hub drafted; agreed, it becomes the kernel's ``Recommendation`` it points at."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed by the hub"
        DROPPED = "dropped", "Dropped"

    # Agreed is final: from then on the kernel's recommendation carries it (sign-off, action plan).
    ALLOWED_MOVES = {
        State.DRAFT: frozenset({State.AGREED, State.DROPPED}),
        State.DROPPED: frozenset({State.DRAFT}),
        State.AGREED: frozenset(),
    }

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="draft_recommendations")
    text = models.TextField(max_length=4000)
    rationale = models.TextField(blank=True, max_length=4000)
    lead_partner = models.CharField(max_length=20, choices=StatutoryPartner.choices)
    theme = models.ForeignKey(
        "partnership.LearningTheme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    recommendation = models.ForeignKey(
        "partnership.Recommendation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "draft recommendation"

    def __str__(self) -> str:
        return self.text[:100]


class HubMeasure(TenantModel):
    """A success measure of the cycle's priority: its value at the start and at the impact review."""

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=40, blank=True)
    value_at_start = models.DecimalField(max_digits=14, decimal_places=2)
    value_at_review = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Whether a higher value is better ("fewer repeat missing episodes": no).
    higher_is_better = models.BooleanField(default=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "learning hub success measure"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="hub_measure_name_once_per_cycle"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def change(self):
        return None if self.value_at_review is None else self.value_at_review - self.value_at_start

    @property
    def improved(self) -> bool | None:
        change = self.change
        if change is None or change == 0:
            return None
        return (change > 0) == self.higher_is_better
