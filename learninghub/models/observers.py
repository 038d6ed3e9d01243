"""Observers: people of another partnership watching one hub cycle, read-only.

An observer holds the kernel's cross-partnership grant (``partnership.AccessGrant``): made by a business
manager of the host, for one person of a partnership in a collaboration with it, ending on a date, revocable,
recorded in history, and checked in force on every read (``partnership.sharing.grant_in_force_q``). This row
ties the grant to the cycle it opens, so the host lists a cycle's observers and an observer's page knows
which cycle it shows; it adds no way in of its own.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from learninghub.models.cycles import HubCycle
from partnership.models import AccessGrant, Partnership, TenantModel


class HubObserver(TenantModel):
    """One grant that lets one person of another partnership see one cycle's page (the host's row)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="observers")
    grant = models.OneToOneField(AccessGrant, on_delete=models.CASCADE, related_name="hub_observer")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "learning hub observer"

    def __str__(self) -> str:
        return f"Observer of {self.cycle_id}"
