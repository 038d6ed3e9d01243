"""Reads of a cycle's membership: its nominations (as each member may see them), who may nominate or shortlist,
and the members page in a fixed number of queries.

Who does what (seed 000: the partners nominate, the business manager shortlists, the board signs off):

- the three partner leads nominate anyone of the partnership; an agency lead nominates people of their own agency;
  the business managers, who run the hub, nominate too (nominations sent to them by email);
- the business managers shortlist, decline (with a reason) and put the shortlist to the partners for sign-off;
- the three partner leads sign off (the kernel's sign-off page; every way of deciding moves the nominations);
- a nomination is withdrawn by whoever made it or a business manager;
- the business managers and partner leads see every nomination; an agency lead sees their agency's and their own;
  every member sees the confirmed members.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from learninghub.models import HubCycle, HubMembershipRound, HubNomination, HubRole
from learninghub.report_sections import ReportSection, ReportTable, report_section
from partnership.models import MANAGER_ROLES, PARTNER_LEAD_ROLES, Agency, Membership, Partnership, Role, SignOff
from partnership.selectors.signoff import SignOffPanel, sign_off_for_subject, sign_off_panel

NominationState = HubNomination.State
HUB_ROLE_CHOICES = HubRole.choices
NOMINATOR_ROLES = frozenset({*MANAGER_ROLES, *PARTNER_LEAD_ROLES, Role.AGENCY_LEAD})
SHORTLIST_ROLES = MANAGER_ROLES
ALL_NOMINATIONS_READERS = frozenset({*MANAGER_ROLES, *PARTNER_LEAD_ROLES})
# The nominations still in play: one of these (or a confirmed one) stops the same person being nominated again.
OPEN_STATES = frozenset({NominationState.NOMINATED, NominationState.SHORTLISTED, NominationState.SUBMITTED})


def hub_can_nominate(*, membership: Membership) -> bool:
    return membership.has_role(*NOMINATOR_ROLES)


def hub_nominates_only_own_agency(*, membership: Membership) -> bool:
    """An agency lead (without a wider role) puts forward people of their own agency only."""
    return not membership.has_role(*MANAGER_ROLES, *PARTNER_LEAD_ROLES) and membership.has_role(Role.AGENCY_LEAD)


def hub_can_shortlist(*, membership: Membership) -> bool:
    return membership.has_role(*SHORTLIST_ROLES)


def hub_nomination_visible_to(*, nomination: HubNomination, membership: Membership) -> bool:
    if membership.has_role(*ALL_NOMINATIONS_READERS) or nomination.state == NominationState.CONFIRMED:
        return True
    if nomination.nominated_by_id is not None and nomination.nominated_by_id == membership.person_id:
        return True
    if nomination.member_id == membership.pk:
        return True  # their own nomination, whatever its state
    return membership.has_role(Role.AGENCY_LEAD) and nomination.agency_id == membership.agency_id


def hub_can_withdraw(*, nomination: HubNomination, membership: Membership) -> bool:
    if nomination.state not in (NominationState.NOMINATED, NominationState.SHORTLISTED):
        return False
    return membership.has_role(*MANAGER_ROLES) or (
        nomination.nominated_by_id is not None and nomination.nominated_by_id == membership.person_id
    )


def _nominations(*, partnership: Partnership) -> QuerySet[HubNomination]:
    return HubNomination.objects.in_partnership(partnership).select_related(
        "member__person", "agency", "nominated_by", "cycle"
    )


def hub_nominations(*, partnership: Partnership, cycle: HubCycle, membership: Membership) -> list[HubNomination]:
    """The cycle's nominations the member may see, by name (withdrawn ones only to those who read all)."""
    # Not joined to the cycle, which the caller has: one table fewer for PostgreSQL to weigh in planning the
    # members tab's one costly query (issue 13).
    rows = (
        HubNomination.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .select_related("member__person", "agency", "nominated_by")
        .order_by("member__person__full_name", "pk")
    )
    if not membership.has_role(*ALL_NOMINATIONS_READERS):
        rows = rows.exclude(state=NominationState.WITHDRAWN)
    nominations = [n for n in rows if hub_nomination_visible_to(nomination=n, membership=membership)]
    for nomination in nominations:
        nomination.cycle = cycle
    return nominations


def hub_nomination_get(
    *, partnership: Partnership, cycle: HubCycle, nomination_id: int, membership: Membership
) -> HubNomination:
    """One nomination of the cycle the member may see; another partnership's, another cycle's or a hidden one is
    as missing (``Http404``)."""
    nomination = _nominations(partnership=partnership).filter(cycle=cycle, pk=nomination_id).first()
    if nomination is None or not hub_nomination_visible_to(nomination=nomination, membership=membership):
        raise Http404("No such nomination.")
    return nomination


def hub_membership_round_current(*, partnership: Partnership, cycle: HubCycle) -> HubMembershipRound | None:
    return (
        HubMembershipRound.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .order_by("-created_at", "-pk")
        .first()
    )


def nominee_choices(*, partnership: Partnership, membership: Membership) -> list[Membership]:
    """The active members the nominator may put forward (an agency lead: their own agency's)."""
    members = (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, person__is_active=True)
        .select_related("person", "agency")
        .order_by("person__full_name", "pk")
    )
    if hub_nominates_only_own_agency(membership=membership):
        members = members.filter(agency_id=membership.agency_id)
    return list(members)


def agency_choices(*, partnership: Partnership) -> list[Agency]:
    return list(Agency.objects.in_partnership(partnership).filter(is_active=True).order_by("name", "pk"))


@dataclass
class MembersPage:
    """A cycle's members tab: the confirmed members, the nominations by state, the sign-off's state."""

    cycle: HubCycle
    nominations: list[HubNomination]
    confirmed: list[HubNomination] = field(default_factory=list)
    by_state: dict[str, list[HubNomination]] = field(default_factory=dict)
    round: HubMembershipRound | None = None
    sign_off: SignOff | None = None
    panel: SignOffPanel | None = None
    withdrawable: set[int] = field(default_factory=set)

    @property
    def awaiting_sign_off(self) -> bool:
        return self.sign_off is not None and self.sign_off.state == SignOff.State.AWAITING

    @property
    def shortlisted(self) -> list[HubNomination]:
        return self.by_state.get(NominationState.SHORTLISTED, [])


def hub_members_page(*, partnership: Partnership, cycle: HubCycle, membership: Membership) -> MembersPage:
    """The members tab in a fixed number of queries (nominations with people and agencies, the latest round, its
    sign-off and its actions), whatever the number of nominations."""
    nominations = hub_nominations(partnership=partnership, cycle=cycle, membership=membership)
    by_state: dict[str, list[HubNomination]] = {}
    for nomination in nominations:
        by_state.setdefault(nomination.state, []).append(nomination)
    round_ = hub_membership_round_current(partnership=partnership, cycle=cycle)
    sign_off = sign_off_for_subject(partnership=partnership, subject=round_) if round_ is not None else None
    return MembersPage(
        cycle=cycle,
        nominations=nominations,
        confirmed=by_state.get(NominationState.CONFIRMED, []),
        by_state=by_state,
        round=round_,
        sign_off=sign_off,
        panel=sign_off_panel(sign_off=sign_off, membership=membership) if sign_off is not None else None,
        withdrawable={n.pk for n in nominations if hub_can_withdraw(nomination=n, membership=membership)},
    )


@report_section(key="hub_members", order=15)
def hub_members_report_section(cycle: HubCycle) -> ReportSection | None:
    """The findings report's "Members of the hub": who was confirmed, for which agency, in which role (one query).
    Nothing before the membership is signed off."""
    confirmed = list(
        HubNomination.objects.in_partnership(cycle.partnership)
        .filter(cycle=cycle, state=NominationState.CONFIRMED)
        .select_related("member__person", "agency")
        .order_by("agency__name", "member__person__full_name", "pk")
    )
    if not confirmed:
        return None
    practitioners = sum(1 for n in confirmed if n.hub_role == HubRole.PRACTITIONER)
    agencies = len({n.agency_id for n in confirmed})
    return ReportSection(
        key="hub_members",
        title="Members of the hub",
        paragraphs=(
            f"{len(confirmed)} member{'s'[: len(confirmed) != 1]} from {agencies} agenc"
            f"{'ies' if agencies != 1 else 'y'}, signed off by the partners: {practitioners} practitioner"
            f"{'s'[: practitioners != 1]} and {len(confirmed) - practitioners} manager"
            f"{'s'[: len(confirmed) - practitioners != 1]}.",
        ),
        tables=(
            ReportTable(
                caption="Members of the hub",
                headers=("Name", "Agency", "Role in the hub"),
                rows=tuple(
                    (n.member.person.full_name or n.member.person.email, n.agency.name, n.get_hub_role_display())
                    for n in confirmed
                ),
            ),
        ),
    )
