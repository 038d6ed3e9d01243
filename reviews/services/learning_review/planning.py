"""Opening a learning review (directly or from a rapid review decision), its plan and its deadlines,
and the start of drafting.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.models import HistoryEntry, Partnership, Person
from partnership.references import reference_next, reference_prefix
from partnership.services import (
    _version_check,
    email_send_after_commit,
    history_record,
    tenant_create,
    tenant_update,
)
from partnership.services.deadlines import deadline_meet, deadline_set
from reviews.models import (
    DecisionOutcome,
    LearningReview,
    Methodology,
    OutcomesForm,
    RapidReview,
)
from reviews.selectors.learning_review import (
    DEADLINE_INFORMATION,
    DEADLINE_REPORT,
    active_member,
)
from reviews.services.learning_review.common import (
    PLAN_FIELDS,
    State,
    _day,
    _length_errors,
    _refusal,
    _set_state,
    _text,
    learning_review_url,
)
from reviews.services.learning_review.contributors import _lock_for_author

# --- Opening and planning ---------------------------------------------------------------------------


def _plan_clean(
    *,
    partnership: Partnership,
    title: str,
    methodology: str,
    scope: str,
    key_lines_of_enquiry: str,
    information_due_on: date | None,
    report_due_on: date | None,
    lead_author: Person | None,
    practitioner_event_on: date | None,
    practitioner_event_details: str,
) -> dict[str, Any]:
    """The plan's values, checked; a ValidationError names every field that is wrong."""
    values = {
        "title": _text(title),
        "scope": _text(scope),
        "key_lines_of_enquiry": _text(key_lines_of_enquiry),
        "practitioner_event_details": _text(practitioner_event_details),
    }
    errors: dict[str, list[str]] = {}
    if not values["title"]:
        errors["title"] = ["Enter a title for the review (no names: it is shown wherever the review is listed)."]
    if methodology not in Methodology.values:
        errors["methodology"] = ["Choose one of the four methodologies."]
    if not values["scope"]:
        errors["scope"] = ["Enter the scope of the review."]
    if not values["key_lines_of_enquiry"]:
        errors["key_lines_of_enquiry"] = ["Enter the key lines of enquiry."]
    _length_errors(LearningReview, values, errors)
    if information_due_on is None:
        errors["information_due_on"] = ["Enter the date information gathering is due."]
    if report_due_on is None:
        errors["report_due_on"] = ["Enter the date the report is due."]
    if information_due_on and report_due_on and report_due_on < information_due_on:
        errors["report_due_on"] = [
            f"The report cannot be due ({_day(report_due_on)}) before information gathering ends "
            f"({_day(information_due_on)}). Give a report date on or after {_day(information_due_on)}."
        ]
    if lead_author is None:
        errors["lead_author"] = ["Choose the lead author."]
    elif active_member(partnership=partnership, person_id=lead_author.pk) is None:
        errors["lead_author"] = ["The lead author must be an active member of this partnership."]
    if errors:
        raise ValidationError(errors)
    return {
        **values,
        "methodology": methodology,
        "information_due_on": information_due_on,
        "report_due_on": report_due_on,
        "lead_author": lead_author,
        "practitioner_event_on": practitioner_event_on,
    }


def _next_reference(*, partnership: Partnership, year: int) -> str:
    """The next reference of the partnership's own series ("LR-2026-003" by default; the caller holds the lock)."""
    pattern = partnership.learning_review_reference_pattern
    taken = (
        LearningReview.objects.in_partnership(partnership)
        .filter(reference__istartswith=reference_prefix(pattern, year=year))
        .values_list("reference", flat=True)
    )
    return reference_next(pattern, year=year, taken=taken)


def _deadlines_set(*, partnership: Partnership, learning_review: LearningReview) -> None:
    deadline_set(
        partnership=partnership,
        subject=learning_review,
        kind=DEADLINE_INFORMATION,
        title=f"{learning_review.reference}: information gathering due",
        due_on=learning_review.information_due_on,
        assignee=None,
    )
    deadline_set(
        partnership=partnership,
        subject=learning_review,
        kind=DEADLINE_REPORT,
        title=f"{learning_review.reference}: outcomes form (report) due",
        due_on=learning_review.report_due_on,
        assignee=learning_review.lead_author,
    )


def _require_manager_of_partnership(*, partnership: Partnership, actor: Person) -> None:
    from partnership.models import Role

    member = active_member(partnership=partnership, person_id=actor.pk)
    if member is None or not member.roles.filter(role=Role.BUSINESS_MANAGER).exists():
        raise PermissionDenied("Only a business manager can open a learning review.")


@transaction.atomic
def learning_review_open(
    *,
    partnership: Partnership,
    actor: Person,
    methodology: str,
    title: str,
    scope: str,
    key_lines_of_enquiry: str,
    information_due_on: date | None,
    report_due_on: date | None,
    lead_author: Person | None,
    practitioner_event_on: date | None = None,
    practitioner_event_details: str = "",
    rapid_review: RapidReview | None = None,
) -> LearningReview:
    """Open a learning review (business managers), directly or from a rapid review.

    Guarantees: a methodology of the four, a title, scope and key lines of
    enquiry; information gathering due on or before the report (a clear
    message on ``report_due_on`` otherwise); the lead author an active member
    of this partnership; nothing written on refusal. Gives the review the next
    reference of the year ("LR-2026-003"), an empty outcomes form, history
    rows, and two deadlines: information gathering (business managers) and the
    report (the lead author), who is emailed after commit.
    """
    _require_manager_of_partnership(partnership=partnership, actor=actor)
    if rapid_review is not None and rapid_review.partnership_id != partnership.pk:
        raise ValidationError("That rapid review belongs to another partnership.")
    values = _plan_clean(
        partnership=partnership,
        title=title,
        methodology=methodology,
        scope=scope,
        key_lines_of_enquiry=key_lines_of_enquiry,
        information_due_on=information_due_on,
        report_due_on=report_due_on,
        lead_author=lead_author,
        practitioner_event_on=practitioner_event_on,
        practitioner_event_details=practitioner_event_details,
    )
    # One opening at a time per partnership, so two cannot take the same reference.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    review = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=LearningReview(
            partnership=partnership,
            reference=_next_reference(partnership=partnership, year=timezone.localdate().year),
            rapid_review=rapid_review,
            created_by=actor,
            **values,
        ),
    )
    form = OutcomesForm(partnership=partnership, learning_review=review, updated_by=actor)
    form.save()
    history_record(partnership=partnership, actor=actor, instance=form, action=HistoryEntry.Action.CREATED)
    _deadlines_set(partnership=partnership, learning_review=review)
    lead = review.lead_author
    email_send_after_commit(
        subject=f"You are the lead author of learning review {review.reference}",
        body="\n\n".join(
            [
                f"{actor} has opened learning review {review.reference} ({review.get_methodology_display()}) "
                f"in {partnership.name} and named you its lead author.",
                f"Information gathering is due by {_day(review.information_due_on)}; "
                f"the outcomes form by {_day(review.report_due_on)}.",
                f"The review: {settings.SITE_URL}{learning_review_url(review)}",
            ]
        ),
        to=[lead.email],
    )
    return review


@transaction.atomic
def learning_review_open_from_decision(
    *,
    partnership: Partnership,
    actor: Person,
    rapid_review: RapidReview,
    title: str,
    scope: str,
    key_lines_of_enquiry: str,
    information_due_on: date | None,
    report_due_on: date | None,
    lead_author: Person | None,
    practitioner_event_on: date | None = None,
    practitioner_event_details: str = "",
) -> LearningReview:
    """Open the learning review a rapid review decided on, with the methodology the decision chose.

    Guarantees (on top of ``learning_review_open``'s): the rapid review is this
    partnership's, its decision is "another learning review" and has been
    signed off by the three partners, and no learning review has been opened
    from it yet.
    """
    rapid_review = (
        RapidReview.objects.in_partnership(partnership)
        .select_for_update()
        .select_related("incident")
        .filter(pk=rapid_review.pk)
        .first()
    )
    if rapid_review is None:
        raise ValidationError("That rapid review belongs to another partnership.")
    decision = getattr(rapid_review, "decision", None)
    if decision is None or decision.outcome != DecisionOutcome.LEARNING_REVIEW:
        raise ValidationError(
            "The rapid review's decision is not another learning review, so none can be opened from it."
        )
    if rapid_review.state not in (RapidReview.State.SIGNED_OFF, RapidReview.State.SENT_TO_PANEL):
        raise ValidationError("The decision has not been signed off by the three partners yet.")
    existing = LearningReview.objects.in_partnership(partnership).filter(rapid_review=rapid_review).first()
    if existing is not None:
        raise ValidationError(f"Learning review {existing.reference} has already been opened from this rapid review.")
    return learning_review_open(
        partnership=partnership,
        actor=actor,
        methodology=decision.methodology,
        title=title,
        scope=scope,
        key_lines_of_enquiry=key_lines_of_enquiry,
        information_due_on=information_due_on,
        report_due_on=report_due_on,
        lead_author=lead_author,
        practitioner_event_on=practitioner_event_on,
        practitioner_event_details=practitioner_event_details,
        rapid_review=rapid_review,
    )


@transaction.atomic
def learning_review_update_plan(
    *,
    partnership: Partnership,
    actor: Person,
    learning_review: LearningReview,
    expected_updated_at: datetime | None = None,
    **plan: Any,
) -> dict[str, dict[str, Any]]:
    """Change the plan (the lead author or a business manager; not once final).

    ``plan`` holds any of ``PLAN_FIELDS``; those left out keep their values.
    The same checks as opening; a page read before the last change is refused
    (code ``stale``). Moving a date moves its deadline (and re-arms its
    reminder); a new lead author takes over the report deadline and is emailed.
    Returns the changes (empty when nothing changed).
    """
    unknown = set(plan) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown plan fields: {sorted(unknown)}")
    review = _lock_for_author(
        partnership=partnership, actor=actor, learning_review=learning_review, what="change the plan"
    )
    _version_check(instance=review, expected_updated_at=expected_updated_at, what="this learning review")
    if review.state == State.FINAL:
        raise ValidationError("This review is final: its plan cannot change any more.", code="refused_move")
    current = {name: getattr(review, name) for name in PLAN_FIELDS}
    values = _plan_clean(partnership=partnership, **{**current, **plan})
    previous_lead = review.lead_author
    changes = tenant_update(partnership=partnership, actor=actor, instance=review, data=values)
    if {"information_due_on", "report_due_on", "lead_author", "title"} & changes.keys():
        _deadlines_set(partnership=partnership, learning_review=review)
    if "lead_author" in changes and review.lead_author_id != previous_lead.pk:
        email_send_after_commit(
            subject=f"You are now the lead author of learning review {review.reference}",
            body="\n\n".join(
                [
                    f"{actor} has named you lead author of learning review {review.reference} in {partnership.name}.",
                    f"The outcomes form is due by {_day(review.report_due_on)}.",
                    f"The review: {settings.SITE_URL}{learning_review_url(review)}",
                ]
            ),
            to=[review.lead_author.email],
        )
    return changes


@transaction.atomic
def learning_review_start_drafting(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview
) -> LearningReview:
    """Planning and information gathering are over: the lead author drafts the outcomes form.

    Meets the information gathering deadline.
    """
    review = _lock_for_author(
        partnership=partnership, actor=actor, learning_review=learning_review, what="move the review on"
    )
    # The table also lets a draft out for comment come back to drafting: that is taking it back, not this.
    if review.state != State.PLANNING:
        raise ValidationError(
            "Drafting has already started." if review.state != State.FINAL else _refusal(review.state, State.DRAFTING),
            code="refused_move",
        )
    review = _set_state(
        partnership=partnership, actor=actor, learning_review=review, to=State.DRAFTING, reason="Drafting started."
    )
    deadline_meet(partnership=partnership, subject=review, kind=DEADLINE_INFORMATION)
    return review
