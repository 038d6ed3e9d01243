"""The audits' source of recommendations, declared to the kernel: a case audit round.

Loaded by ``AuditsConfig.ready``. A finding raised as a recommendation names
its round as the source; the register links back to the round's findings.
"""

from __future__ import annotations

from django.urls import reverse

from audits.models import AuditRound
from partnership.models.recommendations import RecommendationSource
from partnership.recommendation_sources import recommendation_source_register


def register() -> None:
    recommendation_source_register(
        kind=RecommendationSource.AUDIT_ROUND,
        model=AuditRound,
        url=lambda audit_round: reverse(
            "audits:round_findings", kwargs={"slug": audit_round.partnership.slug, "audit_round_id": audit_round.pk}
        ),
        describe=lambda audit_round: f"Case audit: {audit_round.title}",
        related=("partnership",),
    )
