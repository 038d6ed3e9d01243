"""The reviews' part in recommendations: an outcomes form's SMART rows proposed in one step; reviews' themes.

Everything here goes through the kernel's services (``recommendation_create``,
``recommendation_round_create``, ``theme_tags_set``): the reviews decide only
what is theirs to decide (who may, from which rows, in which state).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.models import Partnership, Person, Role, StatutoryPartner
from partnership.models.recommendations import Recommendation, RecommendationRound, RecommendationSource
from partnership.services.learning_themes import theme_tags_set
from partnership.services.recommendations import recommendation_create, recommendation_round_create
from partnership.services.states import REFUSED_MOVE
from reviews.models import LearningReview, OutcomeRecommendation, OutcomesForm, RapidReview
from reviews.selectors.learning_review import learning_review_access_for_person
from reviews.selectors.recommendations import outcomes_rows_with_recommendations


def _require_business_manager(*, partnership: Partnership, actor: Person, review: LearningReview) -> None:
    access = learning_review_access_for_person(partnership=partnership, person=actor, learning_review=review)
    if not access.is_business_manager:
        raise ValidationError("Only a business manager can do this.", code="not_business_manager")


def row_rationale(row: OutcomeRecommendation) -> str:
    """What the SMART row says beyond its action: who is responsible, by when."""
    parts = []
    if row.person_responsible.strip():
        parts.append(f"Person responsible: {row.person_responsible.strip()}.")
    if row.timeframe.strip():
        parts.append(f"Timeframe: {row.timeframe.strip()}.")
    return " ".join(parts)


@transaction.atomic
def outcomes_form_recommendations_propose(
    *,
    partnership: Partnership,
    actor: Person,
    learning_review: LearningReview,
    rows: Mapping[int, Mapping],
    title: str = "",
) -> RecommendationRound | None:
    """Turn the final outcomes form's rows not yet converted into recommendations, put to the partners as one round.

    ``rows``: for each row id, ``{"lead_partner": ..., "theme_ids": [...]}``.
    Every row not yet converted needs its lead partner (field ``row-<id>-lead_partner``);
    a row id that is not this form's (another review's, another partnership's)
    is refused like a missing one. Rows already converted are skipped, so a
    double submit makes nothing twice: it returns None when nothing was left.
    Each recommendation's text is the row's action, its rationale the person
    responsible and timeframe, its source the row.
    """
    if learning_review.partnership_id != partnership.pk:
        raise ValueError("Only this partnership's own reviews.")
    _require_business_manager(partnership=partnership, actor=actor, review=learning_review)
    if learning_review.state != LearningReview.State.FINAL:
        raise ValidationError(
            "The outcomes form's recommendations can be proposed once the form is final.", code=REFUSED_MOVE
        )
    # Two submits of the same page queue here: the second finds the rows converted by the first.
    OutcomesForm.objects.in_partnership(partnership).select_for_update().filter(learning_review=learning_review).first()
    all_rows = outcomes_rows_with_recommendations(partnership=partnership, learning_review=learning_review)
    known = {r.row.pk for r in all_rows}
    foreign = [row_id for row_id in rows if row_id not in known]
    if foreign:
        raise ValidationError({"rows": ["One of the rows is not a recommendation of this outcomes form."]})
    pending = [r.row for r in all_rows if not r.converted]
    if not pending:
        return None
    errors: dict[str, list[str]] = {}
    for row in pending:
        lead = (rows.get(row.pk) or {}).get("lead_partner", "")
        if lead not in StatutoryPartner.values:
            errors[f"row-{row.pk}-lead_partner"] = [f"Choose the partner who leads recommendation {row.position}."]
    if errors:
        raise ValidationError(errors)
    made: list[Recommendation] = []
    for row in pending:
        choice = rows[row.pk]
        try:
            made.append(
                recommendation_create(
                    partnership=partnership,
                    actor=actor,
                    text=row.action,
                    rationale=row_rationale(row),
                    lead_partner=choice["lead_partner"],
                    source_kind=RecommendationSource.OUTCOMES_FORM,
                    source_id=row.pk,
                    theme_ids=choice.get("theme_ids") or (),
                )
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"row-{row.pk}-{name}": messages for name, messages in exc.message_dict.items()}
            ) from exc
    return recommendation_round_create(
        partnership=partnership,
        actor=actor,
        recommendation_ids=[r.pk for r in made],
        title=title or f"{learning_review.reference}: recommendations of the outcomes form",
    )


def _require_role(*, partnership: Partnership, actor: Person) -> None:
    from partnership.models import Membership

    membership = (
        Membership.objects.in_partnership(partnership)
        .filter(person=actor, is_active=True)
        .prefetch_related("roles")
        .first()
    )
    if membership is None or not membership.has_role(Role.BUSINESS_MANAGER):
        raise ValidationError("Only a business manager tags reviews with learning themes.", code="not_business_manager")


@transaction.atomic
def learning_review_themes_set(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview, theme_ids: Iterable
) -> list:
    """Tag a learning review's themes (business managers), through the kernel's tags."""
    _require_role(partnership=partnership, actor=actor)
    return theme_tags_set(partnership=partnership, actor=actor, record=learning_review, theme_ids=theme_ids)


@transaction.atomic
def rapid_review_themes_set(
    *, partnership: Partnership, actor: Person, rapid_review: RapidReview, theme_ids: Sequence
) -> list:
    """Tag a rapid review's themes (business managers), through the kernel's tags."""
    _require_role(partnership=partnership, actor=actor)
    return theme_tags_set(partnership=partnership, actor=actor, record=rapid_review, theme_ids=theme_ids)
