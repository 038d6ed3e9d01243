"""Writes of agency information requests and their returns, for a rapid review or a learning review.

A business manager asks an agency, through a named person there (an active
member of that agency in this partnership), for its scoping and
information-sharing return by a due date. The person gets an email and a
deadline (kind ``request.<id>``, subject: the review) that links to the return
page. States move only through ``_set_state`` (the kernel's ``state_move``) and
``InformationRequest.ALLOWED_MOVES``:

    requested -> draft (first save) -> submitted -> sent_back -> draft | submitted
    requested | draft | sent_back -> withdrawn

Saving a draft again while it is a draft is not a move: it updates the answers
and ``draft_saved_at`` only (autosave runs every pause in typing; the history
keeps the moves and the submitted answers, not each keystroke). Every save
carries the version the person's page read (``updated_at``): a save from an
out-of-date page (another tab, another person) is refused with code ``stale``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format

from partnership.models import Agency, HistoryEntry, Membership, Partnership, Person, Role
from partnership.services import _version_check, email_send_after_commit, history_record
from partnership.services.deadlines import deadline_cancel, deadline_meet, deadline_reopen, deadline_set
from partnership.services.states import state_move
from reviews.models import InformationRequest, LearningReview, RapidReview
from reviews.selectors.rapid_review import DEADLINE_RETURNS, DEADLINE_SCOPING
from reviews.selectors.requests import RETURN_AUTHOR_ROLES

State = InformationRequest.State

ANSWER_FIELDS = (
    "involvement",
    "key_practice_episodes",
    "good_practice",
    "done_differently",
    "immediate_safety_concerns",
    "unexpected_issues",
)

# The model's table (InformationRequest.ALLOWED_MOVES), named here for the checks made before a move.
ALLOWED_MOVES = InformationRequest.ALLOWED_MOVES
# States in which the assignee can still write the return.
EDITABLE_STATES = frozenset({State.REQUESTED, State.DRAFT, State.SENT_BACK})

ALREADY_SUBMITTED = "This return has already been submitted."
WITHDRAWN_MESSAGE = "This request was withdrawn: there is nothing more to do on it."
SEND_BACK_REASON_MAX_LENGTH = InformationRequest._meta.get_field("sent_back_reason").max_length


# A request's deadline hangs on its review, with this kind and the request's id (reviews.subjects links it).
REQUEST_DEADLINE_PREFIX = "request."


def deadline_kind(information_request: InformationRequest) -> str:
    """The deadline engine's kind for a request's due date (its subject is the review)."""
    return f"{REQUEST_DEADLINE_PREFIX}{information_request.pk}"


def review_of(information_request: InformationRequest) -> RapidReview | LearningReview:
    return information_request.rapid_review or information_request.learning_review


def review_reference(review: RapidReview | LearningReview) -> str:
    return review.incident.reference if isinstance(review, RapidReview) else review.reference


def request_url(information_request: InformationRequest) -> str:
    return reverse(
        "reviews:request_detail",
        kwargs={"slug": information_request.partnership.slug, "request_id": information_request.pk},
    )


def review_url(review: RapidReview | LearningReview) -> str:
    if isinstance(review, RapidReview):
        return reverse(
            "reviews:rapid_review_detail", kwargs={"slug": review.partnership.slug, "rapid_review_id": review.pk}
        )
    try:
        return reverse(
            "reviews:learning_review_detail", kwargs={"slug": review.partnership.slug, "learning_review_id": review.pk}
        )
    except NoReverseMatch:  # the learning review pages are optional for this module
        return ""


# --- Helpers ------------------------------------------------------------------------------


def _is_business_manager(*, partnership: Partnership, person: Person) -> bool:
    return Membership.objects.filter(
        partnership=partnership, person=person, is_active=True, roles__role=Role.BUSINESS_MANAGER
    ).exists()


def _locked(*, partnership: Partnership, information_request: InformationRequest) -> InformationRequest:
    return (
        InformationRequest.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("agency", "assignee", "requested_by", "rapid_review__incident", "learning_review")
        .get(pk=information_request.pk)
    )


def _refusal(current: str, to: str) -> str:
    if current == State.WITHDRAWN:
        return WITHDRAWN_MESSAGE
    if current == State.SUBMITTED and to in (State.SUBMITTED, State.DRAFT):
        return ALREADY_SUBMITTED + " It can only be changed if the business manager sends it back."
    if to == State.SENT_BACK:
        return "Only a submitted return can be sent back."
    if to == State.WITHDRAWN:
        return "A submitted return cannot be withdrawn: send it back instead if it needs changing."
    return f"A request that is {State(current).label.lower()} cannot become {State(to).label.lower()}."


def _set_state(
    *,
    partnership: Partnership,
    actor: Person | None,
    information_request: InformationRequest,
    to: str,
    fields: Mapping[str, Any] | None = None,
    reason: str = "",
) -> InformationRequest:
    """Move a locked request to ``to`` if the table allows it, saving ``fields`` with it and one history row."""
    return state_move(
        partnership=partnership,
        actor=actor,
        instance=information_request,
        to=to,
        refusal=_refusal,
        fields=fields,
        reason=reason,
    )


def _answers_clean(answers: Mapping[str, Any]) -> dict[str, str]:
    """The answers given (known fields only), stripped of trailing space; too long is a field error."""
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in ANSWER_FIELDS:
        if name not in answers:
            continue
        value = answers[name]
        value = "" if value is None else str(value)
        value = value.replace("\r\n", "\n").rstrip()
        limit = InformationRequest._meta.get_field(name).max_length
        if len(value) > limit:
            errors[name] = [f"Use at most {limit:,} characters (you used {len(value):,})."]
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _returns_complete_check(*, partnership: Partnership, rapid_review: RapidReview | None) -> None:
    """Meet the review's returns milestone once every request still asked for has been submitted."""
    if rapid_review is None:
        return
    states = set(
        InformationRequest.objects.in_partnership(partnership)
        .filter(rapid_review=rapid_review)
        .exclude(state=State.WITHDRAWN)
        .values_list("state", flat=True)
    )
    if states == {State.SUBMITTED}:
        deadline_meet(partnership=partnership, subject=rapid_review, kind=DEADLINE_RETURNS)


def _deadline_title(information_request: InformationRequest) -> str:
    review = review_of(information_request)
    return f"{review_reference(review)}: information return from {information_request.agency.name}"


def _deadline_arm(*, partnership: Partnership, information_request: InformationRequest, reopen: bool = False) -> None:
    review = review_of(information_request)
    deadline_set(
        partnership=partnership,
        subject=review,
        kind=deadline_kind(information_request),
        title=_deadline_title(information_request)[:200],
        due_on=information_request.due_on,
        assignee=information_request.assignee,
    )
    if reopen:
        # The engine keeps a deadline's state when its date moves; a return sent back is owed again.
        deadline_reopen(partnership=partnership, subject=review, kind=deadline_kind(information_request))
        if information_request.rapid_review_id is not None:
            # So is the rapid review's "all returns in" milestone, met when this return came in.
            deadline_reopen(partnership=partnership, subject=review, kind=DEADLINE_RETURNS)


def _email(*, to: Person, subject: str, lines: list[str]) -> None:
    email_send_after_commit(subject=subject, body="\n\n".join(lines), to=[to.email])


def _review_for_requests(
    *, partnership: Partnership, review: RapidReview | LearningReview, due_on: date | None, today: date, errors: dict
) -> tuple[RapidReview | LearningReview, date | None]:
    """The review, locked and still gathering information, and the requests' due date."""
    if review.partnership_id != partnership.pk:
        raise ValidationError("That review belongs to another partnership.")
    if isinstance(review, RapidReview):
        review = (
            RapidReview.objects.in_partnership(partnership)
            .select_for_update(of=("self",))
            .select_related("incident")
            .get(pk=review.pk)
        )
        if review.state != RapidReview.State.GATHERING:
            raise ValidationError("This rapid review is past gathering information: no more requests can be sent.")
        if due_on is None and review.returns_due_on < today:
            errors["due_on"] = [
                f"The returns milestone ({date_format(review.returns_due_on, 'j F Y')}) has passed: "
                "give a due date for these requests."
            ]
        due_on = due_on or review.returns_due_on
    else:
        review = LearningReview.objects.in_partnership(partnership).select_for_update().get(pk=review.pk)
        if review.state == LearningReview.State.FINAL:
            raise ValidationError("This learning review is final: no more requests can be sent.")
        if due_on is None:
            errors["due_on"] = ["Enter the date the returns are due."]
    if due_on is not None and due_on < today and "due_on" not in errors:
        errors["due_on"] = ["The due date cannot be in the past."]
    return review, due_on


def _assignments_check(
    *,
    partnership: Partnership,
    review: RapidReview | LearningReview,
    assignments: list[tuple[Agency, Person | None]],
    errors: dict,
) -> None:
    """Each agency this partnership's, active and not yet asked; each person an active member of it."""
    open_agency_ids = set(
        InformationRequest.objects.in_partnership(partnership)
        .filter(**{"rapid_review" if isinstance(review, RapidReview) else "learning_review": review})
        .exclude(state=State.WITHDRAWN)
        .values_list("agency_id", flat=True)
    )
    members = {
        (m.person_id, m.agency_id)
        for m in Membership.objects.in_partnership(partnership).filter(
            is_active=True, person__is_active=True, person__in=[p for _a, p in assignments if p is not None]
        )
    }
    # Who can write a return: the scrutineer, a lay member or an observer only read (they are not offered).
    authors = set(
        Membership.objects.in_partnership(partnership)
        .filter(person__in=[p for _a, p in assignments if p is not None], roles__role__in=RETURN_AUTHOR_ROLES)
        .values_list("person_id", flat=True)
    )
    seen: set[int] = set()
    for agency, person in assignments:
        key = f"agency_{agency.pk}"
        if agency.partnership_id != partnership.pk:
            errors["agencies"] = ["Choose only this partnership's agencies."]
            continue
        if not agency.is_active:
            errors[key] = [f"{agency.name} is no longer active."]
        elif agency.pk in open_agency_ids or agency.pk in seen:
            errors[key] = [f"{agency.name} has already been asked for its return to this review."]
        if person is None:
            errors[f"assignee_{agency.pk}"] = [f"Choose the person at {agency.name} who will complete the return."]
        elif (person.pk, agency.pk) not in members:
            errors[f"assignee_{agency.pk}"] = [
                f"{person} is not an active member of {agency.name} in this partnership."
            ]
        elif person.pk not in authors:
            errors[f"assignee_{agency.pk}"] = [
                f"{person}'s roles here do not include writing returns: choose a practitioner, an agency lead, "
                "a partner lead or a business manager."
            ]
        seen.add(agency.pk)


# --- Asking --------------------------------------------------------------------------------


@transaction.atomic
def information_request_create(
    *,
    partnership: Partnership,
    actor: Person,
    agency: Agency,
    assignee: Person,
    rapid_review: RapidReview | None = None,
    learning_review: LearningReview | None = None,
    due_on: date | None = None,
    today: date | None = None,
) -> InformationRequest:
    """Ask one agency, through a named person, for its return to a rapid review or a learning review.

    Guarantees: exactly one review, of this partnership, still gathering
    information; the agency is this partnership's and active, with no open
    request on the same review; the assignee is an active member of that agency
    here. Due: the rapid review's returns milestone unless ``due_on`` is given
    (required for a learning review); never in the past. Writes the request and
    its history row, a deadline assigned to the person (kind ``request.<id>``)
    linking to the return page, meets the rapid review's "scoping sent"
    milestone, and emails the person after commit.
    """
    return information_requests_create(
        partnership=partnership,
        actor=actor,
        assignments=[(agency, assignee)],
        rapid_review=rapid_review,
        learning_review=learning_review,
        due_on=due_on,
        today=today,
    )[0]


@transaction.atomic
def information_requests_create(
    *,
    partnership: Partnership,
    actor: Person,
    assignments: Iterable[tuple[Agency, Person]],
    rapid_review: RapidReview | None = None,
    learning_review: LearningReview | None = None,
    due_on: date | None = None,
    today: date | None = None,
) -> list[InformationRequest]:
    """Ask several agencies at once (each through its named person): all are sent, or none.

    The same guarantees as ``information_request_create`` for each. A refusal
    about one agency is keyed ``agency_<agency id>`` (or ``assignee_<agency id>``),
    so a page can show it beside that agency's row.
    """
    today = today or timezone.localdate()
    assignments = list(assignments)
    if (rapid_review is None) == (learning_review is None):
        raise ValueError("Give exactly one of rapid_review or learning_review.")
    errors: dict[str, list[str]] = {}
    review, due_on = _review_for_requests(
        partnership=partnership, review=rapid_review or learning_review, due_on=due_on, today=today, errors=errors
    )
    if not assignments:
        errors["agencies"] = ["Choose at least one agency."]
    _assignments_check(partnership=partnership, review=review, assignments=assignments, errors=errors)
    if errors:
        raise ValidationError(errors)

    created = []
    for agency, person in assignments:
        request = InformationRequest(
            partnership=partnership,
            rapid_review=review if isinstance(review, RapidReview) else None,
            learning_review=review if isinstance(review, LearningReview) else None,
            agency=agency,
            assignee=person,
            due_on=due_on,
            requested_by=actor,
        )
        request.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError as exc:  # a concurrent request for the same agency got there first
            raise ValidationError(
                {f"agency_{agency.pk}": [f"{agency.name} has already been asked for its return to this review."]}
            ) from exc
        history_record(
            partnership=partnership,
            actor=actor,
            instance=request,
            action=HistoryEntry.Action.CREATED,
            changes={
                "agency": {"from": None, "to": agency.name},
                "assignee": {"from": None, "to": str(person)},
                "due_on": {"from": None, "to": due_on.isoformat()},
                "state": {"from": None, "to": State.REQUESTED.label},
            },
        )
        _deadline_arm(partnership=partnership, information_request=request)
        reference = review_reference(review)
        _email(
            to=person,
            subject=f"Information request: {reference}",
            lines=[
                f"{actor} has asked {agency.name} for its scoping and information-sharing return "
                f"for review {reference}, due by {date_format(due_on, 'j F Y')}.",
                "Please describe your agency's involvement with the child and family, key practice episodes, "
                "good practice, what could have been done differently, and any immediate safety concerns.",
                f"Complete the return here: {settings.SITE_URL}{request_url(request)}",
            ],
        )
        created.append(request)
    if isinstance(review, RapidReview):
        deadline_meet(partnership=partnership, subject=review, kind=DEADLINE_SCOPING)
    return created


# --- Answering --------------------------------------------------------------------------------


@transaction.atomic
def information_request_save_draft(
    *,
    partnership: Partnership,
    actor: Person,
    information_request: InformationRequest,
    answers: Mapping[str, Any],
    expected_updated_at: datetime | None,
) -> InformationRequest:
    """Save the assignee's answers as a draft (autosave or the Save draft button).

    Guarantees: only the assignee; a submitted or withdrawn return is refused;
    a page read before the last save is refused (code ``stale``); an answer
    over its length is a field error. Nothing is written on any refusal.
    The first save (or the first after a send-back) moves the request to draft
    with a history row; later saves update the answers and ``draft_saved_at``,
    and a save that changes nothing writes nothing (the version stays).
    """
    request = _locked(partnership=partnership, information_request=information_request)
    _assignee_check(request=request, actor=actor)
    # The state before the version: "already submitted" says more than "changed since you read it".
    if request.state not in EDITABLE_STATES:
        raise ValidationError(_refusal(request.state, State.DRAFT), code="refused_move")
    _version_check(instance=request, expected_updated_at=expected_updated_at, what="this return")
    cleaned = _answers_clean(answers)
    now = timezone.now()
    if request.state == State.DRAFT:
        if all(getattr(request, name) == value for name, value in cleaned.items()):
            # Nothing new (a save on blur after the typing was saved): the version stays, so a
            # submission from the same page is not refused as out of date by its own autosave.
            return request
        for name, value in cleaned.items():
            setattr(request, name, value)
        request.draft_saved_at = now
        request.save(update_fields=[*cleaned, "draft_saved_at", "updated_at"])
        return request
    return _set_state(
        partnership=partnership,
        actor=actor,
        information_request=request,
        to=State.DRAFT,
        fields={**cleaned, "draft_saved_at": now},
        reason="Draft saved.",
    )


def _assignee_check(*, request: InformationRequest, actor: Person) -> None:
    if request.assignee_id != actor.pk:
        raise ValidationError("Only the person asked for this return can write it.", code="not_assignee")


@transaction.atomic
def information_request_submit(
    *,
    partnership: Partnership,
    actor: Person,
    information_request: InformationRequest,
    answers: Mapping[str, Any] | None = None,
    expected_updated_at: datetime | None = None,
) -> InformationRequest:
    """Submit the return (with the answers given, over the saved draft).

    Guarantees: only the assignee; a stale page is refused (code ``stale``); a
    second submission is refused ("This return has already been submitted"); the
    involvement answer must not be empty; nothing is written on refusal. On
    success the return is read-only, the person's deadline is met, the rapid
    review's returns milestone is met once every request is in, and whoever
    asked is emailed after commit.
    """
    request = _locked(partnership=partnership, information_request=information_request)
    _assignee_check(request=request, actor=actor)
    # The state before the version: a second submission (a double click, another tab) is told so plainly.
    if State.SUBMITTED not in ALLOWED_MOVES[request.state]:
        raise ValidationError(_refusal(request.state, State.SUBMITTED), code="already_submitted")
    _version_check(instance=request, expected_updated_at=expected_updated_at, what="this return")
    cleaned = _answers_clean(answers or {})
    involvement = cleaned.get("involvement", request.involvement)
    if not involvement.strip():
        raise ValidationError(
            {
                "involvement": [
                    "Describe your agency's involvement with the child and family (write 'None' if there was none)."
                ]
            }
        )
    now = timezone.now()
    request = _set_state(
        partnership=partnership,
        actor=actor,
        information_request=request,
        to=State.SUBMITTED,
        fields={
            **{n: cleaned.get(n, getattr(request, n)) for n in ANSWER_FIELDS},
            "submitted_at": now,
            "submitted_by": actor,
        },
        reason="Return submitted.",
    )
    review = review_of(request)
    deadline_meet(partnership=partnership, subject=review, kind=deadline_kind(request))
    _returns_complete_check(partnership=partnership, rapid_review=request.rapid_review)
    if request.requested_by is not None and request.requested_by.is_active:
        _email(
            to=request.requested_by,
            subject=f"Return submitted: {review_reference(review)} ({request.agency.name})",
            lines=[
                f"{actor} has submitted {request.agency.name}'s return for review {review_reference(review)}.",
                f"Read it here: {settings.SITE_URL}{request_url(request)}",
            ],
        )
    return request


# --- Business managers: send back, withdraw, move ------------------------------------------------


def _manager_check(*, partnership: Partnership, actor: Person) -> None:
    if not _is_business_manager(partnership=partnership, person=actor):
        raise ValidationError("Only a business manager can do this.", code="not_manager")


@transaction.atomic
def information_request_send_back(
    *,
    partnership: Partnership,
    actor: Person,
    information_request: InformationRequest,
    reason: str,
    due_on: date | None = None,
    today: date | None = None,
) -> InformationRequest:
    """Send a submitted return back to its author with a reason (business managers).

    Guarantees: a reason is required (at most 2,000 characters); only a
    submitted return; a new due date, if given, not in the past. The return
    becomes editable again, its deadline opens again (on the new date, if
    given), the reason is kept on the request and in history, and the assignee
    is emailed the reason after commit.
    """
    today = today or timezone.localdate()
    request = _locked(partnership=partnership, information_request=information_request)
    _manager_check(partnership=partnership, actor=actor)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Say what needs to change: the person will read this."]
    elif len(reason) > SEND_BACK_REASON_MAX_LENGTH:
        errors["reason"] = [f"Use at most {SEND_BACK_REASON_MAX_LENGTH:,} characters (you used {len(reason):,})."]
    if due_on is not None and due_on < today:
        errors["due_on"] = ["The new due date cannot be in the past."]
    if errors:
        raise ValidationError(errors)
    fields: dict[str, Any] = {"sent_back_reason": reason}
    if due_on is not None:
        fields["due_on"] = due_on
    request = _set_state(
        partnership=partnership,
        actor=actor,
        information_request=request,
        to=State.SENT_BACK,
        fields=fields,
        reason=reason,
    )
    _deadline_arm(partnership=partnership, information_request=request, reopen=True)
    review = review_of(request)
    _email(
        to=request.assignee,
        subject=f"Return sent back: {review_reference(review)}",
        lines=[
            f"{actor} has sent {request.agency.name}'s return for review {review_reference(review)} back to you.",
            f"What needs to change: {reason}",
            f"Please update it and submit it again by {date_format(request.due_on, 'j F Y')}: "
            f"{settings.SITE_URL}{request_url(request)}",
        ],
    )
    return request


@transaction.atomic
def information_request_withdraw(
    *, partnership: Partnership, actor: Person, information_request: InformationRequest, reason: str = ""
) -> InformationRequest:
    """Withdraw a request not yet submitted (business managers).

    Guarantees: a submitted return cannot be withdrawn (send it back instead);
    the person's deadline is cancelled and they are emailed after commit; the
    rapid review's returns milestone is met if every remaining request is in.
    The agency can then be asked again.
    """
    request = _locked(partnership=partnership, information_request=information_request)
    _manager_check(partnership=partnership, actor=actor)
    reason = (reason or "").strip()[:500]
    request = _set_state(
        partnership=partnership, actor=actor, information_request=request, to=State.WITHDRAWN, reason=reason
    )
    review = review_of(request)
    deadline_cancel(partnership=partnership, subject=review, kind=deadline_kind(request))
    _returns_complete_check(partnership=partnership, rapid_review=request.rapid_review)
    _email(
        to=request.assignee,
        subject=f"Information request withdrawn: {review_reference(review)}",
        lines=[
            f"{actor} has withdrawn the request for {request.agency.name}'s return for review "
            f"{review_reference(review)}. You do not need to complete it." + (f"\n\nReason: {reason}" if reason else "")
        ],
    )
    return request


@transaction.atomic
def information_requests_close_outstanding(
    *, partnership: Partnership, actor: Person | None, review: RapidReview | LearningReview, reason: str
) -> list[InformationRequest]:
    """Close every request of ``review`` still waiting for its return: the review has finished without it.

    For a review that went to the Panel or was finalised. Each outstanding
    request (requested, draft, sent back) is withdrawn with ``reason`` in its
    history, its deadline cancelled (so no reminder or escalation goes out, and
    it leaves the person's tasks), and its person is emailed after commit that
    nothing more is needed. Returns the requests closed. The caller holds the
    review's lock and checks who may do this.
    """
    outstanding = list(
        InformationRequest.objects.in_partnership(partnership)
        .filter(**{"rapid_review" if isinstance(review, RapidReview) else "learning_review": review})
        .filter(state__in=EDITABLE_STATES)
        .select_for_update(of=("self",))
        .select_related("agency", "assignee")
        .order_by("agency__name", "id")
    )
    reference = review_reference(review)
    for request in outstanding:
        _set_state(partnership=partnership, actor=actor, information_request=request, to=State.WITHDRAWN, reason=reason)
        deadline_cancel(partnership=partnership, subject=review, kind=deadline_kind(request))
        _email(
            to=request.assignee,
            subject=f"Information request closed: {reference}",
            lines=[
                f"The request for {request.agency.name}'s return for review {reference} is closed: {reason} "
                "You do not need to complete it."
            ],
        )
    return outstanding


@transaction.atomic
def information_request_move_due(
    *,
    partnership: Partnership,
    actor: Person | None,
    information_request: InformationRequest,
    due_on: date,
    reason: str = "",
) -> InformationRequest:
    """Move an open request's due date, and its deadline with it (which re-arms the reminder)."""
    request = _locked(partnership=partnership, information_request=information_request)
    if request.state not in EDITABLE_STATES:
        raise ValidationError("Only a request still waiting for its return can have its due date moved.")
    if request.due_on == due_on:
        return request
    before = request.due_on
    request.due_on = due_on
    request.save(update_fields=["due_on", "updated_at"])
    history_record(
        partnership=partnership,
        actor=actor,
        instance=request,
        action=HistoryEntry.Action.UPDATED,
        changes={"due_on": {"from": before.isoformat(), "to": due_on.isoformat()}},
        reason=reason,
    )
    _deadline_arm(partnership=partnership, information_request=request)
    return request
