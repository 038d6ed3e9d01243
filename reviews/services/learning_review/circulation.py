"""Circulating the draft for comment, taking it back, and contributors' comments."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.models import Partnership, Person
from partnership.services import (
    tenant_create,
)
from partnership.services.deadlines import deadline_cancel, deadline_meet
from reviews.models import (
    Contributor,
    LearningReview,
    OutcomeComment,
)
from reviews.selectors.learning_review import (
    COMMENT_SECTION_NAMES,
    DEADLINE_COMMENTS,
)
from reviews.services.learning_review.common import (
    ALLOWED_MOVES,
    State,
    _access,
    _day,
    _lock,
    _refusal,
    _require,
    _set_state,
    _text,
)
from reviews.services.learning_review.contributors import _circulation_email, _comments_deadline_set, _lock_for_author

# --- Circulation and comments ----------------------------------------------------------------------------


@transaction.atomic
def learning_review_circulate(
    *,
    partnership: Partnership,
    actor: Person,
    learning_review: LearningReview,
    comments_due_on: date | None,
    message: str = "",
    today: date | None = None,
) -> list[Contributor]:
    """The lead author (or a business manager) sends the draft to the contributors for comment by a date.

    Guarantees: only a draft; a due date not in the past; at least one
    contributor able to contribute; nothing written on refusal. Each such
    contributor gets an email and a comments deadline (``lr.comments``,
    reopened if an earlier round had closed it). Returns them.
    """
    today = today or timezone.localdate()
    review = _lock_for_author(
        partnership=partnership, actor=actor, learning_review=learning_review, what="circulate the draft"
    )
    if State.OUT_FOR_COMMENT not in ALLOWED_MOVES[review.state]:
        raise ValidationError(_refusal(review.state, State.OUT_FOR_COMMENT), code="refused_move")
    message = _text(message)
    errors: dict[str, list[str]] = {}
    if comments_due_on is None:
        errors["comments_due_on"] = ["Enter the date comments are due."]
    elif comments_due_on < today:
        errors["comments_due_on"] = ["The date comments are due cannot be in the past."]
    if len(message) > 2000:
        errors["message"] = [f"Use at most 2,000 characters (you used {len(message):,})."]
    recipients = list(
        Contributor.objects.in_partnership(partnership)
        .filter(learning_review=review, unable_to_contribute=False)
        .select_related("person")
        .order_by("person__full_name", "id")
    )
    if not recipients:
        errors.setdefault("comments_due_on", []).append(
            "Add the contributors first: nobody able to contribute would receive the draft."
        )
    if errors:
        raise ValidationError(errors)
    review = _set_state(
        partnership=partnership,
        actor=actor,
        learning_review=review,
        to=State.OUT_FOR_COMMENT,
        fields={"comments_due_on": comments_due_on},
        reason=f"Circulated to {len(recipients)} contributor(s) for comment by {_day(comments_due_on)}.",
    )
    for contributor in recipients:
        _comments_deadline_set(partnership=partnership, review=review, contributor=contributor)
        _circulation_email(review=review, actor=actor, person=contributor.person, message=message)
    return recipients


@transaction.atomic
def learning_review_take_back(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview, reason: str = ""
) -> LearningReview:
    """The author takes the draft back to work the comments in: comments close, open comment deadlines are cancelled."""
    review = _lock_for_author(
        partnership=partnership, actor=actor, learning_review=learning_review, what="take the draft back"
    )
    # The table also lets a review in planning move to drafting: that is starting to draft, not this.
    if review.state != State.OUT_FOR_COMMENT:
        raise ValidationError("The draft is not out for comment: there is nothing to take back.", code="refused_move")
    review = _set_state(
        partnership=partnership,
        actor=actor,
        learning_review=review,
        to=State.DRAFTING,
        reason=_text(reason)[:500] or "Comments taken back into the draft.",
    )
    for contributor in Contributor.objects.in_partnership(partnership).filter(learning_review=review):
        deadline_cancel(partnership=partnership, subject=contributor, kind=DEADLINE_COMMENTS)
    return review


@transaction.atomic
def outcome_comment_add(
    *,
    partnership: Partnership,
    actor: Person,
    learning_review: LearningReview,
    section: str,
    body: str,
    now: datetime | None = None,
) -> OutcomeComment:
    """A contributor comments on one section of the circulated draft, or on the form as a whole.

    Guarantees: only a contributor, only while the draft is out for comment; a
    known section; a comment of 1 to 5,000 characters. A comment after the due
    date is accepted and marked late (the author decides what to do with it:
    refusing it would lose what a practitioner took the trouble to write). The
    contributor's comments deadline is met.
    """
    now = now or timezone.now()
    review = _lock(partnership=partnership, learning_review=learning_review)
    access = _access(partnership=partnership, actor=actor, learning_review=review)
    _require(access.can_see, "No such learning review.")
    _require(access.is_contributor, "Only the review's contributors comment on the draft.")
    if review.state != State.OUT_FOR_COMMENT:
        raise ValidationError("The draft is not out for comment, so comments are closed.", code="refused_move")
    body = _text(body)
    errors: dict[str, list[str]] = {}
    if section not in COMMENT_SECTION_NAMES:
        errors["section"] = ["Choose a section of the form, or the form as a whole."]
    if not body:
        errors["body"] = ["Enter your comment."]
    elif len(body) > 5000:
        errors["body"] = [f"Use at most 5,000 characters (you used {len(body):,})."]
    if errors:
        raise ValidationError(errors)
    late = review.comments_due_on is not None and timezone.localdate(now) > review.comments_due_on
    comment = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=OutcomeComment(
            partnership=partnership,
            form=review.outcomes_form,
            author=actor,
            section=section,
            body=body,
            created_at=now,
            late=late,
        ),
    )
    contributor = Contributor.objects.in_partnership(partnership).get(learning_review=review, person=actor)
    deadline_meet(partnership=partnership, subject=contributor, kind=DEADLINE_COMMENTS)
    return comment
