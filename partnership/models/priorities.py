"""The partnership's priorities: what its board has chosen to improve over a period.

They belong to the partnership (the kernel), not to one app: the annual audit
programme links planned audits to them, and the learning hub works through
one priority per cycle.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from partnership.models import Partnership, StatutoryPartner, TenantModel


class Priority(TenantModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    # How the partnership will know it has worked (the hub's month 1 reviews them): one measure a line.
    success_measures = models.TextField(blank=True, max_length=4000)
    # The partner who leads the work on it ("" when the three lead it together).
    lead_partner = models.CharField(max_length=20, choices=StatutoryPartner.choices, blank=True, default="")
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_active", "position", "title"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "title"], name="priority_title_unique_per_partnership"),
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="priority_period_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        return str(self.start_year) if self.start_year == self.end_year else f"{self.start_year} to {self.end_year}"
