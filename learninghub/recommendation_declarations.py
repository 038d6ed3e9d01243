"""The hub's source of recommendations, declared to the kernel: a learning hub cycle.

Loaded by ``LearningHubConfig.ready``. A draft the hub agrees becomes a kernel recommendation naming its cycle as
the source; the register links back to the cycle's findings.
"""

from __future__ import annotations

from django.urls import reverse

from learninghub.models import HubCycle
from partnership.models.recommendations import RecommendationSource
from partnership.recommendation_sources import recommendation_source_register


def register() -> None:
    recommendation_source_register(
        kind=RecommendationSource.HUB_CYCLE,
        model=HubCycle,
        url=lambda cycle: reverse(
            "learninghub:cycle_findings", kwargs={"slug": cycle.partnership.slug, "hub_cycle_id": cycle.pk}
        ),
        describe=lambda cycle: f"Learning hub: {cycle.title}",
        related=("partnership",),
    )
