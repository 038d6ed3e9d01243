"""Serious incidents, rapid reviews and learning reviews for the page benchmarks, written with bulk_create.

Called by ``volume.seed_volume`` once partnerships, agencies and members exist.
At scale 1: 600 rapid reviews in the large partnership (ten years of
notifications) and 30 in each of the others (three years), about 5,100 in all,
each with its incident (one to four children, their identities encrypted),
about five agencies involved, about four information requests with their
returns, the meeting and its attendees, the decision, the partners' sign-off,
the four milestone deadlines and one per request, and history rows; the
learning reviews the decisions led to, with contributors and requests.

Each review is planned as a sequence of events (requests sent, returns in,
meeting, decision, a send-back now and then, the three approvals, the Panel
submission) counted in working days from its notification; a few run late,
some by weeks. Its state is whatever those events make it on the day of
seeding: the newest are still gathering information or with the partners, a
few older ones are overdue, the rest were sent to the Panel, some late with a
reason. Dates are relative to the day of seeding; the random choices are fixed
(the same seed every run), so every run sees the same picture relative to
"today".

The large partnership also gets one review planned on purpose for the detail
pages: decided, sent back once by a partner, decided again, approved by one
partner of three in the second round, so the page shows every section.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import cache, lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from partnership.models import (
    Agency,
    ClosureDay,
    Deadline,
    HistoryEntry,
    Membership,
    MembershipRole,
    Partnership,
    Role,
    SignOff,
    SignOffAction,
    StatutoryPartner,
)
from partnership.working_days import WorkingDayCalendar
from reviews.models import (
    Child,
    Contributor,
    DecisionOutcome,
    HarmOutcome,
    InformationRequest,
    LearningReview,
    MeetingAttendee,
    Methodology,
    Publication,
    RapidReview,
    RapidReviewDecision,
    SeriousIncident,
)
from reviews.selectors.rapid_review import (
    DEADLINE_MEETING,
    DEADLINE_PANEL,
    DEADLINE_RETURNS,
    DEADLINE_SCOPING,
    rapid_review_milestones,
)
from reviews.services.incidents import PSEUDONYMS

BATCH = 2000
# Ten years in the large partnership: the scrutiny dashboard shows a partnership's whole history (issue 17).
LARGE_REVIEWS, LARGE_YEARS = 600, 10
EACH_REVIEWS, EACH_YEARS = 30, 3

_State = RapidReview.State
_Request = InformationRequest.State
_PARTNERS = (StatutoryPartner.LOCAL_AUTHORITY, StatutoryPartner.HEALTH, StatutoryPartner.POLICE)
_LEAD_ROLE = {
    Role.PARTNER_LEAD_LOCAL_AUTHORITY: StatutoryPartner.LOCAL_AUTHORITY,
    Role.PARTNER_LEAD_HEALTH: StatutoryPartner.HEALTH,
    Role.PARTNER_LEAD_POLICE: StatutoryPartner.POLICE,
}

# Text of realistic length (a return runs to a page or two; each reason to a paragraph).
_PARAGRAPH = (
    "The family were known to the agency from an earlier referral. Contact was regular but brief, and the "
    "records show concerns about home conditions and school attendance that were noted without being shared. "
    "Staff changed twice during the period, and the handover did not carry the history forward. "
)
_INVOLVEMENT = _PARAGRAPH * 4
_EPISODES = (
    "A home visit in the spring found the children alone; the concern was logged but no strategy discussion "
    "followed. A missed health appointment was not followed up. "
) * 2
_GOOD = "The health visitor escalated promptly when the baby's weight dropped, and the GP acted the same day."
_DIFFERENTLY = "Information held by the school and the police was not brought together until after the incident."
_REASON = (
    "The information gathered shows several agencies held pieces of the picture without sharing them; "
    "the partners consider the learning is likely to be of wider relevance across the partnership. "
)
_SCOPE = "The period from the first referral to the incident, and the agencies' contact with the family. " * 3
_LINES = "How information was shared between agencies; how the voice of the child was heard. " * 3
_STREETS = ["Station Road", "Church Lane", "Mill Street", "Park Avenue", "High Street", "Victoria Road"]
_TOWNS = ["Ashford", "Bexley", "Carlton", "Dunmore", "Easton", "Fairfield"]
_CHILD_NAMES = ["Alex", "Bailey", "Casey", "Drew", "Eden", "Frankie", "Harper", "Jamie", "Kai", "Logan", "Morgan"]
_SURNAMES = ["Ashdown", "Brook", "Carver", "Dale", "Ellis", "Fenwick", "Gale", "Hartley", "Irving", "Joyce"]


@cache
def _at(day: date, hour: int = 10) -> datetime:
    """That day at that hour, local time (memoised: hundreds of thousands of rows share a few thousand days)."""
    return timezone.make_aware(datetime.combine(day, clock(hour)))


# --- Who and what each partnership has ---------------------------------------------------------


class _CachedCalendar:
    """A partnership calendar's arithmetic, memoised: thousands of reviews ask the same sums."""

    def __init__(self, calendar: WorkingDayCalendar) -> None:
        self.add_working_days = lru_cache(maxsize=None)(calendar.add_working_days)
        self.subtract_working_days = lru_cache(maxsize=None)(calendar.subtract_working_days)
        self.working_days_between = lru_cache(maxsize=None)(calendar.working_days_between)


@dataclass
class _Org:
    """One partnership as the planner needs it: its calendar, leaders, agencies and members."""

    partnership: Partnership
    calendar: _CachedCalendar
    business_manager: int = 0
    partner_leads: dict[str, int] = field(default_factory=dict)
    statutory: dict[str, tuple[int, str]] = field(default_factory=dict)  # partner -> (agency id, name)
    others: list[tuple[int, str]] = field(default_factory=list)  # active non-statutory agencies
    members: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)  # agency -> (person, name, job)
    names: dict[int, str] = field(default_factory=dict)  # person -> full name

    def member_of(self, agency_id: int, rng: random.Random) -> tuple[int, str, str]:
        people = self.members.get(agency_id)
        if people:
            return people[rng.randrange(len(people))]
        bm = self.business_manager
        return bm, self.names.get(bm, ""), "Business manager"


def _orgs(partnerships: list[Partnership]) -> list[_Org]:
    closures: dict[int, list[date]] = defaultdict(list)
    for pid, day in ClosureDay.objects.values_list("partnership_id", "date"):
        closures[pid].append(day)
    calendars: dict[tuple, _CachedCalendar] = {}
    orgs: dict[int, _Org] = {}
    for p in partnerships:
        key = (p.nation, frozenset(closures[p.pk]))
        if key not in calendars:  # one calendar (and its caches) per nation and set of closure days
            calendars[key] = _CachedCalendar(WorkingDayCalendar(nation=p.nation, closure_days=closures[p.pk]))
        orgs[p.pk] = _Org(partnership=p, calendar=calendars[key])
    for pid, aid, name, partner in (
        Agency.objects.filter(is_active=True)
        .order_by("id")
        .values_list("partnership_id", "id", "name", "statutory_partner")
    ):
        if partner:
            orgs[pid].statutory[partner] = (aid, name)
        else:
            orgs[pid].others.append((aid, name))
    for pid, aid, person, name, job in (
        Membership.objects.filter(is_active=True)
        .order_by("id")
        .values_list("partnership_id", "agency_id", "person_id", "person__full_name", "job_title")
    ):
        orgs[pid].members.setdefault(aid, []).append((person, name, job))
        orgs[pid].names[person] = name
    for pid, role, person in (
        MembershipRole.objects.filter(role__in=[Role.BUSINESS_MANAGER, *_LEAD_ROLE], membership__is_active=True)
        .order_by("membership__person__email")
        .values_list("membership__partnership_id", "role", "membership__person_id")
    ):
        org = orgs[pid]
        if role == Role.BUSINESS_MANAGER:
            org.business_manager = org.business_manager or person
        else:
            org.partner_leads.setdefault(_LEAD_ROLE[role], person)
    return [orgs[p.pk] for p in partnerships]


# --- One review, planned as events -------------------------------------------------------------


@dataclass
class _Return:
    request: InformationRequest
    submitted_on: date | None  # the day its (last) submission counts from, if it has come


@dataclass
class _Case:
    org: _Org
    incident: SeriousIncident
    review: RapidReview
    involved: list[tuple[int, str]]
    children: list[Child] = field(default_factory=list)
    returns: list[_Return] = field(default_factory=list)
    attendees: list[MeetingAttendee] = field(default_factory=list)
    decision: RapidReviewDecision | None = None
    sign_off: SignOff | None = None
    actions: list[SignOffAction] = field(default_factory=list)
    requests_sent_on: date | None = None
    returns_in_on: date | None = None
    decided_on: date | None = None  # first recorded
    moves: list[tuple[date, str, str, str]] = field(default_factory=list)  # (day, from, to, reason)
    learning_review: LearningReview | None = None
    lr_contributors: list[Contributor] = field(default_factory=list)
    lr_requests: list[InformationRequest] = field(default_factory=list)


def _notification_days(count: int, years: int, today: date, rng: random.Random) -> list[date]:
    """``count`` notification days spread over ``years`` before today, oldest first, on weekdays."""
    span = years * 365
    days = []
    for k in range(count):
        day = today - timedelta(days=int(span * (k + rng.random()) / count))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        days.append(day)
    return sorted(days)


def _plan(org: _Org, notified: date, reference: str, *, today: date, rng: random.Random, showcase: bool) -> _Case:
    add, between = org.calendar.add_working_days, org.calendar.working_days_between
    p = org.partnership
    bm = org.business_manager
    milestones = rapid_review_milestones(calendar=org.calendar, notified_on=notified).as_fields()
    la_aware = notified - timedelta(days=rng.choice([0, 0, 1, 1, 1, 2, 3, 4, 6, 9]))
    incident_on = la_aware - timedelta(days=rng.randint(0, 10))
    statutory = [org.statutory[s] for s in _PARTNERS if s in org.statutory]
    others = rng.sample(org.others, k=min(len(org.others), rng.choice([1, 2, 2, 3])))
    involved = statutory + others
    referring = org.statutory.get(
        rng.choice([StatutoryPartner.LOCAL_AUTHORITY] * 3 + [StatutoryPartner.POLICE, StatutoryPartner.HEALTH])
    )
    incident = SeriousIncident(
        partnership_id=p.pk,
        reference=reference,
        incident_on=incident_on,
        la_aware_on=la_aware,
        panel_notified_on=notified,
        notification_working_days=between(la_aware, notified),
        outcome=HarmOutcome.DEATH if rng.random() < 0.3 else HarmOutcome.SERIOUS_HARM,
        child_looked_after=rng.random() < 0.2,
        summary="A serious incident concerning the children named by pseudonym; no identifying details here. " * 2,
        referring_agency_id=(referring or involved[0])[0],
        recorded_by_id=bm,
        created_at=_at(notified, 9),
    )
    review = RapidReview(partnership_id=p.pk, incident=incident, created_at=_at(notified, 9), **milestones)
    case = _Case(org=org, incident=incident, review=review, involved=involved)
    n_children = rng.choices([1, 2, 3, 4], weights=[70, 20, 8, 2])[0]
    surname = rng.choice(_SURNAMES)
    for position in range(1, n_children + 1):
        born = incident_on - timedelta(days=rng.randint(60, 17 * 365))
        case.children.append(
            Child(
                partnership_id=p.pk,
                incident=incident,
                position=position,
                pseudonym=PSEUDONYMS[position - 1],
                name=f"{rng.choice(_CHILD_NAMES)} {surname}",
                date_of_birth=born.isoformat(),
                address=f"{rng.randint(1, 180)} {rng.choice(_STREETS)}, {rng.choice(_TOWNS)}",
            )
        )

    # The events, in working days from the notification; some run late, a few by weeks.
    roll = rng.random()
    lag = rng.randint(10, 45) if roll < 0.06 else rng.randint(1, 6) if roll < 0.25 else 0
    lag_at = rng.choice(["meeting", "sign_off", "sending"])
    requests_sent = add(notified, rng.choice([1, 1, 2, 2, 2, 3]))
    meeting_on = add(notified, rng.randint(7, 13) + (lag if lag_at == "meeting" else 0))
    sent_back = rng.random() < 0.1
    send_back_on = add(meeting_on, rng.randint(1, 2))
    again_on = add(send_back_on, rng.randint(1, 3))
    round_starts = again_on if sent_back else meeting_on
    laggard = rng.choice(_PARTNERS)
    approved_on = {
        s: add(round_starts, rng.randint(0, 2) + (lag if lag_at == "sign_off" and s == laggard else 0))
        for s in _PARTNERS
    }
    if showcase:  # decided, sent back, decided again; one partner of three has approved round 2
        requests_sent = add(notified, 1)
        meeting_on, sent_back = add(notified, 8), True
        send_back_on, again_on = add(notified, 9), add(notified, 10)
        round_starts = again_on
        approved_on = {s: add(notified, 11 if s == StatutoryPartner.LOCAL_AUTHORITY else 40) for s in _PARTNERS}
    signed_off_on = max(approved_on.values())
    sent_on = add(signed_off_on, rng.randint(0, 1) + (lag if lag_at == "sending" else 0))

    # What has happened by today (an event on a day up to today has) makes the review's state.
    if requests_sent > today:
        return case
    case.requests_sent_on = requests_sent
    review.meeting_on = meeting_on
    _plan_returns(case, requests_sent=requests_sent, meeting_on=meeting_on, today=today, rng=rng)
    if meeting_on > today:
        return case
    leads = org.partner_leads
    for s in _PARTNERS:
        if s in org.statutory and s in leads:
            case.attendees.append(
                MeetingAttendee(
                    partnership_id=p.pk,
                    rapid_review=review,
                    name=org.names.get(leads[s], "Partner lead"),
                    job_title="Partner lead",
                    agency_id=org.statutory[s][0],
                    represents=s,
                    person_id=leads[s],
                )
            )
    for agency_id, _name in rng.sample(involved[len(statutory) :], k=min(len(others), rng.randint(1, 3))):
        person, name, job = org.member_of(agency_id, rng)
        case.attendees.append(
            MeetingAttendee(
                partnership_id=p.pk,
                rapid_review=review,
                name=name,
                job_title=job,
                agency_id=agency_id,
                person_id=person,
            )
        )
    _plan_decision(
        case,
        today=today,
        rng=rng,
        meeting_on=meeting_on,
        sent_back=sent_back,
        send_back_on=send_back_on,
        again_on=again_on,
        approved_on=approved_on,
        signed_off_on=signed_off_on,
        sent_on=sent_on,
    )
    return case


def _plan_returns(case: _Case, *, requests_sent: date, meeting_on: date, today: date, rng: random.Random) -> None:
    org, review, p = case.org, case.review, case.org.partnership
    asked = case.involved[:]
    rng.shuffle(asked)
    asked = asked[: rng.choice([3, 4, 4, 4, 5, 5])]
    last_in: date | None = None
    owed = False
    for agency_id, _name in sorted(asked):
        person, _n, _j = org.member_of(agency_id, rng)
        request = InformationRequest(
            partnership_id=p.pk,
            rapid_review=review,
            agency_id=agency_id,
            assignee_id=person,
            due_on=review.returns_due_on,
            requested_by_id=org.business_manager,
            requested_at=_at(requests_sent),
        )
        roll = rng.random()
        if roll < 0.04:
            request.state = _Request.WITHDRAWN
            case.returns.append(_Return(request, None))
            continue
        late_by = rng.randint(1, 6) if rng.random() < 0.2 else 0
        submitted = org.calendar.add_working_days(requests_sent, rng.randint(1, 4) + late_by)
        submitted = min(submitted, meeting_on)  # the returns are in for the meeting
        draft_on = max(requests_sent, submitted - timedelta(days=rng.randint(0, 2)))
        sent_back_on = org.calendar.add_working_days(submitted, 1) if roll > 0.94 else None
        final_on = org.calendar.add_working_days(sent_back_on, rng.randint(1, 3)) if sent_back_on else submitted
        if draft_on > today:
            state = _Request.REQUESTED
        elif submitted > today:
            state = _Request.DRAFT
        elif sent_back_on and sent_back_on <= today < final_on:
            state = _Request.SENT_BACK
        else:
            state = _Request.SUBMITTED
        request.state = state
        if state != _Request.REQUESTED:
            request.involvement = _INVOLVEMENT
            request.key_practice_episodes = _EPISODES
            request.good_practice = _GOOD
            request.done_differently = _DIFFERENTLY
            request.unexpected_issues = "None beyond the above." if rng.random() < 0.5 else ""
            request.draft_saved_at = _at(draft_on, 15)
        if state == _Request.SENT_BACK:
            request.sent_back_reason = "Please add the dates of the home visits and who attended."
        if state == _Request.SUBMITTED:
            request.submitted_at = _at(final_on, 16)
            request.submitted_by_id = person
            last_in = max(last_in or final_on, final_on)
        else:
            owed = True
        case.returns.append(_Return(request, final_on if state == _Request.SUBMITTED else None))
    if not owed and last_in is not None:
        case.returns_in_on = last_in


def _plan_decision(
    case: _Case,
    *,
    today: date,
    rng: random.Random,
    meeting_on: date,
    sent_back: bool,
    send_back_on: date,
    again_on: date,
    approved_on: dict[str, date],
    signed_off_on: date,
    sent_on: date,
) -> None:
    org, review, p = case.org, case.review, case.org.partnership
    bm, leads = org.business_manager, org.partner_leads
    outcome = rng.choices(
        [DecisionOutcome.NO_FURTHER_REVIEW, DecisionOutcome.LEARNING_REVIEW, DecisionOutcome.LCSPR],
        weights=[75, 17, 8],
    )[0]
    last_recorded = again_on if sent_back and again_on <= today else meeting_on
    case.decision = RapidReviewDecision(
        partnership_id=p.pk,
        rapid_review=review,
        outcome=outcome,
        methodology=rng.choice(Methodology.values) if outcome == DecisionOutcome.LEARNING_REVIEW else "",
        reason_improvements_needed=_REASON,
        reason_recurrent_themes=_REASON,
        reason_agencies_working_together=_REASON,
        reason_panel_view="The Panel is likely to agree with the partnership's decision. " + _REASON,
        immediate_actions="Agencies to check the family's siblings are safe; the school to review its records.",
        recorded_by_id=bm,
        recorded_at=_at(last_recorded, 14),
    )
    case.decided_on = meeting_on
    sign_off = SignOff(
        partnership_id=p.pk, round=1, requested_by_id=bm, created_at=_at(meeting_on, 14), state=SignOff.State.AWAITING
    )
    case.sign_off = sign_off
    moves = case.moves
    moves.append((meeting_on, _State.GATHERING, _State.AWAITING_SIGN_OFF, "Decision recorded; sign-off requested."))
    actions = case.actions

    def act(day: date, round_: int, partner: str, action: str, comment: str = "") -> None:
        actor = bm if action == SignOffAction.Action.REQUESTED else leads.get(partner)
        actions.append(
            SignOffAction(
                partnership_id=p.pk,
                sign_off=sign_off,
                round=round_,
                partner=partner,
                action=action,
                actor_id=actor,
                comment=comment,
                at=_at(day, 11 if action == SignOffAction.Action.REQUESTED else 16),
            )
        )

    act(meeting_on, 1, "", SignOffAction.Action.REQUESTED)
    if sent_back:
        sender = rng.choice([s for s in _PARTNERS if s != StatutoryPartner.LOCAL_AUTHORITY])
        if send_back_on <= today:  # the local authority had approved before the send-back ended the round
            act(meeting_on, 1, StatutoryPartner.LOCAL_AUTHORITY, SignOffAction.Action.APPROVED)
        if send_back_on > today:
            review.state = _State.AWAITING_SIGN_OFF
            return
        act(send_back_on, 1, sender, SignOffAction.Action.SENT_BACK, "The reasons do not yet reflect our records.")
        moves.append((send_back_on, _State.AWAITING_SIGN_OFF, _State.GATHERING, "Sent back by a partner lead."))
        if again_on > today:
            review.state = _State.GATHERING
            sign_off.state = SignOff.State.SENT_BACK
            return
        sign_off.round = 2
        act(again_on, 2, "", SignOffAction.Action.REQUESTED)
        moves.append((again_on, _State.GATHERING, _State.AWAITING_SIGN_OFF, "Decision recorded again."))
    for s in _PARTNERS:
        if approved_on[s] <= today:
            act(approved_on[s], sign_off.round, s, SignOffAction.Action.APPROVED)
    if signed_off_on > today:
        review.state = _State.AWAITING_SIGN_OFF
        return
    sign_off.state = SignOff.State.APPROVED
    sign_off.completed_at = _at(signed_off_on, 16)
    moves.append((signed_off_on, _State.AWAITING_SIGN_OFF, _State.SIGNED_OFF, "Signed off by all three partners."))
    if sent_on > today:
        review.state = _State.SIGNED_OFF
        return
    review.state = _State.SENT_TO_PANEL
    review.sent_to_panel_on = sent_on
    review.working_days_taken = org.calendar.working_days_between(case.incident.panel_notified_on, sent_on)
    if review.working_days_taken > 15:
        review.delay_reason = (
            "A partner lead was unavailable for the meeting or the sign-off, and one agency's return was late."
        )
    moves.append((sent_on, _State.SIGNED_OFF, _State.SENT_TO_PANEL, "Sent to the national Panel."))
    _plan_learning_review(case, today=today, rng=rng, sent_on=sent_on)


def _plan_learning_review(case: _Case, *, today: date, rng: random.Random, sent_on: date) -> None:
    decision = case.decision
    if decision.outcome == DecisionOutcome.NO_FURTHER_REVIEW:
        return
    opened = sent_on + timedelta(days=rng.randint(3, 15))
    if opened > today:
        return
    org, p = case.org, case.org.partnership
    age = (today - opened).days
    state = (
        LearningReview.State.PLANNING
        if age < 45
        else LearningReview.State.DRAFTING
        if age < 110
        else LearningReview.State.OUT_FOR_COMMENT
        if age < 140
        else LearningReview.State.FINAL
    )
    methodology = decision.methodology or Methodology.PRACTITIONER
    lead_person, _n, _j = org.member_of(case.involved[0][0], rng)
    review = LearningReview(
        partnership_id=p.pk,
        reference="",  # numbered once every case is planned
        title=f"{Methodology(methodology).label} following rapid review {case.incident.reference}",
        rapid_review=case.review,
        methodology=methodology,
        scope=_SCOPE,
        key_lines_of_enquiry=_LINES,
        information_due_on=opened + timedelta(days=30),
        report_due_on=opened + timedelta(days=120),
        lead_author_id=lead_person,
        practitioner_event_on=opened + timedelta(days=50) if methodology == Methodology.PRACTITIONER else None,
        state=state,
        comments_due_on=opened + timedelta(days=140) if age >= 110 else None,
        publication=rng.choice(Publication.values) if state == LearningReview.State.FINAL else "",
        publication_reasons="Agreed by the partners." if state == LearningReview.State.FINAL else "",
        finalised_at=_at(opened + timedelta(days=140)) if state == LearningReview.State.FINAL else None,
        created_by_id=org.business_manager,
        created_at=_at(opened),
    )
    case.learning_review = review
    seen = {lead_person}
    for agency_id, _name in case.involved:
        person, _n, _j = org.member_of(agency_id, rng)
        if person in seen:
            continue
        seen.add(person)
        case.lr_contributors.append(
            Contributor(
                partnership_id=p.pk,
                learning_review=review,
                person_id=person,
                agency_id=agency_id,
                attended_event=state != LearningReview.State.PLANNING and rng.random() < 0.8,
            )
        )
    asked_done = review.information_due_on <= today
    for agency_id, _name in rng.sample(case.involved, k=min(len(case.involved), rng.choice([2, 3]))):
        person, _n, _j = org.member_of(agency_id, rng)
        request = InformationRequest(
            partnership_id=p.pk,
            learning_review=review,
            agency_id=agency_id,
            assignee_id=person,
            due_on=review.information_due_on,
            requested_by_id=org.business_manager,
            requested_at=_at(opened),
            state=_Request.SUBMITTED if asked_done else rng.choice([_Request.REQUESTED, _Request.DRAFT]),
        )
        if request.state != _Request.REQUESTED:
            request.involvement = _INVOLVEMENT
            request.good_practice = _GOOD
            request.draft_saved_at = _at(opened + timedelta(days=10))
        if asked_done:
            request.submitted_at = _at(review.information_due_on - timedelta(days=2))
            request.submitted_by_id = person
        case.lr_requests.append(request)


# --- Writing it all ----------------------------------------------------------------------------


def seed_reviews(partnerships: list[Partnership], *, large: int, each: int, log=print) -> None:
    """Plan every partnership's reviews, then write them table by table with bulk_create."""
    started = time.perf_counter()
    rng = random.Random(20261130)  # the same choices on every run
    today = timezone.localdate()
    cases: list[_Case] = []
    for index, org in enumerate(_orgs(partnerships)):
        count, years = (large, LARGE_YEARS) if index == 0 else (each, EACH_YEARS)
        days = _notification_days(count - (1 if index == 0 else 0), years, today, rng)
        showcase_on = org.calendar.subtract_working_days(today, 12) if index == 0 else None
        if showcase_on is not None:
            days = sorted([*days, showcase_on])
        numbers: dict[int, int] = defaultdict(int)
        for day in days:
            numbers[day.year] += 1
            reference = f"SI-{day.year}-{numbers[day.year]:03d}"
            showcase = day == showcase_on
            showcase_on = None if showcase else showcase_on
            cases.append(_plan(org, day, reference, today=today, rng=rng, showcase=showcase))
    planned = time.perf_counter()
    _write(cases)
    log(
        f"  rapid reviews: {len(cases)} ({large} in the large partnership) with everything hanging off them, "
        f"planned in {planned - started:.1f} s, written in {time.perf_counter() - planned:.1f} s"
    )


def _bulk(model, rows: list) -> list:
    model.objects.bulk_create(rows, batch_size=BATCH)
    if rows and rows[0].pk is None:  # PostgreSQL and SQLite >= 3.35 both return the new ids
        raise RuntimeError(f"bulk_create did not return the ids of {model.__name__} rows.")
    return rows


def _write(cases: list[_Case]) -> None:
    _bulk(SeriousIncident, [c.incident for c in cases])
    # bulk_create goes through each field's get_prep_value, so the identities are encrypted at rest.
    _bulk(Child, [child for c in cases for child in c.children])
    with connection.cursor() as cursor:  # raw SQL: the ORM would decrypt (or encrypt a lookup) for us
        cursor.execute(
            f"SELECT COUNT(*) FROM {Child._meta.db_table} "  # noqa: S608 (a table name, no input)
            "WHERE name NOT LIKE %s OR date_of_birth NOT LIKE %s OR address NOT LIKE %s",
            ["fernet:%"] * 3,
        )
        if cursor.fetchone()[0]:
            raise RuntimeError("A child's identity was written unencrypted.")
    through = SeriousIncident.agencies.through
    _bulk(
        through,
        [through(seriousincident_id=c.incident.pk, agency_id=a) for c in cases for a, _name in c.involved],
    )
    _bulk(RapidReview, [c.review for c in cases])
    _bulk(InformationRequest, [r.request for c in cases for r in c.returns])
    _bulk(MeetingAttendee, [a for c in cases for a in c.attendees])
    decided = [c for c in cases if c.decision is not None]
    _bulk(RapidReviewDecision, [c.decision for c in decided])
    decision_type = ContentType.objects.get_for_model(RapidReviewDecision)
    for c in decided:
        c.sign_off.subject_type = decision_type
        c.sign_off.subject_id = c.decision.pk
    _bulk(SignOff, [c.sign_off for c in decided])
    _bulk(SignOffAction, [a for c in decided for a in c.actions])
    with_lr = [c for c in cases if c.learning_review is not None]
    numbers: dict[tuple[int, int], int] = defaultdict(int)
    for c in sorted(with_lr, key=lambda c: (c.learning_review.created_at, c.review.pk)):
        key = (c.org.partnership.pk, c.learning_review.created_at.year)
        numbers[key] += 1
        c.learning_review.reference = f"LR-{key[1]}-{numbers[key]:03d}"
    _bulk(LearningReview, [c.learning_review for c in with_lr])
    _bulk(Contributor, [x for c in with_lr for x in c.lr_contributors])
    _bulk(InformationRequest, [r for c in with_lr for r in c.lr_requests])
    _bulk(Deadline, _deadlines(cases))
    _bulk(HistoryEntry, _history(cases))


def _deadlines(cases: list[_Case]) -> list[Deadline]:
    """The four milestones of each review and one per request, as the services would have left them."""
    rapid_type = ContentType.objects.get_for_model(RapidReview)
    learning_type = ContentType.objects.get_for_model(LearningReview)
    today = timezone.localdate()
    rows = []

    def deadline(c: _Case, *, subject: tuple, kind: str, title: str, due_on: date, **state) -> None:
        """One Deadline row; ``state``: ``met_on`` (a day up to today, or None), ``assignee``, ``cancelled``."""
        p, met_on, cancelled = c.org.partnership, state.get("met_on"), state.get("cancelled", False)
        late = (met_on or today) > due_on and due_on < today and not cancelled
        rows.append(
            Deadline(
                partnership_id=p.pk,
                subject_type=subject[0],
                subject_id=subject[1],
                kind=kind,
                title=title[:200],
                due_on=due_on,
                remind_on=c.org.calendar.subtract_working_days(due_on, p.reminder_working_days),
                assignee_id=state.get("assignee"),
                state=Deadline.State.CANCELLED
                if cancelled
                else Deadline.State.MET
                if met_on is not None
                else Deadline.State.OPEN,
                met_at=_at(met_on, 17) if met_on is not None else None,
                breached_at=_at(due_on + timedelta(days=1), 7) if late else None,
                created_at=c.review.created_at,
            )
        )

    for c in cases:
        r, ref = c.review, c.incident.reference
        for kind, title, due_on, met_on in (
            (DEADLINE_SCOPING, f"{ref}: send scoping requests to agencies", r.scoping_due_on, c.requests_sent_on),
            (DEADLINE_RETURNS, f"{ref}: agencies' returns due", r.returns_due_on, c.returns_in_on),
            (DEADLINE_MEETING, f"{ref}: hold the rapid review meeting", r.meeting_window_closes_on, c.decided_on),
            (
                DEADLINE_PANEL,
                f"{ref}: send the rapid review to the national Panel",
                r.panel_submission_due_on,
                r.sent_to_panel_on,
            ),
        ):
            deadline(
                c,
                subject=(rapid_type, r.pk),
                kind=kind,
                title=title,
                due_on=due_on,
                met_on=met_on if met_on is not None and met_on <= today else None,
            )
        requests = [((rapid_type, r.pk), ref, x.request, x.submitted_on) for x in c.returns]
        if c.learning_review is not None:
            lr = c.learning_review
            requests += [
                ((learning_type, lr.pk), lr.reference, x, x.submitted_at.date() if x.submitted_at else None)
                for x in c.lr_requests
            ]
        agency_names = dict(c.involved)
        for subject, reference, request, met_on in requests:
            deadline(
                c,
                subject=subject,
                kind=f"request.{request.pk}",
                title=f"{reference}: information return from {agency_names[request.agency_id]}",
                due_on=request.due_on,
                met_on=met_on,
                assignee=request.assignee_id,
                cancelled=request.state == _Request.WITHDRAWN,
            )
    return rows


def _history(cases: list[_Case]) -> list[HistoryEntry]:
    """What the services record: each incident and review created, each move of a review's state."""
    incident_type = ContentType.objects.get_for_model(SeriousIncident)
    review_type = ContentType.objects.get_for_model(RapidReview)
    rows = []
    for c in cases:
        p, bm, ref, at = c.org.partnership, c.org.business_manager, c.incident.reference, c.incident.created_at
        rows.append(
            HistoryEntry(
                partnership_id=p.pk,
                content_type=incident_type,
                object_id=str(c.incident.pk),
                object_repr=ref,
                action=HistoryEntry.Action.CREATED,
                changes={"reference": {"from": None, "to": ref}, "children": {"from": None, "to": len(c.children)}},
                actor_id=bm,
                at=at,
            )
        )
        rows.append(
            HistoryEntry(
                partnership_id=p.pk,
                content_type=review_type,
                object_id=str(c.review.pk),
                object_repr=f"Rapid review {ref}",
                action=HistoryEntry.Action.CREATED,
                changes={"state": {"from": None, "to": _State.GATHERING.label}},
                actor_id=bm,
                at=at,
            )
        )
        for day, before, after, reason in c.moves:
            rows.append(
                HistoryEntry(
                    partnership_id=p.pk,
                    content_type=review_type,
                    object_id=str(c.review.pk),
                    object_repr=f"Rapid review {ref}",
                    action=HistoryEntry.Action.UPDATED,
                    changes={"state": {"from": _State(before).label, "to": _State(after).label}},
                    reason=reason,
                    actor_id=bm,
                    at=_at(day, 17),
                )
            )
    return rows
