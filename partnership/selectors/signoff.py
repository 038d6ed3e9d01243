"""Reads of sign-offs (by the three partners or another set of approvers), for ``signoff/_panel.html``.

Every read is scoped by the partnership (the sign-off's own, or the one
passed in), and the panel is built in a fixed number of queries however many
rounds there have been.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import Http404

from partnership.models import Membership, Partnership, Role, SignOff, SignOffAction
from partnership.models.signoff import Approver

DECISIONS = (SignOffAction.Action.APPROVED, SignOffAction.Action.SENT_BACK)


def sign_off_for_subject(*, partnership: Partnership, subject: Model) -> SignOff | None:
    """The sign-off of ``subject`` in this partnership, or None when none was requested."""
    return (
        SignOff.objects.in_partnership(partnership)
        .filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
        .select_related("requested_by")
        .first()
    )


def sign_off_all(*, partnership: Partnership) -> QuerySet[SignOff]:
    """Every sign-off of the partnership (the API's object lookups look among these)."""
    return SignOff.objects.in_partnership(partnership)


def sign_off_get(*, partnership: Partnership, sign_off_id: int) -> SignOff:
    """One sign-off of this partnership; another partnership's is as missing (404)."""
    sign_off = (
        SignOff.objects.in_partnership(partnership)
        .filter(pk=sign_off_id)
        .select_related("requested_by", "subject_type")
        .first()
    )
    if sign_off is None:
        raise Http404("No such sign-off.")
    return sign_off


def sign_off_history(*, sign_off: SignOff) -> QuerySet[SignOffAction]:
    """Every request, approval and send-back of every round, oldest first, with who did it."""
    actions = list(
        SignOffAction.objects.filter(partnership_id=sign_off.partnership_id, sign_off=sign_off)
        .select_related("actor")
        .order_by("round", "at", "id")
    )
    for action in actions:
        action.sign_off = sign_off  # its approver's label, without a query per row
    return actions


def sign_off_summary(*, sign_off: SignOff) -> list[tuple[str, SignOffAction | None]]:
    """Each approver's key (the partner, by default), in the set's order, with its decision this round.

    ``None`` means the approver has not decided yet this round.
    """
    decisions = {}
    for action in (
        SignOffAction.objects.filter(
            partnership_id=sign_off.partnership_id, sign_off=sign_off, round=sign_off.round, action__in=DECISIONS
        )
        .select_related("actor")
        .order_by("at", "id")
    ):
        action.sign_off = sign_off
        decisions[action.partner] = action
    return [(approver.key, decisions.get(approver.key)) for approver in sign_off.approver_set]


@dataclass
class SignOffRound:
    number: int
    actions: list[SignOffAction] = field(default_factory=list)


@dataclass
class SignOffPanel:
    """What the panel include and the decision form include show."""

    sign_off: SignOff
    # (approver, its decision in the current round or None), in the set's order (LA, health, police by default).
    summary: list[tuple[Approver, SignOffAction | None]]
    current_round: SignOffRound
    earlier_rounds: list[SignOffRound]
    # The approvers the viewing member may still decide for in this round (usually none or one).
    decidable_partners: list[Approver]

    @property
    def is_complete(self) -> bool:
        return self.sign_off.state == SignOff.State.APPROVED

    @property
    def approved_count(self) -> int:
        return sum(1 for _, a in self.summary if a is not None and a.action == SignOffAction.Action.APPROVED)

    @property
    def approver_count(self) -> int:
        return len(self.summary)

    @property
    def is_statutory(self) -> bool:
        return self.sign_off.is_statutory

    @property
    def can_decide(self) -> bool:
        return bool(self.decidable_partners)


def sign_off_panel(*, sign_off: SignOff, membership: Membership | None = None) -> SignOffPanel:
    """The state, each partner's current decision and the full history, in one query for the actions.

    With ``membership``, ``decidable_partners`` lists what that member may still
    decide (they lead the partner, it is awaiting, the partner has not decided).
    """
    history = sign_off_history(sign_off=sign_off)
    rounds: dict[int, SignOffRound] = {}
    for action in history:
        rounds.setdefault(action.round, SignOffRound(number=action.round)).actions.append(action)
    current = rounds.pop(sign_off.round, SignOffRound(number=sign_off.round))
    decisions = {a.partner: a for a in current.actions if a.action in DECISIONS}
    summary = [(approver, decisions.get(approver.key)) for approver in sign_off.approver_set]
    decidable: list[Approver] = []
    if membership is not None and sign_off.state == SignOff.State.AWAITING:
        decidable = [a for a, decision in summary if decision is None and a.admits(membership)]
    return SignOffPanel(
        sign_off=sign_off,
        summary=summary,
        current_round=current,
        earlier_rounds=sorted(rounds.values(), key=lambda r: r.number, reverse=True),
        decidable_partners=decidable,
    )


# Those who decide, run the process, or assure it. The comments can carry case detail, so not everyone.
SIGN_OFF_READERS = frozenset(
    {
        Role.BUSINESS_MANAGER,
        Role.PARTNER_LEAD_LOCAL_AUTHORITY,
        Role.PARTNER_LEAD_HEALTH,
        Role.PARTNER_LEAD_POLICE,
        Role.SCRUTINEER,
    }
)


def sign_off_readable(*, sign_off: SignOff, membership: Membership) -> bool:
    """Those who run or assure sign-offs read every one; an approver named by role or person reads their own.

    The one rule for the page and the API alike.
    """
    return membership.has_role(*SIGN_OFF_READERS) or any(a.admits(membership) for a in sign_off.approver_set)
