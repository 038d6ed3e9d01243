"""Recommendations declared as learning records (tagged with themes, listed on the theme page, disseminated).

Loaded by ``PartnershipConfig.ready``; the reviews declare their own records the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from partnership.learning_records import LearningRecord, learning_record_register
from partnership.models import Membership, Partnership
from partnership.models.recommendations import Recommendation
from partnership.selectors.recommendation_access import recommendations_readable_by


def _load(partnership: Partnership, membership: Membership, ids: Iterable[int]) -> dict[int, LearningRecord]:
    if not recommendations_readable_by(membership):
        return {}
    return {
        r.pk: LearningRecord(
            title=f"{r.reference}: {r.text[:120]}",
            url=reverse(
                "partnership:recommendation_detail", kwargs={"slug": partnership.slug, "recommendation_id": r.pk}
            ),
            on=timezone.localdate(r.created_at),
            state_label=r.get_state_display(),
        )
        for r in Recommendation.objects.in_partnership(partnership).filter(pk__in=list(ids))
    }


learning_record_register(
    key="recommendation",
    model=Recommendation,
    label="Recommendations",
    load=_load,
    readable_by=recommendations_readable_by,
)
