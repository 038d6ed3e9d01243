"""Membership of a learning hub cycle: nominated by the partners, shortlisted by the business manager, signed off
by the three partners, confirmed and invited with a letter and information pack.

The nomination's workflow (``HubNomination.ALLOWED_MOVES``), moved only through the kernel's ``state_move``::

    nominated ──shortlist──▶ shortlisted ──submit──▶ awaiting sign-off ──all three approve──▶ confirmed
        │                     │   ▲                        │
        │                     │   └────── sent back ◀──────┘ (any one partner, with a reason)
        ├──decline──▶ declined ◀──┘ (with a reason; reconsidered: shortlisted again)
        └──withdraw──▶ withdrawn (also from the shortlist)

The shortlist is put to the partners as one ``HubMembershipRound``, the subject of one kernel sign-off
(``partnership.services.signoff``; its approvers are the round's declared ones: the three statutory partners).
Whichever way the partners decide (the sign-off page, the API), the round's nominations move with the sign-off
through ``hub_membership_sign_off_settled`` (declared in ``learninghub.subjects``). Signed off: each is confirmed,
its introductory letter and information pack is made a PDF by the kernel's documents engine (from the cycle, its
priority, its phases and their dates) and the member is emailed a link to it. Sent back: each returns to the
shortlist, and the next submission is the sign-off's next round.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from learninghub.models import HubCycle, HubMembershipRound, HubNomination, HubRole
from learninghub.selectors.cycles import hub_phases
from learninghub.selectors.members import (
    OPEN_STATES,
    hub_can_nominate,
    hub_can_shortlist,
    hub_can_withdraw,
    hub_nominates_only_own_agency,
)
from learninghub.selectors.plans import KIND_LABELS, delivery_plan_page
from partnership.models import PARTNER_LEAD_ROLES, Agency, Membership, MembershipRole, Partnership, Person, SignOff
from partnership.services.documents import document_render_request
from partnership.services.history import tenant_create
from partnership.services.mail import email_send_after_commit
from partnership.services.signoff import sign_off_request
from partnership.services.states import REFUSED_MOVE, refuse_unless_allowed, state_move
from partnership.subjects import subject_url

State = HubNomination.State
WHY_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 2000
LETTER_KIND = "hub_member_letter"
LETTER_TEMPLATE = "learninghub/documents/member_letter.html"

_MOVE_WORDS = {
    State.SHORTLISTED: "shortlisted",
    State.DECLINED: "declined",
    State.WITHDRAWN: "withdrawn",
    State.SUBMITTED: "put to the partners",
    State.CONFIRMED: "confirmed",
}


def _refusal(current: str, to: str) -> str:
    return f"A nomination that is “{State(current).label.lower()}” cannot be {_MOVE_WORDS[State(to)]}."


def _active(cycle: HubCycle) -> None:
    if cycle.state != HubCycle.State.ACTIVE:
        raise ValidationError(
            f"This cycle is {cycle.get_state_display().lower()}: its membership can no longer change."
        )


def _text(value: str, *, name: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({name: [f"Use at most {limit} characters (you used {len(value)})."]})
    return value


def _locked(partnership: Partnership, nomination: HubNomination) -> HubNomination:
    locked = (
        HubNomination.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .filter(pk=nomination.pk)
        .select_related("cycle", "member__person")
        .first()
    )
    if locked is None:
        raise ValidationError("No such nomination in this partnership.")
    return locked


@transaction.atomic
def hub_nomination_create(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    cycle: HubCycle,
    member_id: int | None,
    hub_role: str,
    agency_id: int | None = None,
    why: str = "",
) -> HubNomination:
    """Put a member of the partnership forward for the cycle's hub, as a practitioner or a manager, for an agency.

    Refused with ``PermissionDenied`` unless ``membership`` may nominate (a partner lead, an agency lead, a
    business manager). ``ValidationError`` by field, nothing written: ``member_id`` not an active member of this
    partnership (another partnership's is as unknown), of another agency for an agency lead, or already put
    forward for this cycle; ``agency_id`` (default: the member's own agency) not an active agency of this
    partnership; ``hub_role`` not practitioner or manager; ``why`` too long. Only while the cycle is in progress.
    Leaves a history row.
    """
    if not hub_can_nominate(membership=membership):
        raise PermissionDenied("Only the partner leads, agency leads and business managers nominate hub members.")
    _active(cycle)
    errors: dict[str, list[str]] = {}
    member = (
        Membership.objects.in_partnership(partnership)
        .filter(pk=member_id, is_active=True, person__is_active=True)
        .select_related("person", "agency")
        .first()
        if isinstance(member_id, int)
        else None
    )
    if member is None:
        errors["member_id"] = ["Choose a member of this partnership."]
    elif hub_nominates_only_own_agency(membership=membership) and member.agency_id != membership.agency_id:
        errors["member_id"] = ["As an agency lead you nominate people of your own agency."]
    elif (
        HubNomination.objects.in_partnership(partnership)
        .filter(cycle=cycle, member=member, state__in=[*OPEN_STATES, State.CONFIRMED, State.DECLINED])
        .exists()
    ):
        errors["member_id"] = ["This person has already been nominated for this cycle."]
    if hub_role not in HubRole.values:
        errors["hub_role"] = ["Choose practitioner or manager."]
    agency = None
    if agency_id is None and member is not None:
        agency = member.agency
    elif agency_id is not None:
        agency = (
            Agency.objects.in_partnership(partnership).filter(pk=agency_id, is_active=True).first()
            if isinstance(agency_id, int)
            else None
        )
        if agency is None:
            errors["agency_id"] = ["Choose one of this partnership's agencies."]
        elif hub_nominates_only_own_agency(membership=membership) and agency.pk != membership.agency_id:
            errors["agency_id"] = ["As an agency lead you nominate for your own agency."]
    if agency is None and "agency_id" not in errors and "member_id" not in errors:
        errors["agency_id"] = ["Choose one of this partnership's agencies."]
    try:
        why = _text(why, name="why", limit=WHY_MAX_LENGTH)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=HubNomination(
            partnership=partnership,
            cycle=cycle,
            member=member,
            agency=agency,
            hub_role=hub_role,
            why=why,
            nominated_by=actor,
        ),
    )


@transaction.atomic
def hub_nomination_shortlist(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    nomination: HubNomination,
    shortlist: bool,
    reason: str = "",
) -> HubNomination:
    """Shortlist a nomination (a declined one is reconsidered) or decline it with a reason.

    Business managers only (``PermissionDenied``); only while the cycle is in progress. A decline needs a reason
    (``reason``), kept on the nomination and in its history. A move the table refuses is a ``refused_move``.
    """
    if not hub_can_shortlist(membership=membership):
        raise PermissionDenied("Only a business manager shortlists hub members.")
    locked = _locked(partnership, nomination)
    _active(locked.cycle)
    to = State.SHORTLISTED if shortlist else State.DECLINED
    refuse_unless_allowed(locked, to, refusal=_refusal)
    reason = _text(reason, name="reason", limit=REASON_MAX_LENGTH)
    if not shortlist and not reason:
        raise ValidationError({"reason": ["Say why the nomination is declined."]})
    moved = state_move(
        partnership=partnership,
        actor=actor,
        instance=locked,
        to=to,
        fields={"decline_reason": "" if shortlist else reason},
        reason=reason,
        refusal=_refusal,
    )
    nomination.state, nomination.decline_reason = moved.state, moved.decline_reason
    return moved


@transaction.atomic
def hub_nomination_withdraw(
    *, partnership: Partnership, actor: Person, membership: Membership, nomination: HubNomination, reason: str = ""
) -> HubNomination:
    """Withdraw a nomination not yet put to the partners: whoever made it, or a business manager
    (``PermissionDenied``). The person may be nominated again."""
    locked = _locked(partnership, nomination)
    _active(locked.cycle)
    refuse_unless_allowed(locked, State.WITHDRAWN, refusal=_refusal)
    if not hub_can_withdraw(nomination=locked, membership=membership):
        raise PermissionDenied("Only whoever made the nomination, or a business manager, withdraws it.")
    reason = _text(reason, name="reason", limit=REASON_MAX_LENGTH)
    moved = state_move(
        partnership=partnership, actor=actor, instance=locked, to=State.WITHDRAWN, reason=reason, refusal=_refusal
    )
    nomination.state = moved.state
    return moved


def _cycle_locked(partnership: Partnership, cycle: HubCycle) -> HubCycle:
    locked = HubCycle.objects.in_partnership(partnership).select_for_update().filter(pk=cycle.pk).first()
    if locked is None:
        raise ValidationError("No such learning hub cycle in this partnership.")
    return locked


@transaction.atomic
def hub_membership_submit(
    *, partnership: Partnership, actor: Person, membership: Membership, cycle: HubCycle
) -> HubMembershipRound:
    """Put the cycle's shortlist to the partners for sign-off.

    Business managers only (``PermissionDenied``). Every shortlisted nomination becomes "awaiting sign-off" in a
    round: after a send-back, the sent-back round again (the kernel's sign-off starts its next round); else a new
    one. The kernel's sign-off is requested on the round and the partner leads are emailed after commit.
    Refused (``ValidationError``, nothing written) when nothing is shortlisted or a shortlist already awaits
    sign-off (code ``refused_move``), or the cycle is not in progress.
    """
    if not hub_can_shortlist(membership=membership):
        raise PermissionDenied("Only a business manager puts the shortlist to the partners.")
    cycle = _cycle_locked(partnership, cycle)
    _active(cycle)
    nominations = HubNomination.objects.in_partnership(partnership).filter(cycle=cycle)
    if nominations.filter(state=State.SUBMITTED).exists():
        raise ValidationError("A shortlist is already awaiting the partners' sign-off.", code=REFUSED_MOVE)
    shortlisted = list(
        nominations.filter(state=State.SHORTLISTED).select_for_update(of=("self",)).select_related("member__person")
    )
    if not shortlisted:
        raise ValidationError("Shortlist at least one nomination first.", code=REFUSED_MOVE)
    round_ = HubMembershipRound.objects.in_partnership(partnership).filter(cycle=cycle).order_by("-created_at", "-pk")
    round_ = round_.first()
    sign_off = None
    if round_ is not None:
        from partnership.selectors.signoff import sign_off_for_subject

        sign_off = sign_off_for_subject(partnership=partnership, subject=round_)
    if round_ is None or sign_off is None or sign_off.state != SignOff.State.SENT_BACK:
        round_ = tenant_create(
            partnership=partnership,
            actor=actor,
            instance=HubMembershipRound(partnership=partnership, cycle=cycle, requested_by=actor),
        )
    for nomination in shortlisted:
        state_move(
            partnership=partnership,
            actor=actor,
            instance=nomination,
            to=State.SUBMITTED,
            fields={"round": round_},
            reason="Put to the partners for sign-off",
            refusal=_refusal,
        )
    sign_off_request(partnership=partnership, actor=actor, subject=round_)
    _ask_partner_leads(partnership=partnership, cycle=cycle, round_=round_, count=len(shortlisted))
    return round_


def _ask_partner_leads(*, partnership: Partnership, cycle: HubCycle, round_: HubMembershipRound, count: int) -> None:
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
    body = render_to_string(
        "emails/hub_membership_sign_off_requested.txt",
        {
            "partnership": partnership,
            "cycle": cycle,
            "count": count,
            "url": settings.SITE_URL + subject_url(round_),
        },
    )
    email_send_after_commit(
        subject=f"{partnership.name}: learning hub membership for “{cycle.title}” needs your sign-off"[:250],
        body=body,
        to=recipients,
    )


def _round_nominations(*, partnership: Partnership, round_: HubMembershipRound) -> list[HubNomination]:
    return list(
        HubNomination.objects.in_partnership(partnership)
        .filter(round=round_, state__in=[State.SUBMITTED, State.CONFIRMED])
        .select_for_update(of=("self",))
        .select_related("member__person", "agency")
        .order_by("pk")
    )


@transaction.atomic
def hub_membership_sign_off_prepare(*, partnership: Partnership, round: HubMembershipRound) -> None:
    """Before any partner decides: lock the round's nominations; refuse unless some await sign-off and the cycle is
    in progress. Declared as the round's ``sign_off_prepare``."""
    nominations = _round_nominations(partnership=partnership, round_=round)
    if not any(n.state == State.SUBMITTED for n in nominations):
        raise ValidationError("This shortlist is no longer awaiting sign-off.", code="wrong_state")
    cycle = HubCycle.objects.in_partnership(partnership).filter(pk=round.cycle_id).first()
    if cycle is None or cycle.state != HubCycle.State.ACTIVE:
        raise ValidationError("This cycle is no longer in progress.", code="wrong_state")


@transaction.atomic
def hub_membership_sign_off_settled(
    *,
    partnership: Partnership,
    round: HubMembershipRound,
    sign_off: SignOff,
    actor: Person,
    reason: str,
) -> None:
    """The partners' decision on a shortlist, applied to each of its nominations in the decision's transaction.

    Approved by all three: each is confirmed (``confirmed_at``), its letter and information pack is rendered
    (``hub_member_letter_request``) and the member is emailed a link to it after commit. Sent back by any one:
    each returns to the shortlist with the reason in its history.
    """
    nominations = [n for n in _round_nominations(partnership=partnership, round_=round) if n.state == State.SUBMITTED]
    if sign_off.state == SignOff.State.APPROVED:
        confirmed_at = sign_off.completed_at or timezone.now()
        for nomination in nominations:
            state_move(
                partnership=partnership,
                actor=actor,
                instance=nomination,
                to=State.CONFIRMED,
                fields={"confirmed_at": confirmed_at},
                reason="Membership signed off by the partners",
                refusal=_refusal,
            )
        cycle = HubCycle.objects.in_partnership(partnership).select_related("priority").get(pk=round.cycle_id)
        for nomination in nominations:
            version = hub_member_letter_request(
                partnership=partnership, actor=actor, cycle=cycle, nomination=nomination
            )
            _invite(partnership=partnership, cycle=cycle, nomination=nomination, version_id=version.pk)
    elif sign_off.state == SignOff.State.SENT_BACK:
        for nomination in nominations:
            state_move(
                partnership=partnership,
                actor=actor,
                instance=nomination,
                to=State.SHORTLISTED,
                reason=reason or "Sent back by the partners",
                refusal=_refusal,
            )


def hub_member_letter_context(*, partnership: Partnership, cycle: HubCycle, nomination: HubNomination) -> dict:
    """What the letter and information pack say: the cycle, its priority, its phases and their dates, the delivery
    plan as it stands (its figures by period, measures, guidance and evidence), the member's place in the hub and
    the hub's confirmed members."""
    members = list(
        HubNomination.objects.in_partnership(partnership)
        .filter(cycle=cycle, state=State.CONFIRMED)
        .select_related("member__person", "agency")
        .order_by("member__person__full_name", "pk")
    )
    plan_page = delivery_plan_page(partnership=partnership, cycle=cycle)
    return {
        "cycle": cycle,
        "priority": cycle.priority,
        "phases": hub_phases(partnership=partnership, cycle=cycle),
        "nomination": nomination,
        "person": nomination.member.person,
        "members": members,
        # Seed 000: members read the delivery plan's data before the first hub meeting. ``None`` before it is started.
        "plan": plan_page if plan_page.plan is not None else None,
        "plan_kind_labels": KIND_LABELS,
    }


def hub_member_letter_request(
    *, partnership: Partnership, actor: Person | None, cycle: HubCycle, nomination: HubNomination
):
    """Ask the kernel's documents engine for the member's introductory letter and information pack (a PDF made by
    the worker; the same content twice is the same version). Returns the ``DocumentVersion``."""
    person = nomination.member.person
    return document_render_request(
        partnership=partnership,
        actor=actor,
        subject=nomination,
        kind=LETTER_KIND,
        title=f"Learning hub letter and information pack: {person.full_name or person.email}"[:200],
        template_name=LETTER_TEMPLATE,
        context=hub_member_letter_context(partnership=partnership, cycle=cycle, nomination=nomination),
    )


def _invite(*, partnership: Partnership, cycle: HubCycle, nomination: HubNomination, version_id: int) -> None:
    person = nomination.member.person
    letter = reverse("partnership:document_status", kwargs={"slug": partnership.slug, "version_id": version_id})
    page = reverse("learninghub:cycle_members", kwargs={"slug": partnership.slug, "hub_cycle_id": cycle.pk})
    body = render_to_string(
        "emails/hub_member_invitation.txt",
        {
            "partnership": partnership,
            "cycle": cycle,
            "nomination": nomination,
            "person": person,
            "letter_url": settings.SITE_URL + letter,
            "url": settings.SITE_URL + page,
        },
    )
    email_send_after_commit(
        subject=f"{partnership.name}: you are a member of the learning hub for “{cycle.title}”"[:250],
        body=body,
        to=[person.email],
    )


__all__ = [
    "LETTER_KIND",
    "hub_member_letter_context",
    "hub_member_letter_request",
    "hub_membership_sign_off_prepare",
    "hub_membership_sign_off_settled",
    "hub_membership_submit",
    "hub_nomination_create",
    "hub_nomination_shortlist",
    "hub_nomination_withdraw",
]
