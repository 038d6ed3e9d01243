"""Reads of the challenge log: who reads and who answers a challenge, the list and one challenge, and the reports'
``challenges`` section.

Who reads: the business managers, the three partners' leads and the scrutineer read every challenge; an agency lead
reads the challenges addressed to their own agency (they answer them). Anyone else, and another partnership's
challenge, is a 404 like a missing one.

Who answers: the agency leads of the addressed agency and, when that agency is one of the three statutory partners,
that partner's lead. Only the scrutineer raises, accepts, escalates and closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from partnership.models import (
    OVERSIGHT_ROLES,
    PARTNER_LEAD_ROLES,
    Agency,
    Membership,
    Partnership,
    Person,
    Role,
    StatutoryPartner,
)
from partnership.selectors.recommendations import recommendations_for_sources
from scrutiny.models import Challenge
from scrutiny.models.challenges import (  # noqa: F401 (the forms' and the API's vocabulary)
    REASON_MAX_LENGTH,
    SUBJECT_LABEL_MAX_LENGTH,
    SUBJECT_PATH_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)
from scrutiny.report_sections import ReportScope, ReportSection, ReportTable, report_section

State = Challenge.State
# The partners a recommendation made from a challenge can be led by, with their names.
LEAD_PARTNER_CHOICES = StatutoryPartner.choices
# Who reads the whole log; an agency lead reads their own agency's challenges too.
CHALLENGE_READER_ROLES = OVERSIGHT_ROLES
CHALLENGE_PAGE_ROLES = frozenset({*OVERSIGHT_ROLES, Role.AGENCY_LEAD})
# Who raises, accepts, escalates and closes challenges: the independent scrutineer only.
CHALLENGE_SCRUTINEER_ROLES = frozenset({Role.SCRUTINEER})
# Who may answer for an agency: its agency leads; for a statutory partner's agency, that partner's lead too.
CHALLENGE_RESPONDER_ROLES = frozenset({Role.AGENCY_LEAD, *PARTNER_LEAD_ROLES})
# The kernel deadline that chases the answer.
RESPONSE_DEADLINE = "challenge_response"
# The default time to answer, in working days of the partnership's calendar (as a rapid review's 15).
RESPONSE_WORKING_DAYS = 15
MOVABLE_TO_RECOMMENDATION = (State.ACCEPTED, State.ESCALATED)
_LEAD_ROLE_OF_PARTNER = {partner: role for role, partner in PARTNER_LEAD_ROLES.items()}


def challenge_queryset(*, partnership: Partnership) -> QuerySet[Challenge]:
    """Every challenge of the partnership, with what a list shows loaded (no query per row)."""
    return Challenge.objects.in_partnership(partnership).select_related(
        "agency", "raised_by__person", "responded_by__person"
    )


def _reads_all(membership: Membership) -> bool:
    return membership.has_role(*CHALLENGE_READER_ROLES)


def challenges_visible(
    *, partnership: Partnership, membership: Membership, state: str | None = None
) -> QuerySet[Challenge]:
    """The challenges the member may read, newest first, optionally of one state."""
    rows = challenge_queryset(partnership=partnership)
    if not _reads_all(membership):
        if not membership.has_role(Role.AGENCY_LEAD):
            return rows.none()
        rows = rows.filter(agency_id=membership.agency_id)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-raised_on", "-id")


def challenge_get(*, partnership: Partnership, membership: Membership, challenge_id: int) -> Challenge:
    """One challenge the member may read; another partnership's, or one they may not read, is a 404."""
    challenge = (
        challenges_visible(partnership=partnership, membership=membership).filter(pk=challenge_id).first()
        if 0 < challenge_id <= 2**63 - 1
        else None
    )
    if challenge is None:
        raise Http404("No such challenge.")
    return challenge


def challenge_visible_to(challenge: Challenge, membership: Membership) -> bool:
    if challenge.partnership_id != membership.partnership_id:
        return False
    return _reads_all(membership) or (
        membership.has_role(Role.AGENCY_LEAD) and membership.agency_id == challenge.agency_id
    )


def challenge_can_respond(challenge: Challenge, membership: Membership) -> bool:
    """Whether the member answers for the addressed agency (or partner)."""
    if challenge.partnership_id != membership.partnership_id:
        return False
    if membership.has_role(Role.AGENCY_LEAD) and membership.agency_id == challenge.agency_id:
        return True
    partner = challenge.agency.statutory_partner
    return bool(partner) and partner in membership.partner_lead_for


def _responders_q(agency: Agency) -> Q:
    q = Q(agency_id=agency.pk, roles__role=Role.AGENCY_LEAD)
    if agency.statutory_partner:
        q |= Q(roles__role=_LEAD_ROLE_OF_PARTNER[agency.statutory_partner])
    return q


def challenge_responders(*, partnership: Partnership, agency: Agency) -> list[Membership]:
    """The active members who answer for ``agency``: the partner's lead first, then its agency leads."""
    rows = (
        Membership.objects.in_partnership(partnership)
        .filter(_responders_q(agency), is_active=True, person__is_active=True)
        .select_related("person")
        .prefetch_related("roles")
        .distinct()
        .order_by("person__full_name", "person__email")
    )
    members = list(rows)
    return sorted(members, key=lambda m: not (agency.statutory_partner and m.partner_lead_for))


def challenge_responders_by_agency(*, agencies: list[Agency]) -> dict[int, list[Person]]:
    """The people who answer for each agency, by agency id, across partnerships: one query (the deadline sweep)."""
    if not agencies:
        return {}
    q = Q()
    for agency in agencies:
        q |= Q(partnership_id=agency.partnership_id) & _responders_q(agency)
    rows = (
        Membership.objects.filter(q, is_active=True, person__is_active=True)
        .select_related("person", "agency")
        .prefetch_related("roles")
        .distinct()
    )
    by_agency: dict[int, list[Person]] = {agency.pk: [] for agency in agencies}
    for member in rows:
        for agency in agencies:
            if agency.partnership_id != member.partnership_id:
                continue
            own = member.agency_id == agency.pk and member.has_role(Role.AGENCY_LEAD)
            partner = bool(agency.statutory_partner) and agency.statutory_partner in member.partner_lead_for
            if (own or partner) and member.person not in by_agency[agency.pk]:
                by_agency[agency.pk].append(member.person)
    return by_agency


def challenge_agencies(*, partnership: Partnership) -> QuerySet[Agency]:
    """The agencies a challenge can be addressed to: the partnership's active ones, statutory partners first."""
    return Agency.objects.in_partnership(partnership).filter(is_active=True).order_by("-statutory_partner", "name")


def challenge_recommendations(*, partnership: Partnership, challenge: Challenge) -> list:
    """The kernel recommendations this challenge produced (one query)."""
    return recommendations_for_sources(partnership=partnership, model=Challenge, source_ids=[challenge.pk]).get(
        challenge.pk, []
    )


def challenge_is_overdue(challenge: Challenge, *, today: date) -> bool:
    return challenge.state == State.OPEN and challenge.due_on < today


# --- The reports' section ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChallengePeriod:
    raised: int
    answered: int
    overdue: int
    rows: tuple[Challenge, ...]


def challenges_in_period(*, partnership: Partnership, start: date, end: date) -> ChallengePeriod:
    """Challenges raised, answered and overdue in ``start`` to ``end``, and the rows a report lists: those raised in
    the period or still waiting for their answer during it. One query.

    Overdue: its answer was due within or before the period and came after the due date or, by the period's end,
    not at all.
    """
    rows = tuple(
        challenge_queryset(partnership=partnership)
        .filter(raised_on__lte=end)
        .filter(Q(raised_on__gte=start) | Q(responded_on__isnull=True) | Q(responded_on__gte=start))
        .order_by("raised_on", "id")
    )
    raised = sum(1 for c in rows if c.raised_on >= start)
    answered = sum(1 for c in rows if c.responded_on is not None and start <= c.responded_on <= end)
    overdue = sum(1 for c in rows if _overdue_by(c, end))
    return ChallengePeriod(raised=raised, answered=answered, overdue=overdue, rows=rows)


def _overdue_by(challenge: Challenge, end: date) -> bool:
    if challenge.due_on >= end:
        return False
    answered = challenge.responded_on
    return answered is None or answered > end or answered > challenge.due_on


@report_section(key="challenges", order=60)
def challenges_report_section(scope: ReportScope) -> ReportSection | None:
    """Challenges and responses in the report's period: the counts, then each challenge (no child is named: a
    challenge is about a record or figure, by its label and reference)."""
    period = challenges_in_period(partnership=scope.partnership, start=scope.start, end=scope.end)
    if not period.rows:
        return None
    span = f"{scope.start:%-d %B %Y} to {scope.end:%-d %B %Y}"
    paragraphs = (
        f"From {span} the independent scrutineer raised {period.raised} challenge{'s' if period.raised != 1 else ''}; "
        f"{period.answered} {'were' if period.answered != 1 else 'was'} answered in the period and "
        f"{period.overdue} answer{'s were' if period.overdue != 1 else ' was'} overdue.",
    )
    table = ReportTable(
        caption=f"Challenges raised or awaiting an answer, {span}",
        headers=("Reference", "Addressed to", "About", "Raised", "Answer due", "Answered", "State"),
        rows=tuple(
            (
                c.reference,
                c.agency.name,
                c.subject_label,
                f"{c.raised_on:%-d %b %Y}",
                f"{c.due_on:%-d %b %Y}",
                f"{c.responded_on:%-d %b %Y}" if c.responded_on else "Not yet",
                c.get_state_display(),
            )
            for c in period.rows
        ),
    )
    return ReportSection(key="challenges", title="Challenges and responses", paragraphs=paragraphs, tables=(table,))
