"""Demo data for the learning hub: one cycle in each phase, across the Ashby and Wessex demo partnerships.

``partnership.demo.demo_seed`` makes the partnerships and people, ``audits.demo`` the priorities (this adds them
when it has not run). Each cycle's start date is worked out backwards on the partnership's own calendar so that
today falls inside the phase it shows: a business manager opening the learning hub sees a cycle in preparation,
one auditing, one waiting for the board, one whose impact review is due, and so on. The checklists of the phases
already behind a cycle are ticked, except one task of the phase just gone, so that "what is late" has something
to say; the current phase is half ticked. Everything goes through the services (history, deadlines); no email is
sent while seeding. Idempotent: keyed on each cycle's title.

Each cycle then carries what its phase implies, again only through the services and each part made once (keyed
on whether the cycle has any of it yet, so a demo seeded before these parts existed gains them): two hub members
nominated (confirmed by the three partner leads' sign-off once past preparation); a session for each meeting
already behind it, held, with attendance and an action (the older ones ticked), and the next one scheduled; from
month 1 a delivery plan with indicator figures and a saved "Month 1" version ("Month 4" too once past month 4);
from month 3 a practitioners' feedback session and a survey, open in month 3 and closed after it; from month 4
findings and draft recommendations (drafts: agreeing them is a real decision of the hub and the partners). One
Wessex person observes one Ashby cycle, through a collaboration of the two made for the purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from learninghub.models import (
    DeliveryPlan,
    FeedbackSurvey,
    HubCycle,
    HubDraftRecommendation,
    HubFinding,
    HubMembershipRound,
    HubNomination,
    HubObserver,
    HubPhase,
    HubRole,
    HubSession,
    HubTask,
    PhaseKind,
    SessionKind,
)
from learninghub.services.cycles import hub_cycle_create, hub_schedule, hub_task_tick
from learninghub.services.feedback import (
    feedback_session_create,
    feedback_survey_create,
    feedback_survey_move,
    survey_question_add,
)
from learninghub.services.findings import hub_draft_add, hub_finding_add
from learninghub.services.members import hub_membership_submit, hub_nomination_create, hub_nomination_shortlist
from learninghub.services.observers import hub_observer_invite
from learninghub.services.plans import delivery_plan_start, plan_indicator_add, plan_version_save
from learninghub.services.sessions import (
    hub_session_action_add,
    hub_session_action_tick,
    hub_session_attendance_set,
    hub_session_create,
    hub_session_move,
)
from partnership.demo import DEMO_PASSWORD
from partnership.models import PARTNER_LEAD_ROLES, Collaboration, LearningTheme, Membership, Partnership, Role, SignOff
from partnership.models.priorities import Priority
from partnership.selectors import working_day_calendar
from partnership.services.learning_themes import learning_themes_seed
from partnership.services.priorities import priority_create
from partnership.working_days import WorkingDayCalendar


class DemoPeopleMissingError(LookupError):
    """``demo_seed`` has not made the partnership or its people yet."""


@dataclass
class DemoObserverLogin:
    """How to sign in as the demo's observer, and what they observe."""

    partnership: str  # the observer's own partnership
    full_name: str
    email: str
    password: str
    observes: str  # the cycle's title
    host: str  # the partnership whose cycle it is
    sign_in_url: str


@dataclass
class DemoHubResult:
    created: dict[str, int] = field(default_factory=dict)
    observers: list[DemoObserverLogin] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


@dataclass(frozen=True)
class DemoCycle:
    title: str
    priority: str  # a priority's title (made by this module when missing)
    phase: str  # the PhaseKind today falls in
    has_pre_meet: bool = True


EXPLOITATION = "Children missing and at risk of exploitation"
NEGLECT = "Neglect: help that comes early"
_PRIORITIES = {
    EXPLOITATION: {"lead_partner": "police", "description": "Fewer children missing from home, care or school."},
    NEGLECT: {
        "lead_partner": "local_authority",
        "description": "Fewer children re-referred for neglect within a year of early help closing.",
    },
}

# Ten phases, ten cycles: five in each partnership, alternating so that both show early and late phases.
DEMO_HUB_CYCLES: dict[str, tuple[DemoCycle, ...]] = {
    "ashby-scp": (
        DemoCycle("Exploitation learning hub: getting ready", EXPLOITATION, PhaseKind.PREPARATION),
        DemoCycle("Neglect learning hub: scoping the question", NEGLECT, PhaseKind.SCOPING),
        DemoCycle("Exploitation learning hub: hearing from practitioners", EXPLOITATION, PhaseKind.FEEDBACK),
        DemoCycle("Neglect learning hub: with the board", NEGLECT, PhaseKind.BOARD_SIGN_OFF),
        DemoCycle("Exploitation learning hub: the learning event", EXPLOITATION, PhaseKind.LEARNING_EVENT),
    ),
    "wessex-scp": (
        DemoCycle("Neglect learning hub: pre-meet", NEGLECT, PhaseKind.PRE_MEET),
        DemoCycle("Exploitation learning hub: auditing cases", EXPLOITATION, PhaseKind.AUDITING),
        DemoCycle("Neglect learning hub: findings", NEGLECT, PhaseKind.FINDINGS),
        DemoCycle("Exploitation learning hub: the action plan", EXPLOITATION, PhaseKind.ACTION_PLAN),
        DemoCycle("Neglect learning hub: impact review", NEGLECT, PhaseKind.IMPACT_REVIEW, has_pre_meet=False),
    ),
}


def demo_hub_seed(*, today: date | None = None) -> DemoHubResult:
    """Add the demo learning hub cycles to the demo partnerships, once; no email is sent while seeding."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _seed(today or timezone.localdate())


# The observer: someone of the other demo partnership watching one cycle, through a collaboration of the two.
OBSERVED = ("ashby-scp", "Exploitation learning hub: hearing from practitioners")
OBSERVER_FROM = "wessex-scp"
HUB_EXCHANGE = {"slug": "ashby-wessex-hub-exchange", "name": "Ashby and Wessex learning hub exchange"}
_ORDER = list(PhaseKind.values)
# The phase in which the hub meets, and what the meeting is.
_MEETINGS = {
    PhaseKind.PRE_MEET: SessionKind.PRE_MEET,
    PhaseKind.SCOPING: SessionKind.MONTH_1,
    PhaseKind.AUDITING: SessionKind.MONTH_2,
    PhaseKind.FEEDBACK: SessionKind.MONTH_3,
    PhaseKind.FINDINGS: SessionKind.MONTH_4,
    PhaseKind.LEARNING_EVENT: SessionKind.LEARNING_EVENT,
}


def demo_reached(phase: str, since: str) -> bool:
    """Whether a cycle in ``phase`` has reached ``since`` (is in it or past it)."""
    return _ORDER.index(phase) >= _ORDER.index(since)


@transaction.atomic
def _seed(today: date) -> DemoHubResult:
    result = DemoHubResult()
    for slug, cycles in DEMO_HUB_CYCLES.items():
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise DemoPeopleMissingError(f"There is no partnership {slug}: run manage.py seed_demo first.")
        manager = _business_manager(partnership)
        calendar = working_day_calendar(partnership=partnership)
        learning_themes_seed(partnership=partnership)  # findings go under a theme (audits.demo does the same)
        existing = {c.title: c for c in HubCycle.objects.in_partnership(partnership)}
        for spec in cycles:
            if spec.title in existing:
                _cycle_parts(
                    partnership=partnership,
                    manager=manager,
                    cycle=existing[spec.title],
                    spec=spec,
                    today=today,
                    result=result,
                )
                continue
            priority = _priority(partnership, manager, spec.priority, today, result)
            starts_on = demo_start_for_phase(
                calendar=calendar, today=today, phase=spec.phase, has_pre_meet=spec.has_pre_meet
            )
            cycle = hub_cycle_create(
                partnership=partnership,
                actor=manager.person,
                title=spec.title,
                priority_id=priority.pk,
                starts_on=starts_on,
                has_pre_meet=spec.has_pre_meet,
            )
            result.count("learning hub cycles")
            result.count("checklist tasks ticked", _tick_behind(partnership, manager, cycle, today))
            _cycle_parts(partnership=partnership, manager=manager, cycle=cycle, spec=spec, today=today, result=result)
    _observer(today, result)
    return result


def _cycle_parts(
    *,
    partnership: Partnership,
    manager: Membership,
    cycle: HubCycle,
    spec: DemoCycle,
    today: date,
    result: DemoHubResult,
) -> None:
    """What the cycle's phase implies, each part made once."""
    if cycle.state != HubCycle.State.ACTIVE:
        return
    themes = list(
        LearningTheme.objects.in_partnership(partnership)
        .filter(is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    phases = {p.kind: p for p in HubPhase.objects.in_partnership(partnership).filter(cycle=cycle)}
    _members(partnership, manager, cycle, spec, result)
    _sessions(partnership=partnership, manager=manager, cycle=cycle, phases=phases, today=today, result=result)
    if demo_reached(spec.phase, PhaseKind.SCOPING):
        _plan(partnership, manager, cycle, spec, result)
    if demo_reached(spec.phase, PhaseKind.FEEDBACK):
        _feedback(
            partnership=partnership,
            manager=manager,
            cycle=cycle,
            spec=spec,
            phases=phases,
            themes=themes,
            today=today,
            result=result,
        )
    if demo_reached(spec.phase, PhaseKind.FINDINGS):
        _findings(partnership=partnership, manager=manager, cycle=cycle, spec=spec, themes=themes, result=result)


def _members(
    partnership: Partnership, manager: Membership, cycle: HubCycle, spec: DemoCycle, result: DemoHubResult
) -> None:
    """Two members nominated (a practitioner and a manager); past preparation, shortlisted and signed off by the
    three partner leads, so confirmed."""
    nominations = HubNomination.objects.in_partnership(partnership).filter(cycle=cycle)
    if nominations.exists():
        return
    people = list(
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, person__is_active=True, agency__isnull=False)
        .exclude(pk=manager.pk)
        .order_by("pk")[:2]
    )
    made = []
    for member, role in zip(people, (HubRole.PRACTITIONER, HubRole.MANAGER), strict=False):
        made.append(
            hub_nomination_create(
                partnership=partnership,
                actor=manager.person,
                membership=manager,
                cycle=cycle,
                member_id=member.pk,
                hub_role=role,
                why="Works with these children every week and can bring cases to the hub.",
            )
        )
        result.count("hub nominations")
    if spec.phase == PhaseKind.PREPARATION or not made:
        return
    for nomination in made:
        hub_nomination_shortlist(
            partnership=partnership, actor=manager.person, membership=manager, nomination=nomination, shortlist=True
        )
    round_ = hub_membership_submit(partnership=partnership, actor=manager.person, membership=manager, cycle=cycle)
    _partners_approve(partnership, round_)
    result.count("hub members confirmed", len(made))


def _partners_approve(partnership: Partnership, round_: HubMembershipRound) -> None:
    """Each partner lead approves the shortlist for their partner, through the kernel's sign-off."""
    from partnership.selectors.signoff import sign_off_for_subject
    from partnership.services.signoff import decidable_approvers, sign_off_approve

    leads = (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, roles__role__in=list(PARTNER_LEAD_ROLES))
        .distinct()
        .order_by("pk")
    )
    for lead in leads:
        sign_off = sign_off_for_subject(partnership=partnership, subject=round_)
        if sign_off is None or sign_off.state != SignOff.State.AWAITING:
            return
        decided = set(sign_off.actions.filter(round=sign_off.round).values_list("partner", flat=True))
        for approver in decidable_approvers(sign_off=sign_off, membership=lead):
            if approver.key not in decided:
                sign_off = sign_off_approve(
                    partnership=partnership, membership=lead, sign_off=sign_off, partner=approver.key
                )
                decided.add(approver.key)
                if sign_off.state != SignOff.State.AWAITING:
                    return


def _sessions(
    *,
    partnership: Partnership,
    manager: Membership,
    cycle: HubCycle,
    phases: dict[str, HubPhase],
    today: date,
    result: DemoHubResult,
) -> None:
    """A session in each meeting phase already started, held, with attendance and an action (all but the latest
    ticked); the next meeting scheduled (or, with none left, an impact review meeting in a week)."""
    if HubSession.objects.in_partnership(partnership).filter(cycle=cycle).exists():
        return
    now = timezone.now()
    members = [
        n.member_id for n in HubNomination.objects.in_partnership(partnership).filter(cycle=cycle).order_by("pk")
    ]
    held_actions = []
    scheduled = False
    for kind, session_kind in _MEETINGS.items():
        phase = phases.get(kind)
        if phase is None:
            continue
        starts_at = timezone.make_aware(datetime.combine(phase.starts_on + timedelta(days=1), time(10)))
        if starts_at >= now and scheduled:
            break
        session = hub_session_create(
            partnership=partnership,
            actor=manager.person,
            cycle=cycle,
            kind=session_kind,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            place="Committee room 2, Civic Centre",
            agenda="1. Welcome and introductions\n2. The question for this month\n3. Actions",
        )
        result.count("hub sessions")
        if starts_at >= now:
            scheduled = True
            continue
        hub_session_move(partnership=partnership, actor=manager.person, session=session, to=HubSession.State.HELD)
        hub_session_attendance_set(
            partnership=partnership,
            actor=manager.person,
            session=session,
            attended_ids=[manager.pk, *members[:1]],
            apologies_ids=members[1:2],
        )
        held_actions.append(
            hub_session_action_add(
                partnership=partnership,
                actor=manager.person,
                session=session,
                text="Circulate the notes and the cases for next month",
                owner_id=manager.pk,
                due_on=timezone.localtime(starts_at).date() + timedelta(days=14),
            )
        )
        result.count("hub session actions")
    for action in held_actions[:-1]:
        hub_session_action_tick(
            partnership=partnership, actor=manager.person, membership=manager, action=action, done=True
        )
    if not scheduled:
        starts_at = timezone.make_aware(datetime.combine(today + timedelta(days=7), time(14)))
        hub_session_create(
            partnership=partnership,
            actor=manager.person,
            cycle=cycle,
            kind=SessionKind.OTHER,
            title="Impact review meeting",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1, minutes=30),
            online_url="https://meet.example/hub-impact-review",
            agenda="What has changed for children since the learning event?",
        )
        result.count("hub sessions")


def _plan(
    partnership: Partnership, manager: Membership, cycle: HubCycle, spec: DemoCycle, result: DemoHubResult
) -> None:
    """The delivery plan with its baseline figures saved as "Month 1"; past month 4, later figures and "Month 4"."""
    if DeliveryPlan.objects.in_partnership(partnership).filter(cycle=cycle).exists():
        return
    plan = delivery_plan_start(partnership=partnership, actor=manager.person, cycle=cycle)
    name = "Children reported missing" if spec.priority == EXPLOITATION else "Re-referrals for neglect within a year"
    for period, value in (("Q1", Decimal("42")), ("Q2", Decimal("38"))):
        plan_indicator_add(
            partnership=partnership, actor=manager.person, plan=plan, name=name, period_label=period, value=value
        )
        result.count("plan indicator figures")
    plan_version_save(partnership=partnership, actor=manager.person, plan=plan, label="Month 1")
    result.count("plan versions")
    if _ORDER.index(spec.phase) > _ORDER.index(PhaseKind.FINDINGS):
        plan_indicator_add(
            partnership=partnership, actor=manager.person, plan=plan, name=name, period_label="Q3", value=Decimal("31")
        )
        result.count("plan indicator figures")
        plan_version_save(partnership=partnership, actor=manager.person, plan=plan, label="Month 4")
        result.count("plan versions")


def _feedback(
    *,
    partnership: Partnership,
    manager: Membership,
    cycle: HubCycle,
    spec: DemoCycle,
    phases: dict[str, HubPhase],
    themes: list[int],
    today: date,
    result: DemoHubResult,
) -> None:
    """A practitioners' feedback session and the online survey: open in month 3, closed after it."""
    if FeedbackSurvey.objects.in_partnership(partnership).filter(cycle=cycle).exists():
        return
    held_on = min(phases[PhaseKind.FEEDBACK].starts_on + timedelta(days=2), today)
    feedback_session_create(
        partnership=partnership,
        actor=manager.person,
        cycle=cycle,
        title="Practitioners' workshop",
        held_on=held_on,
        attended=14,
        summary="Practitioners described how hard it is to share worries across agencies out of hours.",
        quotes=["Nobody tells us when a child has come home.", "The strategy meeting came too late."],
        theme_ids=themes[:1],
    )
    result.count("feedback sessions")
    survey = feedback_survey_create(
        partnership=partnership,
        actor=manager.person,
        cycle=cycle,
        title="What helps you protect children?",
        introduction="Ten minutes, anonymous: what helps and what gets in the way.",
        sent_count=120,
    )
    survey_question_add(
        partnership=partnership, actor=manager.person, survey=survey, text="How confident are you?", kind="scale"
    )
    survey_question_add(
        partnership=partnership, actor=manager.person, survey=survey, text="What would help most?", kind="text"
    )
    feedback_survey_move(partnership=partnership, actor=manager.person, survey=survey, to="open")
    result.count("feedback surveys")
    if spec.phase != PhaseKind.FEEDBACK:
        feedback_survey_move(partnership=partnership, actor=manager.person, survey=survey, to="closed")


def _findings(
    *,
    partnership: Partnership,
    manager: Membership,
    cycle: HubCycle,
    spec: DemoCycle,
    themes: list[int],
    result: DemoHubResult,
) -> None:
    """Two findings under the partnership's themes and two draft recommendations, left drafts."""
    if HubFinding.objects.in_partnership(partnership).filter(cycle=cycle).exists() or not themes:
        return
    for i, text in enumerate(
        (
            "Information about a child's return home reached school days later, if at all.",
            "Strategy discussions rarely included the voluntary sector who knew the family best.",
        )
    ):
        hub_finding_add(
            partnership=partnership, actor=manager.person, cycle=cycle, theme_id=themes[i % len(themes)], text=text
        )
        result.count("hub findings")
    if HubDraftRecommendation.objects.in_partnership(partnership).filter(cycle=cycle).exists():
        return
    for text, lead in (
        ("Tell the child's school within one working day of a return home interview.", "police"),
        ("Invite the voluntary sector to every strategy discussion where they know the family.", "local_authority"),
    ):
        hub_draft_add(
            partnership=partnership,
            actor=manager.person,
            cycle=cycle,
            text=text,
            lead_partner=lead,
            rationale="From the hub's findings.",
            theme_id=themes[0],
        )
        result.count("draft recommendations")


def _observer(today: date, result: DemoHubResult) -> None:
    """One person of Wessex observes one Ashby cycle, through a collaboration of the two; the login is listed."""
    host_slug, title = OBSERVED
    host = Partnership.objects.get(slug=host_slug)
    guest = Partnership.objects.get(slug=OBSERVER_FROM)
    cycle = HubCycle.objects.in_partnership(host).get(title=title)
    person = _business_manager(guest).person
    observer = (
        HubObserver.objects.in_partnership(host).filter(cycle=cycle).select_related("grant").order_by("pk").first()
    )
    if observer is None:
        exchange, created = Collaboration.objects.get_or_create(
            slug=HUB_EXCHANGE["slug"], defaults={"name": HUB_EXCHANGE["name"]}
        )
        if created:
            result.count("collaborations")
        exchange.partnerships.add(host, guest)
        hub_observer_invite(
            partnership=host,
            actor=_business_manager(host).person,
            cycle=cycle,
            grantee_email=person.email,
            collaboration_id=exchange.pk,
            ends_on=today + timedelta(days=180),
        )
        result.count("hub observers")
    result.observers.append(
        DemoObserverLogin(
            partnership=guest.name,
            full_name=person.full_name,
            email=person.email,
            password=DEMO_PASSWORD,
            observes=cycle.title,
            host=host.name,
            sign_in_url=settings.SITE_URL + reverse("account:login"),
        )
    )


def _business_manager(partnership: Partnership) -> Membership:
    manager = (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, roles__role=Role.BUSINESS_MANAGER)
        .select_related("person")
        .prefetch_related("roles")
        .order_by("pk")
        .first()
    )
    if manager is None:
        raise DemoPeopleMissingError(f"{partnership.slug} has no demo people yet: run manage.py seed_demo first.")
    return manager


def _priority(partnership: Partnership, manager: Membership, title: str, today: date, result: DemoHubResult):
    priority = Priority.objects.in_partnership(partnership).filter(title=title).first()
    if priority is None:
        # A cycle in its impact review started about a year ago: the priority's period covers it.
        priority = priority_create(
            partnership=partnership,
            actor=manager.person,
            title=title,
            start_year=today.year - 1,
            end_year=today.year + 1,
            **_PRIORITIES[title],
        )
        result.count("priorities")
    return priority


def demo_start_for_phase(*, calendar: WorkingDayCalendar, today: date, phase: str, has_pre_meet: bool) -> date:
    """A working day to start a cycle on so that ``today`` falls about a third of the way into ``phase``.

    Works backwards on the calendar (bank holidays and closure days shift every phase), a working day at a time,
    from the latest start that could put today in the phase."""
    starts_on = today
    if not calendar.is_working_day(starts_on):
        starts_on = calendar.add_working_days(starts_on, 1)
    for _ in range(600):  # more than a cycle's length in working days, impact review included
        planned = {
            p.template.kind: p for p in hub_schedule(calendar=calendar, starts_on=starts_on, has_pre_meet=has_pre_meet)
        }
        target = planned[phase]
        length = (target.ends_on - target.starts_on).days
        if target.starts_on + timedelta(days=length // 3) <= today:
            return starts_on
        starts_on = calendar.subtract_working_days(starts_on, 1)
    raise ValueError(f"No start date puts {today} in the phase {phase}.")


def _tick_behind(partnership: Partnership, manager: Membership, cycle: HubCycle, today: date) -> int:
    """Tick the checklists of the phases behind ``cycle`` and half of today's, leaving one task of the phase just
    gone undone (it shows as late). Returns how many were ticked."""
    tasks = list(
        HubTask.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .select_related("phase")
        .order_by("phase__position", "position")
    )
    behind = [t for t in tasks if t.phase.ends_on < today]
    current = [t for t in tasks if t.phase.starts_on <= today <= t.phase.ends_on]
    left_late = behind[-1:] if behind else []
    to_tick = [t for t in behind if t not in left_late] + current[: len(current) // 2]
    for task in to_tick:
        hub_task_tick(partnership=partnership, actor=manager.person, membership=manager, task=task, done=True)
    return len(to_tick)
