"""Three-partner sign-off: the local authority, health and police leads each approve, or any sends back.

A sign-off belongs to one subject (a rapid-review decision, a recommendation...).
It is complete only when all three partners have approved the *current* round;
a send-back by any partner ends the round, and resubmitting the subject starts
a new round in which every partner decides again. Every request, approval and
send-back is a ``SignOffAction`` row (never edited: the full history) and a
``HistoryEntry`` on the sign-off. The state moves only through ``_set_state``.

Concurrency: every decision locks the sign-off row first, so two partners
approving at the same moment are counted one after the other and the one who
completes the set moves the state; the database's
``one_decision_per_partner_per_round`` constraint refuses a second decision by
the same partner in a round even if two requests slip past the checks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from partnership.models import (
    HistoryEntry,
    Membership,
    MembershipRole,
    Partnership,
    Person,
    Role,
    SignOff,
    SignOffAction,
    StatutoryPartner,
)
from partnership.services import email_send_after_commit, history_record

State = SignOff.State

# The allowed moves, and nothing else: an approved sign-off is final.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    State.AWAITING: frozenset({State.APPROVED, State.SENT_BACK}),
    State.SENT_BACK: frozenset({State.AWAITING}),
    State.APPROVED: frozenset(),
}

# How each partner is named inside a sentence: "the police partner lead ... for the police".
_PARTNER_IN_A_SENTENCE: dict[str, tuple[str, str]] = {
    StatutoryPartner.LOCAL_AUTHORITY: ("local authority", "the local authority"),
    StatutoryPartner.HEALTH: ("health", "health"),
    StatutoryPartner.POLICE: ("police", "the police"),
}

COMMENT_MAX_LENGTH = 4000


def _subject_label(subject: models.Model) -> str:
    return str(subject)[:200]


def _lock(*, partnership: Partnership, sign_off: SignOff) -> SignOff:
    """The sign-off as saved now, locked until the transaction ends; another partnership's is refused."""
    locked = SignOff.objects.in_partnership(partnership).select_for_update().filter(pk=sign_off.pk).first()
    if locked is None:
        raise ValidationError("That sign-off belongs to another partnership.")
    return locked


def _set_state(*, partnership: Partnership, sign_off: SignOff, to: str, actor: Person | None, reason: str = "") -> None:
    """Move a locked sign-off to ``to`` if the table allows it; record it; queue the emails it causes."""
    before = sign_off.state
    if to not in ALLOWED_MOVES[before]:
        raise ValidationError(
            f"A sign-off that is “{State(before).label.lower()}” cannot become “{State(to).label.lower()}”.",
            code="invalid_move",
        )
    sign_off.state = to
    update_fields = ["state", "updated_at"]
    changes = {"state": {"from": State(before).label, "to": State(to).label}}
    if to == State.APPROVED:
        sign_off.completed_at = timezone.now()
        update_fields.append("completed_at")
    elif to == State.AWAITING:
        sign_off.round += 1
        sign_off.completed_at = None
        update_fields += ["round", "completed_at"]
        changes["round"] = {"from": sign_off.round - 1, "to": sign_off.round}
    sign_off.save(update_fields=update_fields)
    history_record(
        partnership=partnership,
        actor=actor,
        instance=sign_off,
        action=HistoryEntry.Action.UPDATED,
        changes=changes,
        reason=reason,
    )
    if to in (State.APPROVED, State.SENT_BACK):
        _tell_business_managers(partnership=partnership, sign_off=sign_off, actor=actor, reason=reason)


def _tell_business_managers(*, partnership: Partnership, sign_off: SignOff, actor: Person | None, reason: str) -> None:
    recipients = sorted(
        set(
            MembershipRole.objects.filter(
                membership__partnership=partnership, membership__is_active=True, role=Role.BUSINESS_MANAGER
            ).values_list("membership__person__email", flat=True)
        )
    )
    if not recipients:
        return
    subject = sign_off.subject
    label = _subject_label(subject) if subject is not None else str(sign_off)
    url = ""
    if subject is not None and hasattr(subject, "get_absolute_url"):
        url = settings.SITE_URL + subject.get_absolute_url()
    context = {
        "partnership": partnership,
        "sign_off": sign_off,
        "subject_label": label,
        "actor": actor,
        "comment": reason,
        "url": url,
    }
    if sign_off.state == State.APPROVED:
        email_subject = f"Signed off by all three partners: {label}"
        body = render_to_string("emails/signoff_approved.txt", context)
    else:
        sent_back = (
            SignOffAction.objects.in_partnership(partnership)
            .filter(sign_off=sign_off, round=sign_off.round, action=SignOffAction.Action.SENT_BACK)
            .first()
        )
        context["partner_label"] = StatutoryPartner(sent_back.partner).label if sent_back else ""
        email_subject = f"Sent back: {label}"
        body = render_to_string("emails/signoff_sent_back.txt", context)
    email_send_after_commit(subject=f"{partnership.name}: {email_subject}"[:250], body=body, to=recipients)


def _record_action(
    *,
    partnership: Partnership,
    sign_off: SignOff,
    action: str,
    actor: Person | None,
    partner: str = "",
    comment: str = "",
) -> SignOffAction:
    """Append one row of the sign-off's history, and its history entry."""
    row = SignOffAction.objects.create(
        partnership=partnership,
        sign_off=sign_off,
        round=sign_off.round,
        partner=partner,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        comment=comment,
    )
    who = StatutoryPartner(partner).label if partner else "Business manager"
    history_record(
        partnership=partnership,
        actor=actor,
        instance=sign_off,
        action=HistoryEntry.Action.UPDATED,
        changes={f"round {sign_off.round}": {"from": None, "to": f"{who}: {row.get_action_display()}"}},
        reason=comment,
    )
    return row


@transaction.atomic
def sign_off_request(*, partnership: Partnership, actor: Person, subject: models.Model) -> SignOff:
    """Ask the three partner leads to sign ``subject`` off.

    The first request creates the sign-off (round 1, awaiting). After a
    send-back, a request starts the next round: every partner decides again,
    and the earlier rounds stay in the history. A request while the sign-off
    is already awaiting changes nothing (a double click is harmless); an
    approved sign-off is final and a request is refused. ``subject`` must
    belong to ``partnership``.
    """
    if getattr(subject, "partnership_id", None) != partnership.pk:
        raise ValidationError("Only this partnership's own work can be signed off here.")
    subject_type = ContentType.objects.get_for_model(subject)
    existing = SignOff.objects.in_partnership(partnership).filter(subject_type=subject_type, subject_id=subject.pk)
    sign_off = existing.select_for_update().first()
    if sign_off is None:
        try:
            with transaction.atomic():
                sign_off = SignOff.objects.create(
                    partnership=partnership,
                    subject_type=subject_type,
                    subject_id=subject.pk,
                    requested_by=actor,
                )
        except IntegrityError:
            # Someone else's request created it a moment ago: theirs stands, and this one joins it.
            return existing.get()
        history_record(
            partnership=partnership,
            actor=actor,
            instance=sign_off,
            action=HistoryEntry.Action.CREATED,
            changes={"state": {"from": None, "to": State.AWAITING.label}, "round": {"from": None, "to": 1}},
        )
        _record_action(partnership=partnership, sign_off=sign_off, action=SignOffAction.Action.REQUESTED, actor=actor)
        return sign_off
    if sign_off.state == State.AWAITING:
        return sign_off
    if sign_off.state == State.APPROVED:
        raise ValidationError("This has already been signed off by all three partners.", code="invalid_move")
    _set_state(partnership=partnership, sign_off=sign_off, to=State.AWAITING, actor=actor, reason="Resubmitted")
    sign_off.requested_by = actor
    sign_off.save(update_fields=["requested_by"])
    _record_action(partnership=partnership, sign_off=sign_off, action=SignOffAction.Action.REQUESTED, actor=actor)
    return sign_off


def _partner_for(*, membership: Membership, partner: str | None) -> str:
    """The partner this member decides for, or a refusal that says who may."""
    leads_for = set(membership.partner_lead_for)
    if partner:
        if partner not in StatutoryPartner.values:
            raise ValidationError({"partner": ["Choose the local authority, health or the police."]})
        if partner not in leads_for:
            lead, of = _PARTNER_IN_A_SENTENCE[partner]
            raise ValidationError(
                {"partner": [f"Only the {lead} partner lead can sign off for {of}."]}, code="not_partner_lead"
            )
        return partner
    if not leads_for:
        raise ValidationError(
            "Only the local authority, health and police partner leads can sign off.", code="not_partner_lead"
        )
    if len(leads_for) > 1:
        raise ValidationError({"partner": ["You lead more than one partner: choose which one you are deciding for."]})
    return leads_for.pop()


def _decide(
    *,
    partnership: Partnership,
    membership: Membership,
    sign_off: SignOff,
    action: str,
    partner: str | None,
    comment: str,
    expected_round: int | None,
) -> SignOff:
    if membership.partnership_id != partnership.pk or not membership.is_active:
        raise ValidationError("Only an active member of this partnership can sign off.", code="not_partner_lead")
    partner = _partner_for(membership=membership, partner=partner)
    sign_off = _lock(partnership=partnership, sign_off=sign_off)
    if sign_off.state != State.AWAITING:
        if sign_off.state == State.APPROVED:
            raise ValidationError("This has already been signed off by all three partners.", code="invalid_move")
        raise ValidationError(
            "This has been sent back. It can be signed off again once it is resubmitted.", code="invalid_move"
        )
    if expected_round is not None and expected_round != sign_off.round:
        # Resubmitted since the page was drawn: the decision would be about a version the person has not seen.
        raise ValidationError(
            "This was sent back and resubmitted since you opened the page. Check the changes, then decide again.",
            code="stale",
        )
    decided = (
        SignOffAction.objects.in_partnership(partnership)
        .filter(
            sign_off=sign_off,
            round=sign_off.round,
            partner=partner,
            action__in=[SignOffAction.Action.APPROVED, SignOffAction.Action.SENT_BACK],
        )
        .select_related("actor")
        .first()
    )
    if decided is not None:
        raise ValidationError(_already_decided(decided, person=membership.person), code="already_decided")
    try:
        with transaction.atomic():
            _record_action(
                partnership=partnership,
                sign_off=sign_off,
                action=action,
                actor=membership.person,
                partner=partner,
                comment=comment,
            )
    except IntegrityError as exc:  # the constraint: a decision slipped in between the check and the insert
        raise ValidationError(
            f"{StatutoryPartner(partner).label} has already decided this round.", code="already_decided"
        ) from exc

    if action == SignOffAction.Action.SENT_BACK:
        _set_state(
            partnership=partnership, sign_off=sign_off, to=State.SENT_BACK, actor=membership.person, reason=comment
        )
    else:
        approved = set(
            SignOffAction.objects.in_partnership(partnership)
            .filter(sign_off=sign_off, round=sign_off.round, action=SignOffAction.Action.APPROVED)
            .values_list("partner", flat=True)
        )
        if approved >= set(StatutoryPartner.values):
            _set_state(
                partnership=partnership,
                sign_off=sign_off,
                to=State.APPROVED,
                actor=membership.person,
                reason="Approved by the local authority, health and the police",
            )
        else:
            sign_off.save(update_fields=["updated_at"])
    return sign_off


def _already_decided(decided: SignOffAction, *, person: Person) -> str:
    if decided.actor_id == person.pk:
        if decided.action == SignOffAction.Action.APPROVED:
            return "You have already approved this round."
        return "You have already sent this back in this round."
    who = decided.actor.full_name if decided.actor is not None else "another partner lead"
    verb = "approved" if decided.action == SignOffAction.Action.APPROVED else "sent it back"
    return f"{StatutoryPartner(decided.partner).label} has already {verb} this round ({who})."


@transaction.atomic
def sign_off_approve(
    *,
    partnership: Partnership,
    membership: Membership,
    sign_off: SignOff,
    partner: str | None = None,
    expected_round: int | None = None,
) -> SignOff:
    """Record the member's approval for their partner in the current round.

    Refused (``ValidationError``, nothing written) unless the member is that
    partner's lead in this partnership, the sign-off is awaiting, and the
    partner has not already decided this round. A lead of several partners
    names ``partner``. When this approval completes the set of three, the
    sign-off becomes approved and the business managers are emailed after
    commit. With ``expected_round`` (the round the person's page showed), a
    decision made from a page drawn before a resubmission is refused (code
    ``stale``). Returns the sign-off as saved; callers read ``.state``.
    """
    return _decide(
        partnership=partnership,
        membership=membership,
        sign_off=sign_off,
        action=SignOffAction.Action.APPROVED,
        partner=partner,
        comment="",
        expected_round=expected_round,
    )


@transaction.atomic
def sign_off_send_back(
    *,
    partnership: Partnership,
    membership: Membership,
    sign_off: SignOff,
    comment: str,
    partner: str | None = None,
    expected_round: int | None = None,
) -> SignOff:
    """Send the subject back on behalf of the member's partner, with a comment saying why.

    Any one partner can send back; that ends the round (state ``sent_back``)
    and the business managers are emailed after commit with the comment. The
    same refusals as ``sign_off_approve``, plus an empty or overlong comment.
    """
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": ["Say why you are sending it back."]})
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError({"comment": [f"Use at most {COMMENT_MAX_LENGTH} characters (you used {len(comment)})."]})
    return _decide(
        partnership=partnership,
        membership=membership,
        sign_off=sign_off,
        action=SignOffAction.Action.SENT_BACK,
        partner=partner,
        comment=comment,
        expected_round=expected_round,
    )
