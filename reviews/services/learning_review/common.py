"""What the learning review's services share: the state move (``_set_state``), locks, access checks,
the plan's and the recommendations' vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from partnership.models import Deadline, Partnership, Person
from partnership.services.states import state_move
from reviews.models import (
    LearningReview,
)
from reviews.selectors.learning_review import (
    LearningReviewAccess,
    learning_review_access_for_person,
)

State = LearningReview.State

# The model's table (LearningReview.ALLOWED_MOVES), named here for the checks made before a move.
ALLOWED_MOVES = LearningReview.ALLOWED_MOVES

MAX_RECOMMENDATIONS = 50
RECOMMENDATION_COLUMNS = ("action", "person_responsible", "timeframe")
RECOMMENDATION_LABELS = {
    "action": "the action",
    "person_responsible": "the person responsible",
    "timeframe": "the timeframe",
}
PLAN_FIELDS = (
    "title",
    "methodology",
    "scope",
    "key_lines_of_enquiry",
    "information_due_on",
    "report_due_on",
    "lead_author",
    "practitioner_event_on",
    "practitioner_event_details",
)


# --- Helpers ---------------------------------------------------------------------------------------


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def learning_review_url(learning_review: LearningReview, name: str = "learning_review_detail") -> str:
    """A path of one of the review's pages (for deadlines and emails)."""
    return reverse(
        f"reviews:{name}",
        kwargs={"slug": learning_review.partnership.slug, "learning_review_id": learning_review.pk},
    )


def _lock(*, partnership: Partnership, learning_review: LearningReview) -> LearningReview:
    return (
        LearningReview.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("partnership", "lead_author")
        .get(pk=learning_review.pk)
    )


def _access(*, partnership: Partnership, actor: Person, learning_review: LearningReview) -> LearningReviewAccess:
    return learning_review_access_for_person(partnership=partnership, person=actor, learning_review=learning_review)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _refusal(current: str, to: str) -> str:
    if current == State.FINAL:
        return "This review is final: it cannot change any more."
    if to == State.OUT_FOR_COMMENT:
        if current == State.OUT_FOR_COMMENT:
            return "The draft is already with contributors for comment."
        return "Only a draft can be circulated for comment: start drafting first."
    if to == State.FINAL:
        if current == State.OUT_FOR_COMMENT:
            return "The draft is with contributors for comment: take their comments back before finalising."
        return "Only a draft can be finalised: start drafting first."
    if to == State.DRAFTING and current == State.DRAFTING:
        return "The review is already being drafted."
    return f"A review that is {State(current).label.lower()} cannot become {State(to).label.lower()}."


def _set_state(
    *,
    partnership: Partnership,
    actor: Person | None,
    learning_review: LearningReview,
    to: str,
    fields: Mapping[str, Any] | None = None,
    reason: str = "",
) -> LearningReview:
    """Move a locked review to ``to`` if ``ALLOWED_MOVES`` allows it, with ``fields``, and one history row."""
    return state_move(
        partnership=partnership,
        actor=actor,
        instance=learning_review,
        to=to,
        refusal=_refusal,
        fields=fields,
        reason=reason,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).replace("\r\n", "\n").strip()


def _length_errors(model, values: Mapping[str, str], errors: dict[str, list[str]]) -> None:
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if limit and len(value) > limit:
            errors.setdefault(name, []).append(f"Use at most {limit:,} characters (you used {len(value):,}).")


def _reopen_deadline(*, partnership: Partnership, subject, kind: str) -> None:
    """Open a met or cancelled deadline again: ``deadline_set`` keeps a deadline's state when its date moves,
    but a draft circulated again is owed comments again (and can be reminded and breached again)."""
    Deadline.objects.in_partnership(partnership).filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, kind=kind
    ).exclude(state=Deadline.State.OPEN).update(
        state=Deadline.State.OPEN, met_at=None, breached_at=None, updated_at=timezone.now()
    )
