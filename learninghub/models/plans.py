"""A hub cycle's delivery plan (seed 000, month 1): the data the hub starts from and the evidence it weighs.

The plan holds the current data and performance (indicators by period, entered or uploaded), the success and
impact measures, the statutory and other guidance the hub follows, and the evidence from earlier hubs, visits,
self-assessments, reviews and inspections (linked to those records where the product holds them). It is a draft
that changes as the hub works; a *version* is a snapshot saved at a moment (the month-1 version, the month-4
version, any number), never changed afterwards, so two can be set side by side.

The plan's ``updated_at`` moves with every change to anything in it: an edit made from an out-of-date page of
the plan is refused (the kernel's ``_version_check``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from learninghub.models.cycles import HubCycle
from partnership.models import Agency, Partnership, TenantModel


class DeliveryPlan(TenantModel):
    """The one delivery plan of a cycle, as it stands now (the draft)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(HubCycle, on_delete=models.CASCADE, related_name="delivery_plan")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "delivery plan"

    def __str__(self) -> str:
        return f"Delivery plan: {self.cycle}"[:200]


class PlanIndicator(TenantModel):
    """One figure of the current data: an indicator's value for one period (optionally for one agency)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(DeliveryPlan, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True, default="")
    period_label = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=18, decimal_places=4)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "delivery plan indicator"

    def __str__(self) -> str:
        return f"{self.name} ({self.period_label})"[:200]


class PlanItemKind(models.TextChoices):
    MEASURE = "measure", "Success and impact measure"
    GUIDANCE = "guidance", "Statutory and other guidance"
    EVIDENCE = "evidence", "Evidence"


class EvidenceSource(models.TextChoices):
    EARLIER_HUB = "earlier_hub", "Earlier hub"
    VISIT = "visit", "Visit"
    SELF_ASSESSMENT = "self_assessment", "Self-assessment"
    CASE_AUDIT = "case_audit", "Case audit"
    REVIEW = "review", "Review"
    INSPECTION = "inspection", "Inspection"
    OTHER = "other", "Other"


class PlanItem(TenantModel):
    """A success measure, a reference to guidance (title with a link or a citation), or a piece of evidence,
    linked where the product holds its record: an earlier hub cycle, a self-assessment, a case audit round."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(DeliveryPlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=12, choices=PlanItemKind.choices)
    source = models.CharField(max_length=20, choices=EvidenceSource.choices, blank=True, default="")
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True, default="")
    url = models.URLField(max_length=500, blank=True, default="")
    citation = models.CharField(max_length=300, blank=True, default="")
    earlier_cycle = models.ForeignKey(HubCycle, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    self_assessment = models.ForeignKey(
        "audits.SelfAssessmentCycle", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    audit_round = models.ForeignKey(
        "audits.AuditRound", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "id"]
        verbose_name = "delivery plan item"
        constraints = [
            # Only evidence has a source, and at most one linked record.
            models.CheckConstraint(
                condition=Q(kind="evidence") | Q(source=""), name="plan_item_source_only_for_evidence"
            ),
            models.CheckConstraint(
                condition=~Q(earlier_cycle__isnull=False, self_assessment__isnull=False)
                & ~Q(earlier_cycle__isnull=False, audit_round__isnull=False)
                & ~Q(self_assessment__isnull=False, audit_round__isnull=False),
                name="plan_item_at_most_one_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:200]


class PlanVersion(TenantModel):
    """A saved version of the plan: what it held at that moment (``content``), never changed afterwards."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(DeliveryPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=100)
    content = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now, editable=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        verbose_name = "delivery plan version"
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once")]

    def __str__(self) -> str:
        return f"Version {self.number}: {self.label}"[:200]
