"""What the reviews' pages show of the recommendations made from them (fixed queries, whatever their number)."""

from __future__ import annotations

from dataclasses import dataclass, field

from partnership.models import Partnership
from partnership.models.recommendations import Recommendation
from partnership.selectors.recommendations import disseminations_of, recommendations_for_sources, themes_with_tagged
from reviews.models import LearningReview, OutcomeRecommendation, RapidReview, RapidReviewDecision
from reviews.selectors.learning_review import children_redactor, outcome_rows_pseudonymise


@dataclass
class OutcomesRow:
    row: OutcomeRecommendation
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def converted(self) -> bool:
        return bool(self.recommendations)


def outcomes_rows_with_recommendations(
    *, partnership: Partnership, learning_review: LearningReview, pseudonymised: bool = False
) -> list[OutcomesRow]:
    """The outcomes form's SMART rows, each with the recommendations made from it (two queries).

    ``pseudonymised``: the rows as the scrutineer reads them, like the form (one more query).
    """
    rows = list(
        OutcomeRecommendation.objects.in_partnership(partnership)
        .filter(form__learning_review=learning_review)
        .order_by("position", "id")
    )
    if pseudonymised and rows:
        outcome_rows_pseudonymise(
            rows=rows, redactor=children_redactor(partnership=partnership, learning_review=learning_review)
        )
    made = recommendations_for_sources(
        partnership=partnership, model=OutcomeRecommendation, source_ids=[r.pk for r in rows]
    )
    return [OutcomesRow(row=r, recommendations=made.get(r.pk, [])) for r in rows]


@dataclass
class LearningOfSource:
    """A review's recommendations, themes and disseminations, as its page lists them."""

    recommendations: list[Recommendation]
    # The whole taxonomy, each theme with ``tagged``; ``themes`` are those tagged on the review.
    all_themes: list
    disseminations: list

    @property
    def themes(self) -> list:
        return [t for t in self.all_themes if t.tagged]


def learning_of_learning_review(*, partnership: Partnership, learning_review: LearningReview) -> LearningOfSource:
    """Three queries (four with files): the recommendations (the form's rows in a subquery), themes, disseminations."""
    rows = OutcomeRecommendation.objects.in_partnership(partnership).filter(form__learning_review=learning_review)
    made = recommendations_for_sources(
        partnership=partnership, model=OutcomeRecommendation, source_ids=rows.values("pk")
    )
    return LearningOfSource(
        recommendations=sorted((r for rs in made.values() for r in rs), key=lambda r: r.reference),
        all_themes=themes_with_tagged(partnership=partnership, record=learning_review),
        disseminations=disseminations_of(partnership=partnership, source=learning_review),
    )


def learning_of_rapid_review(
    *, partnership: Partnership, rapid_review: RapidReview, decision: RapidReviewDecision | None
) -> LearningOfSource:
    made = (
        recommendations_for_sources(partnership=partnership, model=RapidReviewDecision, source_ids=[decision.pk])
        if decision is not None
        else {}
    )
    return LearningOfSource(
        recommendations=sorted((r for rs in made.values() for r in rs), key=lambda r: r.reference),
        all_themes=themes_with_tagged(partnership=partnership, record=rapid_review),
        disseminations=disseminations_of(partnership=partnership, source=rapid_review),
    )
