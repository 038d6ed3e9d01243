"""Sign-off: each approver of the subject's set approves, or any one sends back.

A sign-off belongs to one subject (a rapid-review decision, a recommendation...)
and is requested from a set of approvers (``Approver``): by default the three
statutory partners' leads, or whatever the request (or the subject's declared
type, ``SubjectType.sign_off_approvers``) names: a board, a head and a
governor, a hub's members. It is complete only when every approver has approved
the *current* round; a send-back by any approver ends the round, and
resubmitting the subject starts a new round in which every approver decides
again. Every request, approval and send-back is a ``SignOffAction`` row (never
edited: the full history) and a ``HistoryEntry`` on the sign-off. The state
moves only through the kernel's ``state_move`` and ``SignOff.ALLOWED_MOVES``.

When a round completes or is sent back, the subject's own workflow is told
through its one declared hook, ``SubjectType.sign_off_settled``, inside the same
transaction: wherever the decision was taken (the sign-off page, the subject's
own page, the API), the subject moves with its sign-off or neither moves.

Concurrency: every decision first lets the subject's type lock its own
workflow row (``sign_off_prepare``), then locks the sign-off row, so two
approvers deciding at the same moment are counted one after the other (and
in the same lock order whichever page they used) and the one who completes
the set moves the state; the database's ``one_decision_per_partner_per_round``
constraint refuses a second decision for the same approver in a round even if
two requests slip past the checks.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from partnership.models.signoff import Approver
from partnership.services.history import history_record
from partnership.services.mail import email_send_after_commit
from partnership.services.states import REFUSED_MOVE, state_move
from partnership.subjects import subject_type_for, subject_url

State = SignOff.State

# How each partner is named inside a sentence: "the police partner lead ... for the police".
_PARTNER_IN_A_SENTENCE: dict[str, tuple[str, str]] = {
    StatutoryPartner.LOCAL_AUTHORITY: ("local authority", "the local authority"),
    StatutoryPartner.HEALTH: ("health", "health"),
    StatutoryPartner.POLICE: ("police", "the police"),
}

COMMENT_MAX_LENGTH = 4000
MAX_APPROVERS = 30


def _subject_label(subject: models.Model) -> str:
    return str(subject)[:200]


def _lock(*, partnership: Partnership, sign_off: SignOff) -> SignOff:
    """The sign-off as saved now, locked until the transaction ends; another partnership's is refused."""
    locked = SignOff.objects.in_partnership(partnership).select_for_update().filter(pk=sign_off.pk).first()
    if locked is None:
        raise ValidationError("That sign-off belongs to another partnership.")
    return locked


def _refusal(current: str, to: str) -> str:
    if current == State.APPROVED:
        return "This has already been signed off by every approver: it is final."
    return f"A sign-off that is “{State(current).label.lower()}” cannot become “{State(to).label.lower()}”."


def _set_state(*, partnership: Partnership, sign_off: SignOff, to: str, actor: Person | None, reason: str = "") -> None:
    """Move a locked sign-off to ``to`` through the kernel's ``state_move``; queue the emails it causes."""
    fields: dict = {}
    if to == State.APPROVED:
        fields["completed_at"] = timezone.now()
    elif to == State.AWAITING:
        fields |= {"round": sign_off.round + 1, "completed_at": None}
    state_move(
        partnership=partnership,
        actor=actor,
        instance=sign_off,
        to=to,
        fields=fields,
        reason=reason,
        refusal=_refusal,
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
    from django.conf import settings

    subject = sign_off.subject
    label = _subject_label(subject) if subject is not None else str(sign_off)
    path = subject_url(subject)
    context = {
        "partnership": partnership,
        "sign_off": sign_off,
        "subject_label": label,
        "actor": actor,
        "comment": reason,
        "url": settings.SITE_URL + path if path else "",
    }
    if sign_off.state == State.APPROVED:
        who = "all three partners" if sign_off.is_statutory else "every approver"
        email_subject = f"Signed off by {who}: {label}"
        body = render_to_string("emails/signoff_approved.txt", context)
    else:
        sent_back = (
            SignOffAction.objects.in_partnership(partnership)
            .filter(sign_off=sign_off, round=sign_off.round, action=SignOffAction.Action.SENT_BACK)
            .first()
        )
        context["partner_label"] = sign_off.approver_label(sent_back.partner) if sent_back else ""
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
    who = sign_off.approver_label(partner) if partner else "Business manager"
    history_record(
        partnership=partnership,
        actor=actor,
        instance=sign_off,
        action=HistoryEntry.Action.UPDATED,
        changes={f"round {sign_off.round}": {"from": None, "to": f"{who}: {row.get_action_display()}"}},
        reason=comment,
    )
    return row


def _approvers_clean(approvers: Sequence[Approver]) -> list[dict]:
    approvers = list(approvers)
    if not approvers:
        raise ValidationError({"approvers": ["Name at least one approver."]})
    if len(approvers) > MAX_APPROVERS:
        raise ValidationError({"approvers": [f"Name at most {MAX_APPROVERS} approvers."]})
    keys = [a.key for a in approvers]
    if len(set(keys)) != len(keys):
        raise ValidationError({"approvers": ["Each approver is named once."]})
    return [a.as_json() for a in approvers]


@transaction.atomic
def sign_off_request(
    *, partnership: Partnership, actor: Person, subject: models.Model, approvers: Sequence[Approver] | None = None
) -> SignOff:
    """Ask the subject's approvers to sign ``subject`` off.

    ``approvers``: who must approve, each once per round; left out, the
    subject's declared type says (``SubjectType.sign_off_approvers``: the three
    statutory partners unless it declares otherwise). The first request
    creates the sign-off (round 1, awaiting). After a send-back, a request
    starts the next round with the approvers named now: every approver decides
    again, and the earlier rounds stay in the history. A request while the
    sign-off is already awaiting changes nothing (a double click is harmless);
    an approved sign-off is final and a request is refused (``refused_move``).
    ``subject`` must be a declared subject of ``partnership``.
    """
    if getattr(subject, "partnership_id", None) != partnership.pk:
        raise ValidationError("Only this partnership's own work can be signed off here.")
    if approvers is None:
        approvers = subject_type_for(subject).sign_off_approvers(subject)
    approver_rows = _approvers_clean(approvers)
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
                    approvers=approver_rows,
                )
        except IntegrityError:
            # Someone else's request created it a moment ago: theirs stands, and this one joins it.
            return existing.get()
        history_record(
            partnership=partnership,
            actor=actor,
            instance=sign_off,
            action=HistoryEntry.Action.CREATED,
            changes={
                "state": {"from": None, "to": State.AWAITING.label},
                "round": {"from": None, "to": 1},
                "approvers": {"from": None, "to": [a["label"] for a in approver_rows]},
            },
        )
        _record_action(partnership=partnership, sign_off=sign_off, action=SignOffAction.Action.REQUESTED, actor=actor)
        return sign_off
    if sign_off.state == State.AWAITING:
        return sign_off
    if sign_off.state == State.APPROVED:
        raise ValidationError(_already_approved(sign_off), code=REFUSED_MOVE)
    _set_state(partnership=partnership, sign_off=sign_off, to=State.AWAITING, actor=actor, reason="Resubmitted")
    sign_off.requested_by = actor
    update_fields = ["requested_by"]
    if sign_off.approvers != approver_rows:
        history_record(
            partnership=partnership,
            actor=actor,
            instance=sign_off,
            action=HistoryEntry.Action.UPDATED,
            changes={
                "approvers": {
                    "from": [a["label"] for a in sign_off.approvers],
                    "to": [a["label"] for a in approver_rows],
                }
            },
        )
        sign_off.approvers = approver_rows
        update_fields.append("approvers")
    sign_off.save(update_fields=update_fields)
    _record_action(partnership=partnership, sign_off=sign_off, action=SignOffAction.Action.REQUESTED, actor=actor)
    return sign_off


def _already_approved(sign_off: SignOff) -> str:
    if sign_off.is_statutory:
        return "This has already been signed off by all three partners."
    return "This has already been signed off by every approver."


def decidable_approvers(*, sign_off: SignOff, membership: Membership) -> list[Approver]:
    """The approvers of the sign-off's set this member may decide for (before asking who has decided)."""
    return [a for a in sign_off.approver_set if a.admits(membership)]


def _approver_for(*, sign_off: SignOff, membership: Membership, partner: str | None) -> str:
    """The approver (its key) this member decides for, or a refusal that says who may."""
    approvers = sign_off.approver_set
    mine = {a.key for a in decidable_approvers(sign_off=sign_off, membership=membership)}
    statutory = sign_off.is_statutory
    if partner:
        named = next((a for a in approvers if a.key == partner), None)
        if named is None:
            if statutory:
                raise ValidationError({"partner": ["Choose the local authority, health or the police."]})
            raise ValidationError({"partner": ["Choose one of this sign-off's approvers."]})
        if partner not in mine:
            if statutory:
                lead, of = _PARTNER_IN_A_SENTENCE[partner]
                message = f"Only the {lead} partner lead can sign off for {of}."
            else:
                message = f"You cannot sign off for “{named.label}”."
            raise ValidationError({"partner": [message]}, code="not_partner_lead")
        return partner
    if not mine:
        if statutory:
            message = "Only the local authority, health and police partner leads can sign off."
        else:
            message = "Only " + _and([a.label for a in approvers]) + " can sign off."
        raise ValidationError(message, code="not_partner_lead")
    if len(mine) > 1:
        raise ValidationError(
            {"partner": ["You lead more than one partner: choose which one you are deciding for."]}
            if statutory
            else {"partner": ["You can decide for more than one approver: choose which one."]}
        )
    return mine.pop()


def _and(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _require_awaiting(sign_off: SignOff, *, expected_round: int | None) -> None:
    """Refuse a decision unless the (locked) sign-off awaits one in the round the person saw."""
    if sign_off.state != State.AWAITING:
        if sign_off.state == State.APPROVED:
            raise ValidationError(_already_approved(sign_off), code=REFUSED_MOVE)
        raise ValidationError(
            "This has been sent back. It can be signed off again once it is resubmitted.", code=REFUSED_MOVE
        )
    if expected_round is not None and expected_round != sign_off.round:
        # Resubmitted since the page was drawn: the decision would be about a version the person has not seen.
        raise ValidationError(
            "This was sent back and resubmitted since you opened the page. Check the changes, then decide again.",
            code="stale",
        )


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
    if sign_off.partnership_id != partnership.pk:
        raise ValidationError("That sign-off belongs to another partnership.")
    subject = sign_off.subject
    subject_kind = subject_type_for(subject) if subject is not None else None
    if subject_kind is not None:
        # The subject's workflow first: every way of deciding takes the locks in the same order.
        subject_kind.sign_off_prepare(partnership=partnership, subject=subject)
    sign_off = _lock(partnership=partnership, sign_off=sign_off)
    partner = _approver_for(sign_off=sign_off, membership=membership, partner=partner)
    _require_awaiting(sign_off, expected_round=expected_round)
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
        decided.sign_off = sign_off
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
            f"{sign_off.approver_label(partner)} has already decided this round.", code="already_decided"
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
        if approved >= {a.key for a in sign_off.approver_set}:
            _set_state(
                partnership=partnership,
                sign_off=sign_off,
                to=State.APPROVED,
                actor=membership.person,
                reason=(
                    "Approved by the local authority, health and the police"
                    if sign_off.is_statutory
                    else "Approved by " + _and([a.label for a in sign_off.approver_set])
                ),
            )
        else:
            sign_off.save(update_fields=["updated_at"])
            return sign_off
    if subject_kind is not None:
        subject_kind.sign_off_settled(
            partnership=partnership, subject=subject, sign_off=sign_off, actor=membership.person, reason=comment
        )
    return sign_off


def _already_decided(decided: SignOffAction, *, person: Person) -> str:
    if decided.actor_id == person.pk:
        if decided.action == SignOffAction.Action.APPROVED:
            return "You have already approved this round."
        return "You have already sent this back in this round."
    who = decided.actor.full_name if decided.actor is not None else "another partner lead"
    verb = "approved" if decided.action == SignOffAction.Action.APPROVED else "sent it back"
    return f"{decided.approver_label} has already {verb} this round ({who})."


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
