"""Makers for recommendation tests, through the real services."""

from __future__ import annotations

from typing import Any

from partnership.models import SignOff
from partnership.models.recommendations import LearningTheme, Recommendation, RecommendationRound, RecommendationSource
from partnership.selectors.signoff import sign_off_for_subject
from partnership.services.learning_themes import learning_themes_seed
from partnership.services.recommendations import recommendation_create, recommendation_round_create
from partnership.services.signoff import sign_off_approve, sign_off_send_back
from reviews.models import LearningReview, OutcomesForm
from reviews.services import learning_review as review_services
from tests.factories import World
from tests.reviews.learning_review_factories import learning_review_make

ROWS = [
    {
        "action": "Health visitors follow up every missed appointment within 5 days.",
        "person_responsible": "ICB named nurse",
        "timeframe": "By March",
    },
    {
        "action": "Schools record the child's voice at every welfare meeting.",
        "person_responsible": "DSL forum chair",
        "timeframe": "6 months",
    },
    {
        "action": '=HYPERLINK("http://evil") escalate disputes within 48 hours.',
        "person_responsible": "-Board chair",
        "timeframe": "@once",
    },
]


def themes(world: World) -> list[LearningTheme]:
    learning_themes_seed(partnership=world.partnership)
    return list(LearningTheme.objects.in_partnership(world.partnership).order_by("name"))


def recommendation_make(world: World, **overrides: Any) -> Recommendation:
    values: dict[str, Any] = {
        "partnership": world.partnership,
        "actor": world.bm,
        "text": "Partners agree an escalation protocol for disputes about thresholds.",
        "rationale": "Disagreements went unresolved for months.",
        "lead_partner": "local_authority",
        "source_kind": RecommendationSource.OTHER,
        "source_description": "Board development day, June",
    }
    values.update(overrides)
    return recommendation_create(**values)


def round_make(world: World, *recommendations: Recommendation, title: str = "") -> RecommendationRound:
    recommendations = recommendations or (recommendation_make(world),)
    return recommendation_round_create(
        partnership=world.partnership, actor=world.bm, recommendation_ids=[r.pk for r in recommendations], title=title
    )


def round_sign_off(world: World, round_: RecommendationRound) -> SignOff:
    return sign_off_for_subject(partnership=world.partnership, subject=round_)


def all_three_approve(world: World, round_: RecommendationRound) -> SignOff:
    sign_off = round_sign_off(world, round_)
    for lead in (world.la_lead, world.health_lead, world.police_lead):
        sign_off = sign_off_approve(partnership=world.partnership, membership=lead, sign_off=sign_off)
    return sign_off


def send_back(world: World, round_: RecommendationRound, comment: str = "Make the timeframe measurable.") -> SignOff:
    return sign_off_send_back(
        partnership=world.partnership,
        membership=world.police_lead,
        sign_off=round_sign_off(world, round_),
        comment=comment,
    )


def final_review_with_rows(world: World, rows: list[dict] | None = None) -> LearningReview:
    review = learning_review_make(world)
    form = OutcomesForm.objects.get(learning_review=review)
    review_services.outcomes_form_update(
        partnership=world.partnership,
        actor=world.bm,
        learning_review=review,
        fields={"synopsis": "Synopsis.", "key_findings": "Findings."},
        recommendations=rows if rows is not None else ROWS,
        expected_updated_at=form.updated_at,
    )
    review_services.learning_review_start_drafting(
        partnership=world.partnership, actor=world.bm, learning_review=review
    )
    review_services.learning_review_finalise(partnership=world.partnership, actor=world.bm, learning_review=review)
    review.refresh_from_db()
    return review
