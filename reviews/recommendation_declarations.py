"""The reviews' sources of recommendations and their learning records, declared to the kernel.

Loaded by ``ReviewsConfig.ready``. A learning review's recommendations come
from its outcomes form's SMART rows (each row linked to the recommendation
made from it); a rapid review's from its decision. Learning reviews and rapid
reviews are tagged with learning themes and listed on the theme pages, each
only for those who may see it (``reviews.selectors``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from partnership.learning_records import LearningRecord, learning_record_register
from partnership.models import Membership, Partnership
from partnership.models.recommendations import RecommendationSource
from partnership.recommendation_sources import recommendation_source_register
from reviews.models import LearningReview, OutcomeRecommendation, RapidReview, RapidReviewDecision
from reviews.selectors.learning_review import learning_review_list
from reviews.selectors.rapid_review import RAPID_REVIEW_READ_ROLES


def _learning_review_url(*, slug: str, learning_review_id: int) -> str:
    return reverse("reviews:learning_review_detail", kwargs={"slug": slug, "learning_review_id": learning_review_id})


def _decision_url(*, slug: str, rapid_review_id: int) -> str:
    return reverse("reviews:rapid_review_decision", kwargs={"slug": slug, "rapid_review_id": rapid_review_id})


def _outcomes_row_description(row: OutcomeRecommendation) -> str:
    review = row.form.learning_review
    return f"{review.reference}: {review.title}, outcomes form recommendation {row.position}"


def _load_learning_reviews(
    partnership: Partnership, membership: Membership, ids: Iterable[int]
) -> dict[int, LearningRecord]:
    reviews = learning_review_list(partnership=partnership, membership=membership).filter(pk__in=list(ids))
    return {
        r.pk: LearningRecord(
            title=f"{r.reference}: {r.title}",
            url=_learning_review_url(slug=partnership.slug, learning_review_id=r.pk),
            on=timezone.localdate(r.finalised_at or r.created_at),
            state_label=r.get_state_display(),
        )
        for r in reviews
    }


def _load_rapid_reviews(
    partnership: Partnership, membership: Membership, ids: Iterable[int]
) -> dict[int, LearningRecord]:
    if not membership.has_role(*RAPID_REVIEW_READ_ROLES):
        return {}
    reviews = RapidReview.objects.in_partnership(partnership).filter(pk__in=list(ids)).select_related("incident")
    return {
        r.pk: LearningRecord(
            title=f"Rapid review {r.incident.reference}",
            url=reverse("reviews:rapid_review_detail", kwargs={"slug": partnership.slug, "rapid_review_id": r.pk}),
            on=r.incident.panel_notified_on,
            state_label=r.get_state_display(),
        )
        for r in reviews
    }


def register() -> None:
    recommendation_source_register(
        kind=RecommendationSource.OUTCOMES_FORM,
        model=OutcomeRecommendation,
        url=lambda row: _learning_review_url(slug=row.partnership.slug, learning_review_id=row.form.learning_review_id),
        describe=_outcomes_row_description,
        related=("partnership", "form__learning_review"),
    )
    recommendation_source_register(
        kind=RecommendationSource.RAPID_REVIEW_DECISION,
        model=RapidReviewDecision,
        url=lambda decision: _decision_url(slug=decision.partnership.slug, rapid_review_id=decision.rapid_review_id),
        describe=str,
        related=("partnership", "rapid_review__incident"),
    )
    learning_record_register(
        key="learning_review",
        model=LearningReview,
        label="Learning reviews",
        load=_load_learning_reviews,
        # Everyone may be a lead author or contributor; the loader keeps to the reviews the member sees.
        readable_by=lambda membership: membership.is_active,
    )
    learning_record_register(
        key="rapid_review",
        model=RapidReview,
        label="Rapid reviews",
        load=_load_rapid_reviews,
        readable_by=lambda membership: membership.is_active and membership.has_role(*RAPID_REVIEW_READ_ROLES),
    )
