"""Scrutiny's sources of recommendations, declared to the kernel: a challenge, and an activity of the scrutineer's
annual plan.

Loaded by ``ScrutinyConfig.ready``. A recommendation made from an accepted or escalated challenge, or raised by the
scrutineer from an activity, names it as the source; the register links back to its page.
"""

from __future__ import annotations

from django.urls import reverse

from partnership.models.recommendations import RecommendationSource
from partnership.recommendation_sources import recommendation_source_register
from scrutiny.models import Challenge, PlanActivity


def register() -> None:
    from scrutiny.subjects import challenge_url

    recommendation_source_register(
        kind=RecommendationSource.SCRUTINY_CHALLENGE,
        model=Challenge,
        url=challenge_url,
        describe=lambda challenge: f"Scrutiny challenge {challenge.reference}: {challenge.subject_label}",
        related=("partnership",),
    )
    recommendation_source_register(
        kind=RecommendationSource.SCRUTINY_ACTIVITY,
        model=PlanActivity,
        url=lambda activity: reverse(
            "scrutiny:plan_activity", kwargs={"slug": activity.partnership.slug, "plan_activity_id": activity.pk}
        ),
        describe=lambda activity: f"Scrutiny plan {activity.plan.label}: {activity.title}",
        related=("partnership", "plan"),
    )
