"""Reads of case audits: the programme, rounds, their cases and returns, and who may see which return.

Who sees a return: the practitioner named for it (the return's foreign key to
their membership AND their guardian grant on it, both in the same query), the
lead of the agency it is from, the business managers (who moderate), and the
partners' leads and the scrutineer (who read). Everyone else gets 404, exactly
as for a return that does not exist.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from audits.models import (
    AuditAnswer,
    AuditCase,
    AuditReturn,
    AuditReturnUserObjectPermission,
    AuditRound,
    PlannedAudit,
    TemplateKind,
    TemplateVersion,
)
from partnership.models import (
    MANAGER_ROLES,
    OVERSIGHT_ROLES,
    Agency,
    LearningTheme,
    Membership,
    Partnership,
    Role,
)
from partnership.models.priorities import Priority

if TYPE_CHECKING:
    from collections.abc import Sequence

# The rounds and the programme: the business managers run them; the partners' leads and the scrutineer read them.
ROUND_READ_ROLES = OVERSIGHT_ROLES
ROUND_MANAGE_ROLES = MANAGER_ROLES
# Who reaches "My audit returns": the people named for returns and the agency leads.
RETURN_ANSWER_ROLES = frozenset({Role.PRACTITIONER, Role.AGENCY_LEAD})
CASE_AUDIT_KINDS = (TemplateKind.CASE_AUDIT, TemplateKind.SINGLE_AGENCY)
RoundState = AuditRound.State
ReturnState = AuditReturn.State


# --- The programme ------------------------------------------------------------------------------------------


def planned_audit_list(*, partnership: Partnership, year: int | None = None) -> QuerySet[PlannedAudit]:
    """The programme by month, each with its theme and priority and ``round_count`` (one query)."""
    planned = PlannedAudit.objects.in_partnership(partnership).select_related("theme", "priority")
    if year is not None:
        planned = planned.filter(year=year)
    return planned.annotate(round_count=Count("rounds")).order_by("year", "month", "title", "id")


def planned_audit_years(*, partnership: Partnership) -> list[int]:
    return sorted(set(PlannedAudit.objects.in_partnership(partnership).values_list("year", flat=True)))


def planned_audit_get(*, partnership: Partnership, pk: int) -> PlannedAudit:
    planned = PlannedAudit.objects.in_partnership(partnership).filter(pk=pk).select_related("theme", "priority").first()
    if planned is None:
        raise Http404("No such planned audit.")
    return planned


def theme_choices(*, partnership: Partnership) -> QuerySet[LearningTheme]:
    return LearningTheme.objects.in_partnership(partnership).filter(is_active=True).order_by("name")


def priority_choices(*, partnership: Partnership) -> QuerySet[Priority]:
    return Priority.objects.in_partnership(partnership).filter(is_active=True).order_by("position", "title")


def case_audit_version_choices(*, partnership: Partnership) -> QuerySet[TemplateVersion]:
    """The published versions of case-audit templates a new round may use."""
    return (
        TemplateVersion.objects.in_partnership(partnership)
        .filter(state=TemplateVersion.State.PUBLISHED, template__kind__in=CASE_AUDIT_KINDS, template__is_archived=False)
        .select_related("template")
        .order_by("template__name", "-number")
    )


# --- Rounds -------------------------------------------------------------------------------------------------


def audit_round_list(*, partnership: Partnership) -> QuerySet[AuditRound]:
    """The rounds, newest due first (one query). Their counts are ``audit_round_counts``'s, for a page of them."""
    return (
        AuditRound.objects.in_partnership(partnership)
        .select_related("theme", "template_version__template")
        .order_by("-due_on", "-id")
    )


def audit_round_counts(*, partnership: Partnership, rounds: Sequence[AuditRound]) -> None:
    """Sets on each round its counts of screened and selected cases and of returns, all and in (one query).

    Counted for the rounds given, a page of them, and not annotated on the list: counting in the list's own query
    grouped every round the partnership ever ran, cases joined to returns, before the page's ``LIMIT`` (issue 13).
    """
    returns_in = Q(returns__state__in=[ReturnState.SUBMITTED, ReturnState.MODERATED])
    counts = {
        row["round_id"]: row
        for row in AuditCase.objects.in_partnership(partnership)
        .filter(round__in=[r.pk for r in rounds])
        .values("round_id")
        .annotate(
            screened=Count("pk", distinct=True),
            selected=Count("pk", filter=Q(selected=True), distinct=True),
            returns_total=Count("returns", distinct=True),
            returns_in=Count("returns", filter=returns_in, distinct=True),
        )
        .order_by()
    }
    for audit_round in rounds:
        row = counts.get(audit_round.pk, {})
        for name in ("screened", "selected", "returns_total", "returns_in"):
            setattr(audit_round, name, row.get(name, 0))


def audit_round_get(*, partnership: Partnership, pk: int) -> AuditRound:
    audit_round = (
        AuditRound.objects.in_partnership(partnership)
        .filter(pk=pk)
        .select_related("theme", "planned", "template_version__template", "created_by")
        .first()
    )
    if audit_round is None:
        raise Http404("No such audit.")
    return audit_round


@dataclass
class RoundPage:
    audit_round: AuditRound
    cases: list[AuditCase]
    screened: int
    selected: int
    returns_by_state: list[tuple[str, int]]


def audit_round_page(*, partnership: Partnership, audit_round: AuditRound) -> RoundPage:
    """The round's screened cases, each with its returns as ``case.round_returns`` (agency and practitioner loaded,
    in agency order): two queries."""
    cases = list(
        AuditCase.objects.in_partnership(partnership).filter(round=audit_round).order_by("-selected", "position", "id")
    )
    returns_of: dict[int, list[AuditReturn]] = defaultdict(list)
    for audit_return in (
        AuditReturn.objects.in_partnership(partnership)
        .filter(case__round=audit_round)
        .select_related("agency", "practitioner__person")
        .order_by("agency__name", "id")
    ):
        returns_of[audit_return.case_id].append(audit_return)
    for case in cases:
        # A list set on the case, not a prefetch: Django's prefetch builds a queryset for every case to hold its
        # rows, which was a sixth of a round's page and API answer with 100 cases (issue 13).
        case.round_returns = returns_of[case.pk]
    counted = Counter(r.state for c in cases for r in c.round_returns)
    states = [(label.lower(), counted[value]) for value, label in ReturnState.choices if counted[value]]
    return RoundPage(
        audit_round=audit_round,
        cases=cases,
        screened=len(cases),
        selected=sum(1 for c in cases if c.selected),
        returns_by_state=states,
    )


def audit_case_get(*, partnership: Partnership, pk: int) -> AuditCase:
    case = AuditCase.objects.in_partnership(partnership).filter(pk=pk).select_related("round").first()
    if case is None:
        raise Http404("No such case.")
    return case


def agency_choices_for_returns(*, partnership: Partnership) -> QuerySet[Agency]:
    return Agency.objects.in_partnership(partnership).filter(is_active=True).order_by("name")


def practitioner_choices(*, partnership: Partnership) -> QuerySet[Membership]:
    """Active members who can be named for a return, with their agency (one query)."""
    return (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, person__is_service_account=False)
        .select_related("person", "agency")
        .order_by("agency__name", "person__full_name")
    )


# --- Returns and who may see them -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnAccess:
    can_view: bool
    can_answer: bool
    can_moderate: bool


def _granted(membership: Membership) -> Exists:
    """The member's guardian grant on the return (``change_auditreturn``), as a subquery of the same query."""
    return Exists(
        AuditReturnUserObjectPermission.objects.filter(
            content_object=OuterRef("pk"),
            user_id=membership.person_id,
            permission__codename="change_auditreturn",
        )
    )


def _named_for(membership: Membership) -> Q:
    return Q(practitioner=membership) & Q(granted=True)


def return_access(*, membership: Membership, audit_return: AuditReturn, granted: bool) -> ReturnAccess:
    answering = granted and audit_return.practitioner_id == membership.pk
    manager = membership.has_role(*MANAGER_ROLES)
    can_view = (
        answering
        or membership.has_role(*OVERSIGHT_ROLES)
        or (membership.has_role(Role.AGENCY_LEAD) and audit_return.agency_id == membership.agency_id)
    )
    return ReturnAccess(can_view=can_view, can_answer=answering, can_moderate=manager)


def audit_return_get(*, partnership: Partnership, membership: Membership, pk: int) -> tuple[AuditReturn, ReturnAccess]:
    """A return the member may see, with its case, round, agency, practitioner and moderator; else 404.

    Not the round's template version, template or theme, which no return page shows (the questions are read by
    the version's id): each table joined makes PostgreSQL weigh more join orders, and with them this one query
    took 3.1 ms to plan and 0.3 ms to run (issue 13)."""
    audit_return = (
        AuditReturn.objects.in_partnership(partnership)
        .filter(pk=pk)
        .annotate(granted=_granted(membership))
        .select_related("case__round", "agency", "practitioner__person", "moderated_by")
        .first()
    )
    if audit_return is None:
        raise Http404("No such return.")
    access = return_access(membership=membership, audit_return=audit_return, granted=audit_return.granted)
    if not access.can_view:
        raise Http404("No such return.")
    return audit_return, access


def audit_returns_for_member(*, partnership: Partnership, membership: Membership) -> QuerySet[AuditReturn]:
    """ "My audit returns": those the member is named for (foreign key and grant), and, for an agency lead,
    every return of their agency. One query; the newest audit first (its cases in order), so that the first page of
    them is the month's, not the oldest year's."""
    condition = Q(practitioner=membership, granted=True)
    if membership.has_role(Role.AGENCY_LEAD):
        condition |= Q(agency_id=membership.agency_id)
    return (
        AuditReturn.objects.in_partnership(partnership)
        .annotate(granted=_granted(membership))
        .filter(condition)
        .select_related("case__round", "agency", "practitioner__person")
        .order_by("-case__round__due_on", "-case__round_id", "case__position", "id")
    )


def audit_answers_of(*, partnership: Partnership, audit_return: AuditReturn) -> dict[int, AuditAnswer]:
    """The return's answers by question id (one query).

    Their grades (``option``, ``moderated_option``) are not joined: ``audit_return_sheet`` gives each answer its
    options from its question's scale, loaded with the template. Two more tables in this query were 0.9 ms more
    for PostgreSQL to plan on every return page and API read (issue 13)."""
    return {a.question_id: a for a in AuditAnswer.objects.in_partnership(partnership).filter(audit_return=audit_return)}


def audit_round_returns(*, partnership: Partnership, audit_round: AuditRound) -> QuerySet[AuditReturn]:
    return (
        AuditReturn.objects.in_partnership(partnership)
        .filter(case__round=audit_round)
        .select_related("case", "agency", "practitioner__person")
    )


def agency_leads_by_agency(*, partnership_ids: set[int], agency_ids: set[int]) -> dict[tuple[int, int], list]:
    """The active agency leads of these agencies, by (partnership id, agency id): one query, for the deadline
    sweep (which escalates overdue returns of every partnership at once)."""
    leads = (
        Membership.objects.filter(
            partnership_id__in=partnership_ids,
            agency_id__in=agency_ids,
            is_active=True,
            person__is_active=True,
            roles__role=Role.AGENCY_LEAD,
        )
        .select_related("person", "agency")
        .order_by("person__full_name", "person__email")
    )
    found: dict[tuple[int, int], list] = {}
    for lead in leads:
        found.setdefault((lead.partnership_id, lead.agency_id), []).append(
            (lead.person, f"the agency lead of {lead.agency.name}")
        )
    return found
