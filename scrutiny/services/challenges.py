"""Writes of the challenge log: raise, change while open, answer, accept, escalate to the partnership board, close,
and make recommendations from a challenge.

Every write names its partnership, records history and changes state only through the kernel's ``state_move``.
The answer is chased by a kernel deadline (``challenge_response``) assigned to the person who answers for the
agency; answering meets it and closing cancels it. Changes carry the version the person read
(``expected_updated_at``): one made from an out-of-date page is refused (``stale``) and writes nothing. Who may do
what is checked here too (``PermissionDenied``), so a page, the API and a task cannot differ.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from partnership.models import Agency, Membership, Partnership, Person
from partnership.models.recommendations import Recommendation, RecommendationSource
from partnership.selectors import working_day_calendar
from partnership.services.deadlines import deadline_meet, deadline_set
from partnership.services.history import _version_check, tenant_create, tenant_update
from partnership.services.recommendations import recommendation_create
from partnership.services.states import refuse_unless_allowed, state_move
from scrutiny.models import Challenge
from scrutiny.models.challenges import (
    REASON_MAX_LENGTH,
    SUBJECT_LABEL_MAX_LENGTH,
    SUBJECT_PATH_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)
from scrutiny.selectors.challenges import (
    CHALLENGE_SCRUTINEER_ROLES,
    MOVABLE_TO_RECOMMENDATION,
    RESPONSE_DEADLINE,
    RESPONSE_WORKING_DAYS,
    challenge_can_respond,
    challenge_responders,
)

State = Challenge.State
NOT_SCRUTINEER = "Only the independent scrutineer raises, accepts, escalates and closes challenges."
NOT_RESPONDER = "Only the addressed agency's lead, or the partner's lead, answers this challenge."
SUBJECT_REFUSED = "Link to a page of this partnership: copy the address of the record or figure you are challenging."


def challenge_default_due_on(*, partnership: Partnership, today: date | None = None) -> date:
    """The answer's default due date: ``RESPONSE_WORKING_DAYS`` working days after ``today`` (day 0)."""
    today = today or timezone.localdate()
    return working_day_calendar(partnership=partnership).add_working_days(today, RESPONSE_WORKING_DAYS)


def _scrutineer(membership: Membership) -> None:
    if not membership.has_role(*CHALLENGE_SCRUTINEER_ROLES):
        raise PermissionDenied(NOT_SCRUTINEER)


def _text(value, *, field: str, limit: int, missing: str, errors: dict, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [missing]
    elif len(value) > limit:
        errors[field] = [f"Use at most {limit} characters (you used {len(value)})."]
    return value


def challenge_subject_path(*, partnership: Partnership, path: str) -> str:
    """The link to what is challenged, made safe: a path (no host, no scheme) to a page of this partnership that
    the site's routes recognise, with its query kept (a figure's list is a filtered page). ``ValidationError`` on
    ``subject_path`` otherwise: another site, another partnership, the API, a page that does not exist."""
    raw = (path or "").strip()
    error = ValidationError({"subject_path": [SUBJECT_REFUSED]})
    if not raw or len(raw) > SUBJECT_PATH_MAX_LENGTH or any(ch in raw for ch in "\\\x00\r\n\t "):
        raise error
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or not parts.path.startswith(f"/p/{partnership.slug}/"):
        raise error
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise error from None
    if match.kwargs.get("slug") != partnership.slug:
        raise error
    return urlunsplit(("", "", parts.path, parts.query, ""))


def _agency(*, partnership: Partnership, agency_id) -> Agency:
    message = "Choose the partner or agency the challenge is for."
    try:
        pk = int(agency_id)
    except (TypeError, ValueError):
        raise ValidationError({"agency_id": [message]}) from None
    agency = (
        Agency.objects.in_partnership(partnership).filter(pk=pk, is_active=True).first()
        if 0 < pk <= 2**63 - 1
        else None
    )
    if agency is None:
        raise ValidationError({"agency_id": [message]})
    return agency


def _due_on(due_on: date | None, *, today: date, errors: dict) -> None:
    if due_on is None:
        errors["due_on"] = ["Enter when the answer is due."]
    elif due_on <= today:
        errors["due_on"] = ["The answer must be due after today."]
    elif due_on.year > today.year + 5:
        errors["due_on"] = ["Give a due date within the next five years."]


def _next_reference(*, partnership: Partnership, today: date) -> str:
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    prefix = f"CH-{today.year}-"
    taken = Challenge.objects.in_partnership(partnership).filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


def _chase(*, partnership: Partnership, challenge: Challenge) -> None:
    """The kernel deadline for the answer, assigned to the first who answers for the agency (the business
    managers when nobody does): on their "my tasks", reminded before and escalated once overdue."""
    responders = challenge_responders(partnership=partnership, agency=challenge.agency)
    deadline_set(
        partnership=partnership,
        subject=challenge,
        kind=RESPONSE_DEADLINE,
        title=f"Answer scrutiny challenge {challenge.reference}",
        due_on=challenge.due_on,
        assignee=responders[0].person if responders else None,
    )


@transaction.atomic
def challenge_raise(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    agency_id,
    subject_path: str,
    subject_label: str,
    question: str,
    due_on: date | None = None,
    today: date | None = None,
) -> Challenge:
    """The scrutineer raises a challenge to a partner or agency about a record or figure of this partnership.

    ``due_on`` defaults to 15 working days from today. Field errors: ``agency_id`` (missing, inactive or another
    partnership's), ``subject_path``, ``subject_label``, ``question``, ``due_on``. Records history and sets the
    response deadline.
    """
    _scrutineer(membership)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    agency = None
    try:
        agency = _agency(partnership=partnership, agency_id=agency_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        subject_path = challenge_subject_path(partnership=partnership, path=subject_path)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    label = _text(
        subject_label,
        field="subject_label",
        limit=SUBJECT_LABEL_MAX_LENGTH,
        missing="Name the record or figure you are challenging.",
        errors=errors,
    )
    question = _text(question, field="question", limit=TEXT_MAX_LENGTH, missing="Enter your challenge.", errors=errors)
    if due_on is None:
        due_on = challenge_default_due_on(partnership=partnership, today=today)
    _due_on(due_on, today=today, errors=errors)
    if errors:
        raise ValidationError(errors)
    challenge = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=Challenge(
            partnership=partnership,
            reference=_next_reference(partnership=partnership, today=today),
            raised_by=membership,
            agency=agency,
            subject_path=subject_path,
            subject_label=label,
            question=question,
            raised_on=today,
            due_on=due_on,
        ),
    )
    _chase(partnership=partnership, challenge=challenge)
    return challenge


def _locked(*, partnership: Partnership, challenge: Challenge, expected_updated_at: datetime | None) -> Challenge:
    locked = (
        Challenge.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk=challenge.pk)
        .first()
    )
    if locked is None:
        raise ValidationError("No such challenge in this partnership.")
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this challenge")
    return locked


@transaction.atomic
def challenge_update(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    challenge: Challenge,
    subject_label: str,
    question: str,
    due_on: date | None,
    expected_updated_at: datetime | None,
    today: date | None = None,
) -> Challenge:
    """The scrutineer rewords an open challenge or moves its due date (the deadline moves with it)."""
    _scrutineer(membership)
    locked = _locked(partnership=partnership, challenge=challenge, expected_updated_at=expected_updated_at)
    if locked.state != State.OPEN:
        raise ValidationError("This challenge has been answered: it can no longer be changed.")
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    label = _text(
        subject_label,
        field="subject_label",
        limit=SUBJECT_LABEL_MAX_LENGTH,
        missing="Name the record or figure you are challenging.",
        errors=errors,
    )
    question = _text(question, field="question", limit=TEXT_MAX_LENGTH, missing="Enter your challenge.", errors=errors)
    if due_on != locked.due_on:
        _due_on(due_on, today=today, errors=errors)
    if errors:
        raise ValidationError(errors)
    moved = due_on != locked.due_on
    tenant_update(
        partnership=partnership,
        actor=actor,
        instance=locked,
        data={"subject_label": label, "question": question, "due_on": due_on},
    )
    if moved:
        _chase(partnership=partnership, challenge=locked)
    return locked


@transaction.atomic
def challenge_respond(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    challenge: Challenge,
    response: str,
    expected_updated_at: datetime | None,
    today: date | None = None,
) -> Challenge:
    """The addressed agency's lead (or the partner's lead) answers an open challenge; the deadline is met."""
    locked = _locked(partnership=partnership, challenge=challenge, expected_updated_at=expected_updated_at)
    if not challenge_can_respond(locked, membership):
        raise PermissionDenied(NOT_RESPONDER)
    refuse_unless_allowed(locked, State.RESPONDED)
    errors: dict[str, list[str]] = {}
    response = _text(
        response, field="response", limit=TEXT_MAX_LENGTH, missing="Enter your agency's answer.", errors=errors
    )
    if errors:
        raise ValidationError(errors)
    state_move(
        partnership=partnership,
        actor=actor,
        instance=locked,
        to=State.RESPONDED,
        fields={"response": response, "responded_by": membership, "responded_on": today or timezone.localdate()},
    )
    deadline_meet(partnership=partnership, subject=locked, kind=RESPONSE_DEADLINE)
    return locked


@transaction.atomic
def challenge_accept(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    challenge: Challenge,
    expected_updated_at: datetime | None,
    note: str = "",
) -> Challenge:
    """The scrutineer accepts the answer (``note``: why, kept in the history)."""
    _scrutineer(membership)
    locked = _locked(partnership=partnership, challenge=challenge, expected_updated_at=expected_updated_at)
    errors: dict[str, list[str]] = {}
    note = _text(note, field="note", limit=500, missing="", errors=errors, required=False)
    if errors:
        raise ValidationError(errors)
    return state_move(partnership=partnership, actor=actor, instance=locked, to=State.ACCEPTED, reason=note)


@transaction.atomic
def challenge_escalate(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    challenge: Challenge,
    reason: str,
    expected_updated_at: datetime | None,
) -> Challenge:
    """The scrutineer takes the challenge to the partnership board, saying why (``reason``, required)."""
    _scrutineer(membership)
    locked = _locked(partnership=partnership, challenge=challenge, expected_updated_at=expected_updated_at)
    refuse_unless_allowed(locked, State.ESCALATED)
    errors: dict[str, list[str]] = {}
    reason = _text(
        reason,
        field="reason",
        limit=REASON_MAX_LENGTH,
        missing="Say why the answer goes to the partnership board.",
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    return state_move(
        partnership=partnership,
        actor=actor,
        instance=locked,
        to=State.ESCALATED,
        fields={"escalation_reason": reason},
        reason=reason[:500],
    )


@transaction.atomic
def challenge_close(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    challenge: Challenge,
    outcome: str,
    expected_updated_at: datetime | None,
    today: date | None = None,
) -> Challenge:
    """The scrutineer closes an accepted or escalated challenge, recording what it concluded (``outcome``)."""
    _scrutineer(membership)
    locked = _locked(partnership=partnership, challenge=challenge, expected_updated_at=expected_updated_at)
    refuse_unless_allowed(locked, State.CLOSED)
    errors: dict[str, list[str]] = {}
    outcome = _text(
        outcome, field="outcome", limit=REASON_MAX_LENGTH, missing="Say what the challenge concluded.", errors=errors
    )
    if errors:
        raise ValidationError(errors)
    return state_move(
        partnership=partnership,
        actor=actor,
        instance=locked,
        to=State.CLOSED,
        fields={"outcome": outcome, "closed_on": today or timezone.localdate()},
    )


@transaction.atomic
def challenge_recommend(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    challenge: Challenge,
    text: str,
    lead_partner: str,
    rationale: str = "",
) -> Recommendation:
    """Draft a kernel recommendation from an accepted or escalated challenge, naming it as the source (the
    register links back here; sign-off and the action plan follow the kernel's workflow)."""
    _scrutineer(membership)
    locked = _locked(partnership=partnership, challenge=challenge, expected_updated_at=None)
    if locked.state not in MOVABLE_TO_RECOMMENDATION:
        raise ValidationError("Recommendations come from a challenge whose answer was accepted or escalated.")
    return recommendation_create(
        partnership=partnership,
        actor=actor,
        text=text,
        lead_partner=lead_partner,
        rationale=rationale,
        source_kind=RecommendationSource.SCRUTINY_CHALLENGE,
        source_id=locked.pk,
    )
