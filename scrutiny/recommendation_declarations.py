"""Scrutiny's sources of recommendations, declared to the kernel: an activity of the scrutineer's annual plan.

Loaded by ``ScrutinyConfig.ready``. A recommendation the scrutineer raises from an activity names the activity as its
source; the register links back to the activity's page.
"""

from __future__ import annotations

from django.urls import reverse

from partnership.models.recommendations import RecommendationSource
from partnership.recommendation_sources import recommendation_source_register
from scrutiny.models import PlanActivity


def register() -> None:
    recommendation_source_register(
        kind=RecommendationSource.SCRUTINY_ACTIVITY,
        model=PlanActivity,
        url=lambda activity: reverse(
            "scrutiny:plan_activity", kwargs={"slug": activity.partnership.slug, "plan_activity_id": activity.pk}
        ),
        describe=lambda activity: f"Scrutiny plan {activity.plan.label}: {activity.title}",
        related=("partnership", "plan"),
    )
