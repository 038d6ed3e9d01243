"""Scrutiny's source of recommendations, declared to the kernel: a challenge.

Loaded by ``ScrutinyConfig.ready``. A recommendation made from an accepted or escalated challenge names it as the
source; the register links back to the challenge's page.
"""

from __future__ import annotations

from partnership.models.recommendations import RecommendationSource
from partnership.recommendation_sources import recommendation_source_register
from scrutiny.models import Challenge


def register() -> None:
    from scrutiny.subjects import challenge_url

    recommendation_source_register(
        kind=RecommendationSource.SCRUTINY_CHALLENGE,
        model=Challenge,
        url=challenge_url,
        describe=lambda challenge: f"Scrutiny challenge {challenge.reference}: {challenge.subject_label}",
        related=("partnership",),
    )
