"""Writes of learning reviews (seed 003): planning, the outcomes form, circulation for comment, finalising,
the publication decision and the documents.

A review moves only through ``_set_state`` and its table ``ALLOWED_MOVES``::

    planning ──start drafting──▶ drafting ──circulate──▶ out for comment
                                    ▲  │                      │
                                    │  └──finalise──▶ final   │
                                    └────── take back ────────┘

Who may do what is ``reviews.selectors.learning_review.LearningReviewAccess``;
every service checks it again (pages and the API both call these), raising
``PermissionDenied`` for someone the review is not theirs to change, and
``ValidationError`` (field names as keys) for input it refuses, before it
writes anything. Every change leaves a history row; email goes after commit;
PDFs are queued after commit by the documents service.

Deadlines (``partnership.services.deadlines``):

- ``lr.information`` (subject: the review) information gathering due, for the
  business managers (no assignee);
- ``lr.report`` (subject: the review) report due, for the lead author; met on finalising;
- ``lr.comments`` (subject: each Contributor) comments on the circulated draft
  due, for that contributor; met when they comment, cancelled when the author
  takes the draft back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from partnership.models import Deadline, DocumentVersion, HistoryEntry, Partnership, Person
from partnership.references import reference_next, reference_prefix
from partnership.services import (
    _version_check,
    email_send_after_commit,
    history_record,
    tenant_create,
    tenant_delete,
    tenant_update,
)
from partnership.services.deadlines import deadline_cancel, deadline_meet, deadline_set
from partnership.services.documents import document_render_request
from partnership.services.states import state_move
from reviews.models import (
    Contributor,
    DecisionOutcome,
    LearningReview,
    Methodology,
    OutcomeComment,
    OutcomeRecommendation,
    OutcomesForm,
    Publication,
    RapidReview,
)
from reviews.selectors.learning_review import (
    COMMENT_SECTION_NAMES,
    DEADLINE_COMMENTS,
    DEADLINE_INFORMATION,
    DEADLINE_REPORT,
    DOCUMENT_OUTCOMES_FORM,
    DOCUMENT_PUBLIC_SUMMARY,
    EDITABLE_STATES,
    FORM_TEXT_FIELDS,
    OUTCOMES_FORM_AUDIENCE,
    OUTCOMES_FORM_TEMPLATE,
    PUBLIC_SUMMARY_TEMPLATE,
    SECTIONS_BY_NAME,
    WORD_LIMITED_FIELDS,
    LearningReviewAccess,
    active_member,
    business_manager_emails,
    learning_review_access_for_person,
    outcomes_document_context,
    outcomes_document_title,
    public_summary_document_context,
    public_summary_title,
)
from reviews.services.requests import information_requests_close_outstanding
from reviews.words import word_limit_error

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


# --- The outcomes form --------------------------------------------------------------------------------------


def _recommendations_clean(rows: Iterable[Mapping[str, Any]], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """SMART rows: all three columns, or none (an empty row is dropped). Errors name the row.

    A row may carry ``id``, the saved row it is (kept as that row); a row without one is new.
    """
    cleaned: list[dict[str, Any]] = []
    messages: list[str] = []
    seen_ids: set[int] = set()
    for number, row in enumerate(rows, start=1):
        values: dict[str, Any] = {column: _text(row.get(column, "")) for column in RECOMMENDATION_COLUMNS}
        if not any(values.values()):
            continue
        row_id = row.get("id")
        if row_id not in (None, ""):
            try:
                row_id = int(row_id)
            except (TypeError, ValueError):
                row_id = -1
            if row_id in seen_ids or row_id < 1:
                messages.append(f"Recommendation {number}: this row is not one of the form's recommendations.")
            seen_ids.add(row_id)
            values["id"] = row_id
        missing = [RECOMMENDATION_LABELS[c] for c in RECOMMENDATION_COLUMNS if not values[c]]
        if missing:
            messages.append(f"Recommendation {number}: enter {' and '.join(missing)}.")
        for column in RECOMMENDATION_COLUMNS:
            limit = OutcomeRecommendation._meta.get_field(column).max_length
            if len(values[column]) > limit:
                messages.append(
                    f"Recommendation {number}: use at most {limit:,} characters for "
                    f"{RECOMMENDATION_LABELS[column]} (you used {len(values[column]):,})."
                )
        cleaned.append(values)
    if len(cleaned) > MAX_RECOMMENDATIONS:
        messages.append(f"Give at most {MAX_RECOMMENDATIONS} recommendations.")
    if messages:
        errors["recommendations"] = messages
    return cleaned


def outcomes_form_clean(
    *, fields: Mapping[str, Any], recommendations: Iterable[Mapping[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Check the form's values: lengths, the 300-word limits, SMART rows. Raises one ValidationError for all."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {name: _text(fields.get(name, "")) for name in FORM_TEXT_FIELDS}
    _length_errors(OutcomesForm, values, errors)
    for name in WORD_LIMITED_FIELDS:
        message = word_limit_error(values[name])
        if message:
            errors.setdefault(name, []).insert(0, message)
    review_date = fields.get("review_date")
    if review_date is not None and not isinstance(review_date, date):
        errors["review_date"] = ["Enter a real date, for example 27 3 2026."]
    values["review_date"] = review_date
    rows = _recommendations_clean(recommendations, errors)
    if errors:
        raise ValidationError(errors)
    return values, rows


def _rows_text(rows: Iterable[Mapping[str, str]]) -> list[str]:
    return [f"{r['action']} ({r['person_responsible']}; {r['timeframe']})" for r in rows]


def _recommendations_save(
    *, partnership: Partnership, form: OutcomesForm, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Make the form's rows the given ones, keeping each saved row's id: update, add, delete.

    A row with the ``id`` of one of this form's rows updates it in place (the
    recommendations that follow link to it); a row without one is added; a
    saved row not given is deleted. An ``id`` of no row of this form (another
    form's, or removed meanwhile) is refused and nothing is written. Returns
    the rows' text before and after, in order.
    """
    saved = {r.pk: r for r in OutcomeRecommendation.objects.in_partnership(partnership).filter(form=form)}
    before = [{c: getattr(r, c) for c in RECOMMENDATION_COLUMNS} for r in sorted(saved.values(), key=_row_order)]
    unknown = [number for number, row in enumerate(rows, 1) if "id" in row and row["id"] not in saved]
    if unknown:
        raise ValidationError(
            {
                "recommendations": [
                    f"Recommendation {number}: this row is no longer on the form. Reload the page and check the rows."
                    for number in unknown
                ]
            },
            code="stale",
        )
    kept = {row["id"] for row in rows if "id" in row}
    gone = [pk for pk in saved if pk not in kept]
    if gone:
        OutcomeRecommendation.objects.in_partnership(partnership).filter(pk__in=gone).delete()
    changed: list[OutcomeRecommendation] = []
    added: list[OutcomeRecommendation] = []
    for position, row in enumerate(rows, 1):
        values = {c: row[c] for c in RECOMMENDATION_COLUMNS} | {"position": position}
        if "id" not in row:
            added.append(OutcomeRecommendation(partnership=partnership, form=form, **values))
            continue
        existing = saved[row["id"]]
        if any(getattr(existing, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(existing, name, value)
            changed.append(existing)
    if changed:
        OutcomeRecommendation.objects.in_partnership(partnership).bulk_update(
            changed, [*RECOMMENDATION_COLUMNS, "position"]
        )
    if added:
        OutcomeRecommendation.objects.bulk_create(added)
    after = [{c: row[c] for c in RECOMMENDATION_COLUMNS} for row in rows]
    return before, after


def _row_order(row: OutcomeRecommendation) -> tuple[int, int]:
    return (row.position, row.pk)


@transaction.atomic
def outcomes_form_update(
    *,
    partnership: Partnership,
    actor: Person,
    learning_review: LearningReview,
    fields: Mapping[str, Any],
    recommendations: Iterable[Mapping[str, Any]],
    expected_updated_at: datetime | None,
) -> dict[str, dict[str, Any]]:
    """Save the Learning Review Outcomes Form (the lead author or a business manager).

    ``fields`` holds every text field and ``review_date`` (a field left out is
    saved empty: the form is saved whole); ``recommendations`` the SMART rows
    in order (rows left wholly empty are dropped). A row with the ``id`` of a
    saved row updates that row in place, so its id stays stable across edits;
    a row without ``id`` is added; a saved row left out is deleted.

    Guarantees: a save from a page read before the last save is refused (code
    ``stale``) and nothing is written; only while planning or drafting (not
    while out for comment, not once final); synopsis and key findings at most
    300 words each, every row with its action, person responsible and
    timeframe, every field within its length: otherwise one ValidationError
    names every field and row. One history row lists what changed; the form's
    version moves on with any change, the rows included.
    """
    review = _lock_for_author(
        partnership=partnership, actor=actor, learning_review=learning_review, what="write the outcomes form"
    )
    form = OutcomesForm.objects.in_partnership(partnership).select_for_update().get(learning_review=review)
    _version_check(instance=form, expected_updated_at=expected_updated_at, what="this outcomes form")
    if review.state not in EDITABLE_STATES:
        if review.state == State.FINAL:
            raise ValidationError("This outcomes form is final: it cannot be changed.", code="refused_move")
        raise ValidationError(
            "The draft is with contributors for comment: take it back before changing it.", code="refused_move"
        )
    values, rows = outcomes_form_clean(fields=fields, recommendations=recommendations)
    extra: dict[str, dict[str, Any]] = {}
    before, after = _recommendations_save(partnership=partnership, form=form, rows=rows)
    if before != after:
        extra["recommendations"] = {"from": _rows_text(before), "to": _rows_text(after)}
    changes = tenant_update(partnership=partnership, actor=actor, instance=form, data=values, extra_changes=extra)
    if changes:
        # Who saved it last; and when only the rows changed (they live in their own table), this also moves the
        # form's version on, so a page drawn before this change cannot save over it.
        form.updated_by = actor
        form.save(update_fields=["updated_by", "updated_at"])
    return changes


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


# --- Finalising, publication, documents ------------------------------------------------------------------------


def _render_outcomes_form(*, partnership: Partnership, actor: Person, review: LearningReview) -> DocumentVersion:
    context = outcomes_document_context(partnership=partnership, learning_review=review)
    return document_render_request(
        partnership=partnership,
        actor=actor,
        subject=review,
        kind=DOCUMENT_OUTCOMES_FORM,
        title=outcomes_document_title(review),
        template_name=OUTCOMES_FORM_TEMPLATE,
        context=context,
        audience=OUTCOMES_FORM_AUDIENCE,
    )


@transaction.atomic
def learning_review_finalise(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview
) -> DocumentVersion:
    """The lead author (or a business manager) finalises the form; its PDF goes to the business managers.

    Guarantees: only a draft (not while out for comment); the synopsis and the
    key findings written. The review becomes final (the form read-only), the
    report deadline is met, the final PDF is queued for rendering and the
    business managers are emailed a link to it after commit. Returns the PDF's version.
    """
    review = _lock_for_author(
        partnership=partnership, actor=actor, learning_review=learning_review, what="finalise the outcomes form"
    )
    if State.FINAL not in ALLOWED_MOVES[review.state]:
        raise ValidationError(_refusal(review.state, State.FINAL), code="refused_move")
    form = OutcomesForm.objects.in_partnership(partnership).get(learning_review=review)
    missing = {
        name: [f"Write the {SECTIONS_BY_NAME[name].heading.lower()} before finalising."]
        for name in ("synopsis", "key_findings")
        if not getattr(form, name).strip()
    }
    if missing:
        raise ValidationError(missing)
    # Met before the move: a final review is closed, and the move cancels whatever is still open.
    deadline_meet(partnership=partnership, subject=review, kind=DEADLINE_REPORT)
    review = _set_state(
        partnership=partnership,
        actor=actor,
        learning_review=review,
        to=State.FINAL,
        fields={"finalised_at": timezone.now()},
        reason="Outcomes form finalised.",
    )
    # Finished work stops chasing: the move cancelled the review's open deadlines; returns still awaited close too.
    information_requests_close_outstanding(
        partnership=partnership, actor=actor, review=review, reason="The learning review was finalised without it."
    )
    version = _render_outcomes_form(partnership=partnership, actor=actor, review=review)
    link = settings.SITE_URL + reverse(
        "partnership:document_status", kwargs={"slug": partnership.slug, "version_id": version.pk}
    )
    recipients = business_manager_emails(partnership=partnership)
    if recipients:
        email_send_after_commit(
            subject=f"Final outcomes form: learning review {review.reference}",
            body="\n\n".join(
                [
                    f"{actor} has finalised the Learning Review Outcomes Form of {review.reference} ({review.title}).",
                    f"The final copy (PDF): {link}",
                    f"The review, its publication decision and its public summary: "
                    f"{settings.SITE_URL}{learning_review_url(review)}",
                ]
            ),
            to=recipients,
        )
    return version


@transaction.atomic
def learning_review_record_publication(
    *,
    partnership: Partnership,
    actor: Person,
    learning_review: LearningReview,
    publication: str,
    reasons: str,
    expected_updated_at: datetime | None = None,
) -> dict[str, dict[str, Any]]:
    """Record the publication decision (full report, summary, or none) with its reasons.

    Business managers and partner leads; at any stage (seed 003: weighed at the
    beginning and throughout), changed as often as needed, each change in history.
    """
    review = _lock(partnership=partnership, learning_review=learning_review)
    access = _access(partnership=partnership, actor=actor, learning_review=review)
    _require(access.can_see, "No such learning review.")
    _require(access.can_decide_publication, "Only a business manager or a partner lead decides on publication.")
    _version_check(instance=review, expected_updated_at=expected_updated_at, what="this learning review")
    reasons = _text(reasons)
    errors: dict[str, list[str]] = {}
    if publication not in Publication.values:
        errors["publication"] = ["Choose whether to publish the full report, a summary, or nothing."]
    if not reasons:
        errors["publication_reasons"] = ["Give the reasons: the risks and benefits of publishing were weighed."]
    _length_errors(LearningReview, {"publication_reasons": reasons}, errors)
    if errors:
        raise ValidationError(errors)
    return tenant_update(
        partnership=partnership,
        actor=actor,
        instance=review,
        data={"publication": publication, "publication_reasons": reasons},
    )


def outcomes_form_render(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview
) -> DocumentVersion:
    """Queue a PDF of the outcomes form as it is now (a draft is marked as one). The same content is one version."""
    access = _access(partnership=partnership, actor=actor, learning_review=learning_review)
    _require(access.can_see_form, "Only the review's participants can read the draft outcomes form.")
    return _render_outcomes_form(partnership=partnership, actor=actor, review=learning_review)


def public_summary_render(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview
) -> DocumentVersion:
    """Queue the redacted public summary's PDF (once final): a separate document any member may open.

    Its content carries no identifying details (see ``public_summary_document_context``).
    """
    access = _access(partnership=partnership, actor=actor, learning_review=learning_review)
    _require(access.can_see, "No such learning review.")
    if learning_review.state != State.FINAL:
        raise ValidationError("The public summary is made from the final outcomes form: finalise it first.")
    return document_render_request(
        partnership=partnership,
        actor=actor,
        subject=learning_review,
        kind=DOCUMENT_PUBLIC_SUMMARY,
        title=public_summary_title(learning_review),
        template_name=PUBLIC_SUMMARY_TEMPLATE,
        context=public_summary_document_context(partnership=partnership, learning_review=learning_review),
        audience=[],
    )
