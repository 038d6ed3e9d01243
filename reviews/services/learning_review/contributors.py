"""Contributors to a learning review: added, changed, removed; their comment deadlines and emails."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnership.models import Partnership, Person
from partnership.services import (
    _version_check,
    email_send_after_commit,
    tenant_create,
    tenant_delete,
    tenant_update,
)
from partnership.services.deadlines import deadline_cancel, deadline_set
from reviews.models import (
    Contributor,
    LearningReview,
)
from reviews.selectors.learning_review import (
    DEADLINE_COMMENTS,
    active_member,
)
from reviews.services.learning_review.common import (
    State,
    _access,
    _day,
    _lock,
    _reopen_deadline,
    _require,
    learning_review_url,
)

# --- Contributors --------------------------------------------------------------------------------------


def _lock_for_author(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview, what: str
) -> LearningReview:
    """The review, locked, once ``actor`` may see it and is its lead author or a business manager (final or not:
    the caller's state checks say what a final review refuses)."""
    review = _lock(partnership=partnership, learning_review=learning_review)
    access = _access(partnership=partnership, actor=actor, learning_review=review)
    _require(access.can_see, "No such learning review.")
    _require(
        access.is_business_manager or access.is_lead_author, f"Only the lead author or a business manager can {what}."
    )
    return review


def _require_manage(*, partnership: Partnership, actor: Person, review: LearningReview, what: str) -> None:
    access = _access(partnership=partnership, actor=actor, learning_review=review)
    _require(access.can_see, "No such learning review.")
    if review.state == State.FINAL:
        raise ValidationError("This review is final: it cannot change any more.", code="refused_move")
    _require(access.can_manage, f"Only the lead author or a business manager can {what}.")


def _comments_deadline_set(*, partnership: Partnership, review: LearningReview, contributor: Contributor) -> None:
    deadline_set(
        partnership=partnership,
        subject=contributor,
        kind=DEADLINE_COMMENTS,
        title=f"{review.reference}: comments on the draft outcomes form",
        due_on=review.comments_due_on,
        assignee=contributor.person,
    )
    _reopen_deadline(partnership=partnership, subject=contributor, kind=DEADLINE_COMMENTS)


def _circulation_email(*, review: LearningReview, actor: Person, person: Person, message: str = "") -> None:
    lines = [
        f"{actor} has circulated the draft Learning Review Outcomes Form of {review.reference} "
        f"({review.title}) for your comments by {_day(review.comments_due_on)}.",
        "You can comment on any section of the form, or on the form as a whole.",
    ]
    if message:
        lines.append(f"Message from {actor}: {message}")
    lines.append(
        f"Read the draft and comment: {settings.SITE_URL}{learning_review_url(review, 'learning_review_comments')}"
    )
    email_send_after_commit(
        subject=f"For comment by {_day(review.comments_due_on)}: draft outcomes form {review.reference}",
        body="\n\n".join(lines),
        to=[person.email],
    )


@transaction.atomic
def contributor_add(
    *,
    partnership: Partnership,
    actor: Person,
    learning_review: LearningReview,
    person: Person | None,
    attended_event: bool = False,
    unable_to_contribute: bool = False,
) -> Contributor:
    """Add a member of the partnership as a contributor (with their agency here).

    Guarantees: an active member, not already a contributor. Added while the
    draft is out for comment (and able to contribute), they are sent it too,
    with a comments deadline.
    """
    review = _lock(partnership=partnership, learning_review=learning_review)
    _require_manage(partnership=partnership, actor=actor, review=review, what="change the contributors")
    member = active_member(partnership=partnership, person_id=person.pk) if person is not None else None
    if member is None:
        raise ValidationError({"person": ["Choose an active member of this partnership."]})
    if Contributor.objects.filter(learning_review=review, person=person).exists():
        raise ValidationError({"person": [f"{person} is already a contributor to this review."]})
    try:
        with transaction.atomic():
            contributor = tenant_create(
                partnership=partnership,
                actor=actor,
                instance=Contributor(
                    partnership=partnership,
                    learning_review=review,
                    person=person,
                    agency=member.agency,
                    attended_event=attended_event,
                    unable_to_contribute=unable_to_contribute,
                ),
            )
    except IntegrityError as exc:  # added by someone else a moment ago
        raise ValidationError({"person": [f"{person} is already a contributor to this review."]}) from exc
    if review.state == State.OUT_FOR_COMMENT and not unable_to_contribute:
        _comments_deadline_set(partnership=partnership, review=review, contributor=contributor)
        _circulation_email(review=review, actor=actor, person=person)
    return contributor


@transaction.atomic
def contributor_update(
    *,
    partnership: Partnership,
    actor: Person,
    learning_review: LearningReview,
    contributor: Contributor,
    attended_event: bool,
    unable_to_contribute: bool,
    expected_updated_at: datetime | None = None,
) -> dict[str, dict[str, Any]]:
    """Record whether a contributor attended the practitioner event, or was unable to contribute.

    With ``expected_updated_at`` (every page and API call sends it), a change made from a read older
    than someone else's save is refused (code ``stale``) and nothing is written.
    """
    review = _lock(partnership=partnership, learning_review=learning_review)
    _require_manage(partnership=partnership, actor=actor, review=review, what="change the contributors")
    contributor = (
        Contributor.objects.in_partnership(partnership)
        .select_for_update()
        .get(pk=contributor.pk, learning_review=review)
    )
    _version_check(instance=contributor, expected_updated_at=expected_updated_at, what="this contributor")
    return tenant_update(
        partnership=partnership,
        actor=actor,
        instance=contributor,
        data={"attended_event": bool(attended_event), "unable_to_contribute": bool(unable_to_contribute)},
    )


@transaction.atomic
def contributor_remove(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview, contributor: Contributor
) -> None:
    """Remove a contributor; their comments stay (they were made), their comments deadline is cancelled."""
    review = _lock(partnership=partnership, learning_review=learning_review)
    _require_manage(partnership=partnership, actor=actor, review=review, what="change the contributors")
    contributor = Contributor.objects.in_partnership(partnership).get(pk=contributor.pk, learning_review=review)
    deadline_cancel(partnership=partnership, subject=contributor, kind=DEADLINE_COMMENTS)
    tenant_delete(partnership=partnership, actor=actor, instance=contributor)
