"""Reads of learning hub sessions: a cycle's sessions, one session's page (attendance, notes, actions), who may
tick an action, and the members an invitation can be made for.

Every read names its partnership; another partnership's id is as missing (``Http404``). A session's page reads
a fixed number of queries whatever its attendance and actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from learninghub.models import HubCycle, HubSession, HubSessionAction, HubSessionAttendance, SessionKind
from learninghub.report_sections import ReportSection, ReportTable, report_section
from partnership.models import MANAGER_ROLES, Membership, Partnership
from partnership.selectors import history_rows_merged

# Every member reads the hub's sessions and downloads their invitations; the business managers, who run the
# hub, schedule sessions and record attendance, notes and actions. An action's owner ticks it.
SESSION_MANAGE_ROLES = MANAGER_ROLES
SessionState = HubSession.State
SESSION_KIND_LABELS = dict(SessionKind.choices)


def hub_session_list(*, partnership: Partnership, cycle: HubCycle) -> QuerySet[HubSession]:
    """A cycle's sessions, soonest first, each with its counts of attendance and actions (one query)."""
    return (
        HubSession.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .annotate(
            attended_count=Count("attendance", filter=Q(attendance__status="attended"), distinct=True),
            actions_open=Count("actions", filter=Q(actions__done_at__isnull=True), distinct=True),
        )
        .order_by("starts_at", "id")
    )


def hub_sessions_all(*, partnership: Partnership) -> QuerySet[HubSession]:
    return HubSession.objects.in_partnership(partnership)


@report_section(key="sessions", order=15)
def hub_sessions_report_section(cycle: HubCycle) -> ReportSection | None:
    """The findings report's record of the hub's meetings: each session held, who came, the actions agreed
    (one query). Nothing when no session was held."""
    held = list(
        hub_session_list(partnership=cycle.partnership, cycle=cycle)
        .filter(state=HubSession.State.HELD)
        .annotate(
            apologies_count=Count("attendance", filter=Q(attendance__status="apologies"), distinct=True),
            actions_total=Count("actions", distinct=True),
        )
    )
    if not held:
        return None
    rows = tuple(
        (
            f"{timezone.localtime(s.starts_at):%-d %B %Y}",
            s.title,
            str(s.attended_count),
            str(s.apologies_count),
            f"{s.actions_total - s.actions_open} of {s.actions_total}",
        )
        for s in held
    )
    return ReportSection(
        key="sessions",
        title="The hub's sessions",
        paragraphs=(f"The hub met {len(held)} time{'s'[: len(held) != 1]} during the cycle.",),
        tables=(
            ReportTable(
                caption="Sessions held, attendance and actions",
                headers=("Date", "Session", "Attended", "Apologies", "Actions done"),
                rows=rows,
            ),
        ),
    )


def hub_session_get(*, partnership: Partnership, session_id: int) -> HubSession:
    session = (
        HubSession.objects.in_partnership(partnership)
        .filter(pk=session_id)
        .select_related("cycle__priority", "created_by")
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    return session


def hub_session_attendance(*, partnership: Partnership, session: HubSession) -> list[HubSessionAttendance]:
    return list(
        HubSessionAttendance.objects.in_partnership(partnership)
        .filter(session=session)
        .select_related("member__person", "member__agency")
        .order_by("member__person__full_name", "pk")
    )


def hub_session_actions(*, partnership: Partnership, session: HubSession) -> list[HubSessionAction]:
    return list(
        HubSessionAction.objects.in_partnership(partnership)
        .filter(session=session)
        .select_related("owner__person", "done_by")
        .order_by("due_on", "id")
    )


def hub_session_action_get(*, partnership: Partnership, action_id: int) -> HubSessionAction:
    action = (
        HubSessionAction.objects.in_partnership(partnership)
        .filter(pk=action_id)
        .select_related("session", "owner__person")
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    return action


def hub_session_action_can_tick(*, membership: Membership, action: HubSessionAction) -> bool:
    """Its owner or a business manager ticks an action."""
    return membership.has_role(*SESSION_MANAGE_ROLES) or action.owner_id == membership.pk


def session_member_get(*, partnership: Partnership, member_id: int) -> Membership:
    """An active member of the partnership, for their own invitation (anyone else is as missing)."""
    member = (
        Membership.objects.in_partnership(partnership)
        .filter(pk=member_id, is_active=True)
        .select_related("person")
        .first()
    )
    if member is None:
        raise Http404("No such member.")
    return member


def member_label(member: Membership) -> str:
    return member.person.full_name or member.person.email


@dataclass
class SessionPage:
    session: HubSession
    attended: list[HubSessionAttendance]
    apologies: list[HubSessionAttendance]
    actions: list[HubSessionAction]
    tickable: set[int] = field(default_factory=set)
    history: list = field(default_factory=list)


def hub_session_page(*, partnership: Partnership, session: HubSession, membership: Membership) -> SessionPage:
    """The session's page in three queries (attendance, actions with owners, history)."""
    attendance = hub_session_attendance(partnership=partnership, session=session)
    actions = hub_session_actions(partnership=partnership, session=session)
    for action in actions:
        action.owner_label = member_label(action.owner)
    return SessionPage(
        session=session,
        attended=[a for a in attendance if a.status == HubSessionAttendance.Status.ATTENDED],
        apologies=[a for a in attendance if a.status == HubSessionAttendance.Status.APOLOGIES],
        actions=actions,
        tickable={a.pk for a in actions if hub_session_action_can_tick(membership=membership, action=a)},
        history=history_rows_merged(partnership=partnership, objects=[session, *actions], limit=50),
    )
