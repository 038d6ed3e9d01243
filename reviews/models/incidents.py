"""Serious incident notifications and the children they concern.

A child is shown everywhere by pseudonym ("Child A"). Name, date of birth and
address are encrypted at rest and shown only to business managers and partner
leads; each time they are shown, an ``IdentityView`` row records who and when.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from partnership.encryption import EncryptedTextField
from partnership.models import Agency, Person, TenantModel

MAX_CHILDREN_PER_INCIDENT = 4
# Working days the local authority has, from becoming aware, to notify the national Panel.
PANEL_NOTIFICATION_WORKING_DAYS = 5


class HarmOutcome(models.TextChoices):
    DEATH = "death", "Death"
    SERIOUS_HARM = "serious_harm", "Serious harm"


class SeriousIncident(TenantModel):
    """The local authority's notification to the Child Safeguarding Practice Review Panel."""

    partnership = models.ForeignKey(
        "partnership.Partnership", on_delete=models.CASCADE, related_name="serious_incidents"
    )
    # "SI-2026-004": how people refer to the case without naming anyone.
    reference = models.CharField(max_length=30)
    incident_on = models.DateField("Date of the incident")
    la_aware_on = models.DateField("Date the local authority became aware")
    panel_notified_on = models.DateField("Date the national Panel was notified")
    # Working days from becoming aware to notifying (more than 5 is late); computed on the partnership's calendar.
    notification_working_days = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField("Death or serious harm", max_length=20, choices=HarmOutcome.choices)
    child_looked_after = models.BooleanField("A looked-after child", default=False)
    # What happened, without identifying details (those belong on the child record, encrypted).
    summary = models.TextField(blank=True, max_length=5000)
    referring_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", help_text="The agency that made the referral."
    )
    agencies = models.ManyToManyField(Agency, related_name="+", blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-panel_notified_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="incident_reference_unique"),
            models.CheckConstraint(
                condition=models.Q(panel_notified_on__gte=models.F("la_aware_on")),
                name="incident_notified_after_aware",
            ),
            models.CheckConstraint(
                condition=models.Q(la_aware_on__gte=models.F("incident_on")),
                name="incident_aware_after_incident",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def notified_late(self) -> bool:
        return self.notification_working_days > PANEL_NOTIFICATION_WORKING_DAYS


class Child(TenantModel):
    """A child the incident concerns: a pseudonym for everyone, an identity for the few."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    incident = models.ForeignKey(SeriousIncident, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveSmallIntegerField()  # 1..4: Child A..D
    pseudonym = models.CharField(max_length=20)
    name = EncryptedTextField()
    date_of_birth = EncryptedTextField(blank=True)  # ISO date, encrypted like the rest
    address = EncryptedTextField(blank=True)
    # The version a correction form or API call read: a correction from an older read is refused.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["incident", "position"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(fields=["incident", "position"], name="child_position_unique"),
            models.UniqueConstraint(fields=["incident", "pseudonym"], name="child_pseudonym_unique"),
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=MAX_CHILDREN_PER_INCIDENT),
                name="at_most_four_children",
            ),
        ]

    def __str__(self) -> str:
        # The pseudonym, never the name: str() ends up in logs, history and admin lists.
        return self.pseudonym


class IdentityView(TenantModel):
    """Someone was shown a child's identity. Written before the page or API answer is sent."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="identity_views")
    viewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Where it was shown: "incident page", "API: incident", "rapid review PDF"...
    context = models.CharField(max_length=100)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["partnership", "-viewed_at"], name="identity_view_recent")]

    def __str__(self) -> str:
        return f"{self.viewer} saw {self.child} ({self.context})"
