"""A rapid review's decision, the partners' sign-off and the submission to the Panel.

The meeting (date, attendees) is written by ``reviews.services.rapid_review_meeting``.

The review's workflow (``RapidReview.State``) moves only through
``_set_state`` (the kernel's ``state_move``) and ``RapidReview.ALLOWED_MOVES``::

    gathering ──record decision──▶ awaiting sign-off ──all three approve──▶ signed off ──sent──▶ sent to the Panel
        ▲                                │
        └──────────── sent back ─────────┘

The sign-off moves the review on through its one declared hook
(``reviews.subjects``: ``rapid_review_sign_off_settled``), so a partner lead's
decision has the same effect on the decision page, the generic sign-off page
and the API.

Every service here is keyword-only and atomic: it locks the rapid review row,
validates before it writes (``ValidationError`` with field names, so nothing
is half-saved), records history, and sends email only after commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from partnership.models import (
    PARTNER_LEAD_ROLES,
    Membership,
    MembershipRole,
    Partnership,
    Person,
    SignOff,
)
from partnership.selectors import working_day_calendar
from partnership.selectors.signoff import sign_off_for_subject
from partnership.services import (
    _version_check,
    email_send_after_commit,
    tenant_create,
    tenant_update,
)
from partnership.services.deadlines import deadline_meet
from partnership.services.signoff import sign_off_approve, sign_off_request, sign_off_send_back
from partnership.services.states import state_move
from partnership.subjects import subject_url
from reviews.models import (
    PANEL_SUBMISSION_DAY,
    DecisionOutcome,
    Methodology,
    RapidReview,
    RapidReviewDecision,
)
from reviews.selectors.decision import (
    decision_refusal,
    decision_signed_off_on,
    outcome_recipients,
    rapid_review_quorum,
)
from reviews.selectors.rapid_review import DEADLINE_MEETING, DEADLINE_PANEL
from reviews.selectors.requests import information_requests_outstanding
from reviews.services.requests import information_requests_close_outstanding

State = RapidReview.State

_TEXT_LIMIT = 5000
_DELAY_REASON_LIMIT = 2000


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _lock(*, partnership: Partnership, rapid_review: RapidReview) -> RapidReview:
    return (
        RapidReview.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("incident", "partnership")
        .get(pk=rapid_review.pk)
    )


# How each state reads inside a sentence ("... the review is awaiting partner sign-off of its decision").
_STATE_IN_A_SENTENCE = {
    State.GATHERING: "still gathering information",
    State.AWAITING_SIGN_OFF: "awaiting partner sign-off of its decision",
    State.SIGNED_OFF: "signed off already",
    State.SENT_TO_PANEL: "sent to the national Panel already",
}


def _state_in_a_sentence(state: str) -> str:
    return _STATE_IN_A_SENTENCE.get(state, _state_label(state).lower())


def _state_label(state: str) -> str:
    return State(state).label


def _refusal(current: str, to: str) -> str:
    return f"A rapid review cannot go from “{_state_label(current)}” to “{_state_label(to)}”."


def _set_state(
    *,
    partnership: Partnership,
    actor: Person | None,
    rapid_review: RapidReview,
    to: str,
    reason: str = "",
    fields: dict[str, Any] | None = None,
    after_commit: Iterable[Callable[[], None]] = (),
) -> RapidReview:
    """Move the review to ``to`` through the kernel's ``state_move`` (``RapidReview.ALLOWED_MOVES``)."""
    return state_move(
        partnership=partnership,
        actor=actor,
        instance=rapid_review,
        to=to,
        fields=fields,
        reason=reason,
        refusal=_refusal,
        on_commit=after_commit,
    )


def _require_gathering(rapid_review: RapidReview, *, what: str, field: str | None = None) -> None:
    if rapid_review.state == State.GATHERING:
        return
    if rapid_review.state == State.AWAITING_SIGN_OFF:
        why = "the decision is with the partners for sign-off; it can change again if one of them sends it back"
    else:
        why = f"the review is {_state_in_a_sentence(rapid_review.state)}"
    message = f"{what} cannot change now: {why}."
    raise ValidationError({field: [message]} if field else message, code="wrong_state")


# --- The decision -----------------------------------------------------------------------


def _clean_decision(
    *, outcome: str, methodology: str, reasons: dict[str, str], immediate_actions: str
) -> tuple[dict[str, str], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    data: dict[str, str] = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = [
            "Choose the decision: a local child safeguarding practice review, another learning review, "
            "or no further review."
        ]
    data["outcome"] = outcome
    methodology = (methodology or "").strip()
    if outcome == DecisionOutcome.LEARNING_REVIEW:
        if methodology not in Methodology.values:
            errors["methodology"] = ["Choose the methodology of the learning review."]
    else:
        # A methodology belongs only to "another learning review": drop one left over from an earlier choice.
        methodology = ""
    data["methodology"] = methodology
    for name, given in reasons.items():
        text = (given or "").strip()
        label = RapidReviewDecision._meta.get_field(name).verbose_name
        if not text:
            errors[name] = [f"Give the reasons against this criterion: “{label}”."]
        elif len(text) > _TEXT_LIMIT:
            errors[name] = [f"Use at most {_TEXT_LIMIT} characters (you used {len(text)})."]
        data[name] = text
    immediate_actions = (immediate_actions or "").strip()
    if len(immediate_actions) > _TEXT_LIMIT:
        errors["immediate_actions"] = [f"Use at most {_TEXT_LIMIT} characters (you used {len(immediate_actions)})."]
    data["immediate_actions"] = immediate_actions
    return data, errors


@transaction.atomic
def rapid_review_decision_record(
    *,
    partnership: Partnership,
    actor: Person,
    rapid_review: RapidReview,
    outcome: str,
    methodology: str = "",
    reason_improvements_needed: str = "",
    reason_recurrent_themes: str = "",
    reason_agencies_working_together: str = "",
    reason_panel_view: str = "",
    immediate_actions: str = "",
    expected_updated_at: datetime | None = None,
    expect_new: bool = False,
) -> RapidReviewDecision:
    """Record (or, after a send-back, re-record) the meeting's decision and ask the three partners to sign it off.

    Refused, with nothing written, when: the decision was changed since the
    caller read it (``expected_updated_at``; or ``expect_new`` and one now
    exists: code ``stale``); the review is not gathering information; no
    meeting date is set or the meeting is still to come; the meeting is not
    quorate (the message names the missing partners); a field is missing or
    too long (methodology only for "another learning review", a reason for
    each of the four criteria).

    Then: the decision is saved with history, a sign-off is requested (a new
    round after a send-back), the review moves to "awaiting sign-off" and the
    "rr.meeting" deadline is met.
    """
    locked = _lock(partnership=partnership, rapid_review=rapid_review)
    decision = RapidReviewDecision.objects.in_partnership(partnership).select_for_update().filter(rapid_review=locked)
    decision = decision.first()
    if decision is not None:
        if expect_new:
            # The caller's page showed no decision, and someone has recorded one since: do not write over it.
            raise ValidationError(
                "Someone else recorded the decision while you were writing yours. Their version is shown below "
                "and your text is still in the form: check them, then save again.",
                code="stale",
            )
        _version_check(instance=decision, expected_updated_at=expected_updated_at, what="this decision")
    _require_gathering(locked, what="The decision")
    quorate, missing = rapid_review_quorum(locked)
    refusal = decision_refusal(locked, quorate=quorate, missing=missing, today=timezone.localdate())
    if refusal:
        raise ValidationError(refusal, code="not_quorate" if locked.meeting_on and not quorate else "no_meeting")
    data, errors = _clean_decision(
        outcome=outcome,
        methodology=methodology,
        reasons={
            "reason_improvements_needed": reason_improvements_needed,
            "reason_recurrent_themes": reason_recurrent_themes,
            "reason_agencies_working_together": reason_agencies_working_together,
            "reason_panel_view": reason_panel_view,
        },
        immediate_actions=immediate_actions,
    )
    if errors:
        raise ValidationError(errors)
    data |= {"recorded_by": actor, "recorded_at": timezone.now()}
    if decision is None:
        decision = tenant_create(
            partnership=partnership,
            actor=actor,
            instance=RapidReviewDecision(partnership=partnership, rapid_review=locked, **data),
        )
        why = "Decision recorded"
    else:
        tenant_update(partnership=partnership, actor=actor, instance=decision, data=data)
        why = "Decision recorded again after it was sent back"
    sign_off = sign_off_request(partnership=partnership, actor=actor, subject=decision)
    _set_state(
        partnership=partnership,
        actor=actor,
        rapid_review=locked,
        to=State.AWAITING_SIGN_OFF,
        reason=f"{why} ({decision.get_outcome_display()}); sign-off round {sign_off.round} requested.",
    )
    deadline_meet(partnership=partnership, subject=locked, kind=DEADLINE_MEETING)
    _ask_partner_leads(partnership=partnership, rapid_review=locked, decision=decision, round_=sign_off.round)
    for name in ("state", "updated_at"):
        setattr(rapid_review, name, getattr(locked, name))
    return decision


def _ask_partner_leads(
    *, partnership: Partnership, rapid_review: RapidReview, decision: RapidReviewDecision, round_: int
) -> None:
    """Email the partner leads (after commit) that the decision awaits their sign-off."""
    recipients = sorted(
        set(
            MembershipRole.objects.filter(
                membership__partnership=partnership,
                membership__is_active=True,
                membership__person__is_active=True,
                role__in=list(PARTNER_LEAD_ROLES),
            ).values_list("membership__person__email", flat=True)
        )
    )
    if not recipients:
        return
    reference = rapid_review.incident.reference
    body = render_to_string(
        "emails/rapid_review_sign_off_requested.txt",
        {
            "partnership": partnership,
            "reference": reference,
            "round": round_,
            "outcome": decision.get_outcome_display(),
            "url": settings.SITE_URL + subject_url(decision),
            "due_on": rapid_review.panel_submission_due_on,
        },
    )
    email_send_after_commit(
        subject=f"Rapid review {reference}: the decision needs your sign-off", body=body, to=recipients
    )


def rapid_review_sign_off_prepare(*, partnership: Partnership, decision: RapidReviewDecision) -> RapidReview:
    """Before any partner decides on the decision's sign-off: lock the review; refuse unless it awaits sign-off.

    Declared as the decision's ``SubjectType.sign_off_prepare`` (``reviews.subjects``): every way of deciding
    locks the review before the sign-off.
    """
    locked = _lock(partnership=partnership, rapid_review=RapidReview(pk=decision.rapid_review_id))
    if locked.state != State.AWAITING_SIGN_OFF:
        raise ValidationError(
            f"The decision is not awaiting sign-off: the review is {_state_in_a_sentence(locked.state)}.",
            code="wrong_state",
        )
    return locked


def rapid_review_sign_off_settled(
    *, partnership: Partnership, decision: RapidReviewDecision, sign_off: SignOff, actor: Person, reason: str
) -> RapidReview:
    """The decision's sign-off completed (the review is signed off) or was sent back (it gathers again).

    Declared as the decision's ``SubjectType.sign_off_settled``: runs inside the
    partner's decision, wherever it was taken. After a send-back the decision
    becomes editable again; recording it again starts a new round.
    """
    locked = _lock(partnership=partnership, rapid_review=RapidReview(pk=decision.rapid_review_id))
    if sign_off.state == SignOff.State.APPROVED:
        return _set_state(
            partnership=partnership,
            actor=actor,
            rapid_review=locked,
            to=State.SIGNED_OFF,
            reason="Signed off by all three partners.",
        )
    who = actor.full_name or actor.email
    return _set_state(
        partnership=partnership,
        actor=actor,
        rapid_review=locked,
        to=State.GATHERING,
        reason=f"Sent back by {who}: {reason}",
    )


def _decision_sign_off(*, partnership: Partnership, rapid_review: RapidReview) -> SignOff:
    decision = RapidReviewDecision.objects.in_partnership(partnership).filter(rapid_review=rapid_review).first()
    sign_off = None if decision is None else sign_off_for_subject(partnership=partnership, subject=decision)
    if sign_off is None:
        locked = _lock(partnership=partnership, rapid_review=rapid_review)
        raise ValidationError(
            f"The decision is not awaiting sign-off: the review is {_state_label(locked.state).lower()}.",
            code="wrong_state",
        )
    return sign_off


def _refreshed(*, partnership: Partnership, rapid_review: RapidReview) -> RapidReview:
    fresh = (
        RapidReview.objects.in_partnership(partnership)
        .select_related("incident", "partnership")
        .get(pk=rapid_review.pk)
    )
    for name in ("state", "updated_at"):
        setattr(rapid_review, name, getattr(fresh, name))
    return fresh


@transaction.atomic
def rapid_review_decision_approve(
    *, partnership: Partnership, membership: Membership, rapid_review: RapidReview, partner: str | None = None
) -> RapidReview:
    """A partner lead approves the decision for their partner (``partner`` when they lead several).

    The same as approving on the generic sign-off page: refused unless the
    review is awaiting sign-off (``wrong_state``), and by the sign-off service
    when the member is not that partner's lead or has decided this round. When
    the third partner approves, the sign-off's hook moves the review to
    "signed off" (the sign-off service emails the business managers).
    """
    sign_off = _decision_sign_off(partnership=partnership, rapid_review=rapid_review)
    sign_off_approve(partnership=partnership, membership=membership, sign_off=sign_off, partner=partner)
    return _refreshed(partnership=partnership, rapid_review=rapid_review)


@transaction.atomic
def rapid_review_decision_send_back(
    *,
    partnership: Partnership,
    membership: Membership,
    rapid_review: RapidReview,
    comment: str,
    partner: str | None = None,
) -> RapidReview:
    """A partner lead sends the decision back with a comment: the hook returns the review to "gathering".

    The decision becomes editable again; recording it again starts a new
    sign-off round in which all three partners approve afresh. The sign-off
    service emails the business managers the comment.
    """
    sign_off = _decision_sign_off(partnership=partnership, rapid_review=rapid_review)
    sign_off_send_back(
        partnership=partnership,
        membership=membership,
        sign_off=sign_off,
        comment=(comment or "").strip(),
        partner=partner,
    )
    return _refreshed(partnership=partnership, rapid_review=rapid_review)


# --- To the Panel, and the agencies told -------------------------------------------------


def _outcome_emails(*, partnership: Partnership, rapid_review: RapidReview, decision: RapidReviewDecision) -> list:
    """One email per involved agency, built now and sent after commit.

    No identifying details: the case reference and the children's pseudonyms
    only. The reasons and immediate actions stay out (free text can name
    people); the agencies hear the outcome and where to ask.
    """
    incident = rapid_review.incident
    pseudonyms = list(incident.children.order_by("position").values_list("pseudonym", flat=True))
    effects = []
    for recipients in outcome_recipients(partnership=partnership, rapid_review=rapid_review):
        if not recipients.emails:
            continue
        body = render_to_string(
            "emails/rapid_review_outcome.txt",
            {
                "partnership": partnership,
                "reference": incident.reference,
                "pseudonyms": pseudonyms,
                "agency": recipients.agency,
                "referred": recipients.referred,
                "outcome": decision.get_outcome_display(),
                "methodology": decision.get_methodology_display() if decision.methodology else "",
                "sent_on": rapid_review.sent_to_panel_on,
            },
        )
        subject = f"Rapid review {incident.reference}: outcome"
        effects.append((subject, body, recipients.emails))
    return effects


@transaction.atomic
def rapid_review_send_to_panel(
    *,
    partnership: Partnership,
    actor: Person,
    rapid_review: RapidReview,
    sent_on: date,
    delay_reason: str = "",
    outstanding_returns_reason: str = "",
) -> RapidReview:
    """Record that the signed-off template went to the national Panel on ``sent_on``.

    Finished work stops chasing: agencies' returns still outstanding are closed
    (each request withdrawn with the reason, its person told) and every open
    deadline of the review is cancelled, so no reminder, task or "days left"
    remains. Sending with returns outstanding needs ``outstanding_returns_reason``
    (recorded in the review's and each request's history).

    Refused unless the decision is signed off; ``sent_on`` cannot be before
    the sign-off was completed nor in the future. Stores the working days
    taken since the notification (the timeliness figures) and, beyond 15, a
    required reason for the delay. Meets the "rr.panel_submission" deadline
    and, after commit, tells every agency involved (the referrer included)
    the outcome, without identifying details.
    """
    locked = _lock(partnership=partnership, rapid_review=rapid_review)
    if locked.state != State.SIGNED_OFF:
        raise ValidationError(
            "Only a decision signed off by all three partners goes to the Panel: "
            f"the review is {_state_in_a_sentence(locked.state)}.",
            code="wrong_state",
        )
    decision = RapidReviewDecision.objects.in_partnership(partnership).get(rapid_review=locked)
    signed_off_on = decision_signed_off_on(partnership=partnership, decision=decision)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if sent_on > today:
        errors["sent_on"] = ["The date it was sent cannot be in the future."]
    elif signed_off_on is not None and sent_on < signed_off_on:
        errors["sent_on"] = [
            f"The decision was signed off on {_day(signed_off_on)}: it cannot have gone to the Panel before that."
        ]
    if errors:
        raise ValidationError(errors)
    calendar = working_day_calendar(partnership=partnership)
    taken = calendar.working_days_between(locked.incident.panel_notified_on, sent_on)
    delay_reason = (delay_reason or "").strip()
    if taken > PANEL_SUBMISSION_DAY and not delay_reason:
        errors["delay_reason"] = [
            f"It went {taken} working days after the Panel was notified, more than {PANEL_SUBMISSION_DAY}: "
            "say why it was late."
        ]
    elif len(delay_reason) > _DELAY_REASON_LIMIT:
        errors["delay_reason"] = [f"Use at most {_DELAY_REASON_LIMIT} characters (you used {len(delay_reason)})."]
    outstanding = information_requests_outstanding(partnership=partnership, rapid_review=locked)
    outstanding_returns_reason = (outstanding_returns_reason or "").strip()
    if outstanding and not outstanding_returns_reason:
        errors["outstanding_returns_reason"] = [
            f"{_returns_outstanding(outstanding)}: say why the review goes to the Panel without them."
        ]
    elif len(outstanding_returns_reason) > _DELAY_REASON_LIMIT:
        errors["outstanding_returns_reason"] = [f"Use at most {_DELAY_REASON_LIMIT} characters."]
    if errors:
        raise ValidationError(errors)
    locked.sent_to_panel_on = sent_on  # the emails below show it
    emails = _outcome_emails(partnership=partnership, rapid_review=locked, decision=decision)
    # Met before the move: the review is then closed, and the move cancels whatever is still open.
    deadline_meet(partnership=partnership, subject=locked, kind=DEADLINE_PANEL)
    _set_state(
        partnership=partnership,
        actor=actor,
        rapid_review=locked,
        to=State.SENT_TO_PANEL,
        reason=f"Sent to the national Panel, {taken} working days after the notification."
        + (
            f" {_returns_outstanding(outstanding)}, closed unanswered: {outstanding_returns_reason}"
            if outstanding
            else ""
        ),
        fields={"sent_to_panel_on": sent_on, "working_days_taken": taken, "delay_reason": delay_reason},
        after_commit=[
            _later(email_send_after_commit, subject=subject, body=body, to=to) for subject, body, to in emails
        ],
    )
    # The move cancelled the open deadlines (a closed subject); the requests still outstanding are closed too.
    if outstanding:
        information_requests_close_outstanding(
            partnership=partnership,
            actor=actor,
            review=locked,
            reason=f"The rapid review went to the national Panel without it. {outstanding_returns_reason}",
        )
    for name in ("state", "updated_at", "sent_to_panel_on", "working_days_taken", "delay_reason"):
        setattr(rapid_review, name, getattr(locked, name))
    return locked


def _returns_outstanding(outstanding: list) -> str:
    names = ", ".join(r.agency.name for r in outstanding)
    n = len(outstanding)
    return (
        f"1 agency's return still outstanding ({names})"
        if n == 1
        else f"{n} agencies' returns still outstanding ({names})"
    )


def _later(function: Callable[..., Any], **kwargs) -> Callable[[], None]:
    return lambda: function(**kwargs)
