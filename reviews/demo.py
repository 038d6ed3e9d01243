"""Demo data for the reviews app: live-looking rapid reviews and a learning review in the demo partnerships.

``partnership.demo.demo_seed`` makes the partnerships, agencies and people
(the kernel cannot import this app); ``demo_reviews_seed`` then adds, to Ashby
and to Wessex, four serious incidents whose rapid reviews stand at the stages
people most want to see, dated from today on the partnership's working-day
calendar:

- one notified three working days ago, gathering returns: the demo
  practitioner has a request to fill in, one agency has a draft saved and one
  has submitted;
- one whose quorate meeting has been held and whose decision awaits the
  partners' sign-off (the local authority has approved);
- one signed off and sent to the national Panel on time, decided "another
  learning review", with that learning review opened and its outcomes form
  partly drafted;
- one overdue: past its Panel submission date and still gathering.

Everything is made through the services a business manager, practitioner or
partner lead would use (``reviews.services.*``, the sign-off through
``partnership.services.signoff``), so milestones, deadlines, sign-off rounds
and history are exactly what the pages would have written. Each step is run on
its story day: what the services stamp "now" (history, requests sent and
submitted, deadlines met, sign-off actions) is then moved to that working day,
so a review notified three weeks ago does not read as if all of it happened
this morning.

Every name, date of birth and address is invented ("14 Example Road"); the
people's addresses are on ``.example`` (RFC 2606). The services' emails are
discarded while seeding: they would go to invented people, and a console full
of them would bury the sign-in table ``seed_demo`` prints.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from partnership.demo import demo_email
from partnership.models import (
    Agency,
    Deadline,
    HistoryEntry,
    Membership,
    Partnership,
    Person,
    SignOff,
    SignOffAction,
)
from partnership.references import DEFAULT_INCIDENT_PATTERN
from partnership.selectors import working_day_calendar
from partnership.working_days import WorkingDayCalendar
from reviews.models import (
    DecisionOutcome,
    HarmOutcome,
    InformationRequest,
    LearningReview,
    Methodology,
    RapidReview,
    RapidReviewDecision,
    SeriousIncident,
)
from reviews.services.decision import (
    rapid_review_decision_approve,
    rapid_review_decision_record,
    rapid_review_send_to_panel,
)
from reviews.services.incidents import incident_record
from reviews.services.learning_review import (
    contributor_add,
    contributor_update,
    learning_review_open_from_decision,
    learning_review_start_drafting,
    outcomes_form_update,
)
from reviews.services.rapid_review_meeting import meeting_attendee_add, rapid_review_meeting_set
from reviews.services.requests import (
    information_request_save_draft,
    information_request_send_back,
    information_request_submit,
    information_requests_create,
)

RequestState = InformationRequest.State


class DemoDataMissingError(LookupError):
    """The demo partnerships or people are not there: ``manage.py seed_demo`` has to run first."""


# --- What the demo holds ------------------------------------------------------------------


@dataclass(frozen=True)
class DemoChild:
    name: str
    age_days: int  # age on the day of the incident
    address: str


def _age(*, years: int = 0, months: int = 0, weeks: int = 0) -> int:
    return years * 365 + months * 30 + weeks * 7


@dataclass(frozen=True)
class DemoReturn:
    """One agency's return, asked of a demo person (by the local part of their demo email).

    ``state`` is where it ends: requested (untouched), draft, submitted or
    sent back. ``day`` is the working day after the notification of its last
    step (the draft saved, or the return submitted); a submitted return was
    drafted the working day before, a sent-back one is sent back two working
    days after it came in, due two days after that.
    """

    assignee: str
    state: str = RequestState.SUBMITTED
    day: int = 4
    answers: Mapping[str, str] = field(default_factory=dict)
    sent_back_reason: str = ""


@dataclass(frozen=True)
class DemoDecision:
    outcome: str
    reason_improvements_needed: str
    reason_recurrent_themes: str
    reason_agencies_working_together: str
    reason_panel_view: str
    methodology: str = ""
    immediate_actions: str = ""


@dataclass(frozen=True)
class DemoLearningReview:
    """The learning review opened from a case's decision, and its partly drafted outcomes form."""

    title: str
    scope: str
    key_lines_of_enquiry: str
    lead_author: str  # local part of the demo email
    contributors: tuple[str, ...]
    first_draft: Mapping[str, str]  # outcomes form fields saved when drafting starts
    second_draft: Mapping[str, str]  # and added at the latest save (today)
    recommendations: tuple[Mapping[str, str], ...] = ()
    practitioner_event_details: str = ""


@dataclass(frozen=True)
class DemoCase:
    """One serious incident and how far its rapid review has gone.

    Days are working days after the Panel notification (day 0) on the
    partnership's calendar; ``notified_working_days_ago`` places day 0 before
    today. A ``meeting_day`` beyond that lies in the future.
    """

    reference: str
    notified_working_days_ago: int
    outcome: str
    summary: str
    referring_agency: str
    agencies: tuple[str, ...]
    children: tuple[DemoChild, ...]
    returns: tuple[DemoReturn, ...]
    working_days_to_notify: int = 2
    child_looked_after: bool = False
    meeting_day: int | None = None
    attendees: tuple[str, ...] = ()  # members at the meeting (local parts); partner leads make it quorate
    meeting_moved_to_day: int | None = None  # the meeting was not quorate and reconvenes on this day
    decision: DemoDecision | None = None
    approvals: tuple[str, ...] = ()  # partner leads (local parts) who have approved, in order
    sent_to_panel_day: int | None = None
    learning_review: DemoLearningReview | None = None


@dataclass(frozen=True)
class DemoReviewsOf:
    slug: str
    area: str  # the demo email's area: bm@<area>.demo.learningloop.example
    cases: tuple[DemoCase, ...]
    # The partnership's own incident series, which the demo cases' references follow.
    incident_reference_pattern: str = "SI-{year}-{number}"


# --- Ashby ---------------------------------------------------------------------------------

_ASHBY_COUNCIL = "London Borough of Ashby"
_ASHBY_HOSPITAL = "South Thames Hospitals NHS Foundation Trust"
_ASHBY_POLICE = "South Thames Police"
_ASHBY_ICB = "NHS South Thames Integrated Care Board"
_ASHBY_SCHOOL = "Ashby Park Primary School"

_ASHBY_CASES = (
    DemoCase(
        reference="ASH-SI-014",
        notified_working_days_ago=30,
        outcome=HarmOutcome.SERIOUS_HARM,
        summary=(
            "Child A, aged seven months, was brought to the emergency department with a skull fracture and "
            "bruising to the face that the parents could not explain. The family had moved between two "
            "temporary addresses in the previous three months and several health visiting contacts were missed."
        ),
        referring_agency=_ASHBY_HOSPITAL,
        agencies=(_ASHBY_COUNCIL, _ASHBY_POLICE, _ASHBY_ICB, "Ashby Homes"),
        children=(DemoChild("Maisie Thornbury", _age(months=7), "Flat 3, 14 Example Road, Ashby AB1 0XX"),),
        returns=(
            DemoReturn(
                "practitioner",
                day=3,
                answers={
                    "involvement": (
                        "Child A was born at the trust at 38 weeks. Three emergency department attendances: at "
                        "three months (feeding difficulty), at five months (a fall from a sofa, no injury found) "
                        "and the presentation that led to this notification."
                    ),
                    "key_practice_episodes": (
                        "At the five-month attendance the explanation was accepted and no safeguarding referral "
                        "was made; the infant was not mobile. The body map policy was not followed."
                    ),
                    "good_practice": (
                        "The paediatric registrar recognised the pattern at the latest attendance and made a "
                        "referral to children's social care within the hour."
                    ),
                    "done_differently": (
                        "Injuries in non-mobile infants should always prompt a referral (the bruising protocol); "
                        "earlier attendances were not visible to the triage nurse."
                    ),
                    "immediate_safety_concerns": "None now: Child A is in foster care and the sibling is safe.",
                },
            ),
            DemoReturn(
                "social-worker",
                day=4,
                answers={
                    "involvement": (
                        "Known to early help for housing support only. A contact from the housing provider about "
                        "arguments heard at the address was screened out as no further action."
                    ),
                    "key_practice_episodes": (
                        "The contact from Ashby Homes was not linked to the health visiting concerns because the "
                        "family's address on the two systems differed."
                    ),
                    "good_practice": "The strategy discussion was held the same day as the referral.",
                    "done_differently": "Check both previous addresses when screening a contact.",
                    "immediate_safety_concerns": "None: interim care order granted.",
                },
            ),
            DemoReturn(
                "police-lead",
                day=4,
                answers={
                    "involvement": (
                        "One domestic incident attended at the first temporary address (verbal argument, no "
                        "offences disclosed). A child was recorded as present."
                    ),
                    "key_practice_episodes": (
                        "The domestic abuse risk assessment was graded standard; the notification to children's "
                        "services was sent but not to health visiting."
                    ),
                    "good_practice": "Joint investigation started promptly; both parents interviewed.",
                    "done_differently": "Share notifications of incidents where an infant is present with health.",
                    "immediate_safety_concerns": "Investigation ongoing; bail conditions in place.",
                },
            ),
            DemoReturn(
                "health-lead",
                day=5,
                answers={
                    "involvement": (
                        "GP registration transferred late after the second move; two health visiting contacts "
                        "(the 6 to 8 week review and a follow-up) were missed and closed as 'moved out of area'."
                    ),
                    "key_practice_episodes": "The missed contacts were not followed up with the new GP practice.",
                    "good_practice": "The named GP has reviewed the records and shared the chronology.",
                    "done_differently": "A 'was not brought' pathway for infants who move between boroughs.",
                    "immediate_safety_concerns": "None.",
                },
            ),
        ),
        meeting_day=8,
        attendees=("la-lead", "health-lead", "police-lead", "practitioner", "social-worker"),
        decision=DemoDecision(
            outcome=DecisionOutcome.LEARNING_REVIEW,
            methodology=Methodology.PRACTITIONER,
            reason_improvements_needed=(
                "Yes: injuries to a non-mobile infant were seen twice before without a referral, and information "
                "about the moves was not shared between housing, health and children's services."
            ),
            reason_recurrent_themes=(
                "Missed health contacts for families in temporary accommodation recur in two earlier rapid reviews "
                "(ASH-SI-006, ASH-SI-011)."
            ),
            reason_agencies_working_together=(
                "Each agency held part of the picture; none of them held all of it. The learning is about how "
                "they share, which practitioners can speak to best."
            ),
            reason_panel_view=(
                "The criteria for a local child safeguarding practice review are not met: the learning is "
                "local and practice-based. The Panel is likely to agree with a practitioner learning review."
            ),
            immediate_actions=(
                "Reminder of the bruising protocol to the emergency department; housing to copy concerns to the "
                "health visiting single point of access from today."
            ),
        ),
        approvals=("la-lead", "health-lead", "police-lead"),
        sent_to_panel_day=14,
        learning_review=DemoLearningReview(
            title="Non-mobile infant, moves between temporary addresses",
            scope=(
                "Agencies' work with Child A and the family from the booking appointment in pregnancy to the "
                "date of the incident, with a focus on the two moves between temporary addresses."
            ),
            key_lines_of_enquiry=(
                "How was information shared when the family moved? Why were earlier injuries not referred? "
                "How were the father's views and history understood?"
            ),
            lead_author="practitioner",
            contributors=("social-worker", "police-lead", "health-lead"),
            practitioner_event_details=(
                "Half-day practitioner event at the business unit, appreciative inquiry; invitations to the "
                "hospital, health visiting, housing, police and children's social care."
            ),
            first_draft={
                "family_details": "Child A (seven months), mother (22), father (25). One older half-sibling.",
                "how_undertaken": (
                    "A practitioner learning review: agency chronologies, then a practitioner event using "
                    "appreciative inquiry, facilitated by the lead author."
                ),
                "contributors_text": (
                    "Emergency department, health visiting, Ashby Homes, South Thames Police, children's social care."
                ),
            },
            second_draft={
                "synopsis": (
                    "Child A was seriously injured at seven months. Over the previous three months the family "
                    "had moved twice between temporary addresses, two health visiting contacts were missed, a "
                    "domestic incident was reported and Child A was seen twice in the emergency department. "
                    "No single agency held the whole picture."
                ),
                "key_findings": (
                    "1. Injuries in non-mobile infants were not always referred. 2. Moves between temporary "
                    "addresses broke the health visiting pathway. 3. Police notifications of incidents with an "
                    "infant present did not reach health."
                ),
                "strengths": "A prompt, well-coordinated response once the injury was recognised.",
            },
            recommendations=(
                {
                    "action": "Audit the emergency department's use of the bruising protocol for non-mobile infants.",
                    "person_responsible": "Named nurse, South Thames Hospitals",
                    "timeframe": "Within three months",
                },
                {
                    "action": "Agree a 'was not brought' pathway for infants in temporary accommodation.",
                    "person_responsible": "Designated nurse, South Thames ICB",
                    "timeframe": "Within six months",
                },
            ),
        ),
    ),
    DemoCase(
        reference="ASH-SI-015",
        notified_working_days_ago=20,
        working_days_to_notify=6,
        outcome=HarmOutcome.SERIOUS_HARM,
        summary=(
            "Child B, aged two, was admitted to hospital severely dehydrated and underweight after being found "
            "at home with Child A, aged nine, and no adult present. Child A's school had raised concerns about "
            "attendance and hunger over the previous term."
        ),
        referring_agency=_ASHBY_POLICE,
        agencies=(_ASHBY_COUNCIL, _ASHBY_HOSPITAL, _ASHBY_SCHOOL, "Ashby Family Support Network"),
        children=(
            DemoChild("Tyler Brennick", _age(years=9, months=2), "22 Sample Close, Ashby AB2 0XX"),
            DemoChild("Rosie Brennick", _age(years=2, months=1), "22 Sample Close, Ashby AB2 0XX"),
        ),
        returns=(
            DemoReturn(
                "social-worker",
                day=5,
                answers={
                    "involvement": (
                        "Child in need plan for six months last year for neglect, closed to early help in the "
                        "spring. No open involvement at the time of the incident."
                    ),
                    "key_practice_episodes": (
                        "The step-down to early help was agreed without the school at the meeting; the early help "
                        "worker left and the case was unallocated for seven weeks."
                    ),
                    "good_practice": "Both children were placed with a maternal aunt the same evening.",
                    "done_differently": "A step-down should not proceed without every agency working with the family.",
                    "immediate_safety_concerns": "None: both children are with family under a safety plan.",
                },
            ),
            DemoReturn(
                "practitioner",
                day=5,
                answers={
                    "involvement": (
                        "Child B was admitted to the children's ward for rehydration and feeding. Weight below the "
                        "0.4th centile. No earlier admissions; the last growth measurement was at 12 months."
                    ),
                    "key_practice_episodes": "The 2-year review had not been done; the trust was not told why.",
                    "good_practice": "Skeletal survey and full assessment were completed within 24 hours.",
                    "done_differently": "Nothing further identified for the hospital at this stage.",
                    "immediate_safety_concerns": "Child B discharged to the aunt with community nursing follow-up.",
                },
            ),
            DemoReturn(
                "police-lead",
                day=6,
                answers={
                    "involvement": "Officers forced entry after a neighbour's call. Mother arrested for child neglect.",
                    "key_practice_episodes": "Two earlier welfare calls this year; neither resulted in a referral.",
                    "good_practice": "Officers stayed with Child A until the aunt arrived.",
                    "done_differently": "Welfare calls involving children should create a notification every time.",
                    "immediate_safety_concerns": "Mother on bail with a condition not to have unsupervised contact.",
                },
            ),
            DemoReturn(
                "agency-lead",
                state=RequestState.SENT_BACK,
                day=6,
                answers={
                    "involvement": "Child A has attended the school since Reception.",
                    "key_practice_episodes": "Attendance concerns.",
                    "good_practice": "",
                    "done_differently": "",
                    "immediate_safety_concerns": "None known.",
                },
                sent_back_reason=(
                    "Thank you. Please add the attendance figures for the last two terms, the dates of the "
                    "concerns logged about hunger, and who they were shared with."
                ),
            ),
        ),
        meeting_day=11,
        attendees=("la-lead", "health-lead", "social-worker"),
        meeting_moved_to_day=22,
    ),
    DemoCase(
        reference="ASH-SI-016",
        notified_working_days_ago=11,
        outcome=HarmOutcome.SERIOUS_HARM,
        summary=(
            "Child A, aged fourteen, suffered serious injuries in a fall from a railway bridge after going missing "
            "overnight. There were concerns that he was being exploited to carry drugs between Ashby and a "
            "neighbouring county."
        ),
        referring_agency=_ASHBY_POLICE,
        agencies=(_ASHBY_COUNCIL, _ASHBY_HOSPITAL, "Ashby Academy", "Ashby Youth Justice Service"),
        children=(DemoChild("Kieran Maddox", _age(years=14, months=5), "7 Placeholder Avenue, Ashby AB3 0XX"),),
        returns=(
            DemoReturn(
                "police-lead",
                day=4,
                answers={
                    "involvement": (
                        "Child A was reported missing five times in four months; found twice outside the county "
                        "with cash and two phones. Flagged for child criminal exploitation."
                    ),
                    "key_practice_episodes": "Return home interviews were offered twice and declined.",
                    "good_practice": "A disruption plan targeted the adults linked to the county line.",
                    "done_differently": "Earlier National Referral Mechanism referral.",
                    "immediate_safety_concerns": "Two adults arrested; intelligence shared with the next force.",
                },
            ),
            DemoReturn(
                "social-worker",
                day=5,
                answers={
                    "involvement": "Child A has had a child protection plan for six weeks (category: neglect).",
                    "key_practice_episodes": (
                        "The plan addressed home conditions but not the exploitation risk; the exploitation panel "
                        "had not yet considered him."
                    ),
                    "good_practice": "Strong relationship between the social worker and Child A's mother.",
                    "done_differently": "Refer to the exploitation panel at the first missing episode.",
                    "immediate_safety_concerns": "Safety plan for the younger sibling in place.",
                },
            ),
            DemoReturn(
                "practitioner",
                day=5,
                answers={
                    "involvement": (
                        "Treated on the major trauma pathway; transferred to the children's ward after five days."
                    ),
                    "key_practice_episodes": "An attendance last year with a stab wound to the hand was referred.",
                    "good_practice": "Youth worker in the emergency department engaged with Child A on the ward.",
                    "done_differently": "None identified.",
                    "immediate_safety_concerns": "Ward staff aware of the risk of visitors linked to the exploitation.",
                },
            ),
        ),
        meeting_day=9,
        attendees=("la-lead", "health-lead", "police-lead", "social-worker"),
        decision=DemoDecision(
            outcome=DecisionOutcome.LCSPR,
            reason_improvements_needed=(
                "Yes: the exploitation risk was known to several agencies for four months but was not brought "
                "into the child protection plan."
            ),
            reason_recurrent_themes="Child criminal exploitation is a partnership priority and recurs in reviews.",
            reason_agencies_working_together=(
                "The police, youth justice and children's social care each held risk information that was not "
                "combined; the exploitation panel did not consider Child A."
            ),
            reason_panel_view=(
                "The Panel's national review of criminal exploitation makes this case one of national interest."
            ),
            immediate_actions="Every open child protection plan to be checked for missing episodes this month.",
        ),
        approvals=("la-lead",),
    ),
    DemoCase(
        reference="ASH-SI-017",
        notified_working_days_ago=3,
        outcome=HarmOutcome.DEATH,
        summary=(
            "Child A, aged ten weeks, died unexpectedly at home after sharing a sofa with a parent overnight. "
            "Parental alcohol use was reported by the ambulance crew. An older sibling attends a local primary "
            "school."
        ),
        referring_agency=_ASHBY_POLICE,
        agencies=(_ASHBY_COUNCIL, _ASHBY_HOSPITAL, _ASHBY_ICB, _ASHBY_SCHOOL),
        children=(DemoChild("Ava Lindell", _age(weeks=10), "41 Fictional Street, Ashby AB4 0XX"),),
        returns=(
            DemoReturn(
                "agency-lead",
                day=3,
                answers={
                    "involvement": (
                        "Child A's sibling (Year 3) attends the school. Attendance 94%. No safeguarding concerns "
                        "recorded; one note of the sibling seeming tired in the week before the death."
                    ),
                    "key_practice_episodes": "None beyond the note above, which was discussed with the family.",
                    "good_practice": "Bereavement support arranged for the sibling within a day.",
                    "done_differently": "Nothing identified.",
                    "immediate_safety_concerns": "None.",
                },
            ),
            DemoReturn(
                "social-worker",
                state=RequestState.DRAFT,
                day=2,
                answers={
                    "involvement": (
                        "A referral during pregnancy about the mother's alcohol use was assessed and closed with "
                        "advice. The family was not open at the time of the death."
                    ),
                    "key_practice_episodes": "Pre-birth assessment: to be completed from the case file.",
                },
            ),
            DemoReturn("practitioner", state=RequestState.REQUESTED),
        ),
        meeting_day=9,
    ),
)

# --- Wessex --------------------------------------------------------------------------------

_WESSEX_COUNCIL = "Wessex County Council"
_WESSEX_HOSPITAL = "Wessex University Hospitals NHS Foundation Trust"
_WESSEX_POLICE = "Wessex Constabulary"

_WESSEX_CASES = (
    DemoCase(
        reference="WSX-SI-102",
        notified_working_days_ago=28,
        outcome=HarmOutcome.SERIOUS_HARM,
        summary=(
            "Child A, aged three, suffered serious scald injuries at home in Casterbridge. The mother's partner "
            "had recently moved in; police had attended the address twice for domestic abuse."
        ),
        referring_agency=_WESSEX_HOSPITAL,
        agencies=(_WESSEX_COUNCIL, _WESSEX_POLICE, "Wessex Community Health NHS Trust", "Casterbridge Women's Aid"),
        children=(DemoChild("Poppy Harkwood", _age(years=3, months=4), "9 Example Lane, Casterbridge WX1 0XX"),),
        returns=(
            DemoReturn(
                "practitioner",
                day=3,
                answers={
                    "involvement": (
                        "Child A was treated in the burns unit. Midwifery records show the mother disclosed "
                        "domestic abuse by a previous partner during pregnancy."
                    ),
                    "key_practice_episodes": "The disclosure was recorded and a referral made to the IDVA service.",
                    "good_practice": "Routine enquiry about domestic abuse was asked and recorded at every visit.",
                    "done_differently": "The disclosure was not shared with the health visitor at handover.",
                    "immediate_safety_concerns": "None: Child A is discharged to the maternal grandmother.",
                },
            ),
            DemoReturn(
                "health-visitor",
                day=4,
                answers={
                    "involvement": "Universal health visiting; the 2-year review was completed by phone.",
                    "key_practice_episodes": "The mother's new partner was not known to the service.",
                    "good_practice": "Prompt contact with the GP after the incident.",
                    "done_differently": "Face-to-face reviews where domestic abuse has been disclosed.",
                    "immediate_safety_concerns": "None.",
                },
            ),
            DemoReturn(
                "police-practitioner",
                day=4,
                answers={
                    "involvement": "Two domestic abuse call-outs in the six weeks before the incident.",
                    "key_practice_episodes": (
                        "The second call was graded medium risk; the notification reached the MASH five days later."
                    ),
                    "good_practice": "The partner was arrested and charged within 48 hours.",
                    "done_differently": "Notifications to reach the MASH within 24 hours.",
                    "immediate_safety_concerns": "Partner remanded in custody.",
                },
            ),
            DemoReturn(
                "social-worker",
                day=5,
                answers={
                    "involvement": "The MASH received the police notification and sent a letter to the mother.",
                    "key_practice_episodes": "No check was made with health or the nursery before deciding.",
                    "good_practice": "Same-day strategy discussion after the hospital referral.",
                    "done_differently": "Agency checks for each domestic abuse notification with a child under five.",
                    "immediate_safety_concerns": "Child protection plan agreed.",
                },
            ),
        ),
        meeting_day=9,
        attendees=("la-lead", "health-lead", "police-lead", "social-worker", "health-visitor"),
        decision=DemoDecision(
            outcome=DecisionOutcome.LEARNING_REVIEW,
            methodology=Methodology.DESKTOP,
            reason_improvements_needed=(
                "Some: handover of domestic abuse disclosures between midwifery and health visiting, and the time "
                "police notifications take to reach the MASH."
            ),
            reason_recurrent_themes="Domestic abuse notifications feature in three reviews this year.",
            reason_agencies_working_together=(
                "Agencies worked well once the injury was known; the learning is about the weeks before."
            ),
            reason_panel_view="The learning is local; a desktop review will capture it quickly.",
            immediate_actions="MASH to review all domestic abuse notifications older than 24 hours.",
        ),
        approvals=("la-lead", "health-lead", "police-lead"),
        sent_to_panel_day=13,
        learning_review=DemoLearningReview(
            title="Domestic abuse notifications and handover between health services",
            scope=(
                "The twelve months before the incident: midwifery, health visiting, police and the MASH, with a "
                "focus on how domestic abuse information moved between them."
            ),
            key_lines_of_enquiry=(
                "What happened to the disclosure made in pregnancy? Why did the notification take five days? "
                "What checks did the MASH make, and why?"
            ),
            lead_author="partnership-officer",
            contributors=("practitioner", "health-visitor", "police-practitioner", "social-worker"),
            first_draft={
                "family_details": "Child A (three), mother (27), mother's partner (31).",
                "how_undertaken": "A desktop review of the agencies' records and chronologies.",
                "contributors_text": "Midwifery, health visiting, Wessex Constabulary, the MASH.",
            },
            second_draft={
                "synopsis": (
                    "Child A was scalded at home weeks after the mother's new partner moved in. Domestic abuse had "
                    "been disclosed in pregnancy and reported to police twice, but the information did not reach "
                    "the health visitor and the MASH decided without checking with health."
                ),
                "do_better": "Handover of domestic abuse disclosures; timeliness of police notifications.",
            },
            recommendations=(
                {
                    "action": "Add domestic abuse disclosures to the midwifery to health visiting handover template.",
                    "person_responsible": "Head of midwifery, Wessex University Hospitals",
                    "timeframe": "By the end of next quarter",
                },
            ),
        ),
    ),
    DemoCase(
        reference="WSX-SI-103",
        notified_working_days_ago=19,
        outcome=HarmOutcome.SERIOUS_HARM,
        child_looked_after=True,
        summary=(
            "Child A, aged sixteen and looked after by the county council, was found unconscious after an "
            "overdose in supported accommodation in Budmouth. She had disclosed self-harm to school staff the "
            "week before."
        ),
        referring_agency=_WESSEX_COUNCIL,
        agencies=(_WESSEX_POLICE, "Budmouth Academy", "Wessex Mental Health NHS Foundation Trust", "Wessex Homes"),
        children=(
            DemoChild("Jasmine Okoro-Webb", _age(years=16, months=3), "Room 4, 2 Sample Court, Budmouth WX7 0XX"),
        ),
        returns=(
            DemoReturn(
                "social-worker",
                day=5,
                answers={
                    "involvement": "Looked after since thirteen; in supported accommodation for four months.",
                    "key_practice_episodes": "She moved placement without a plan for her mental health support.",
                    "good_practice": "Her personal adviser visited weekly and knew her well.",
                    "done_differently": "Placement moves for 16-year-olds to include a mental health handover.",
                    "immediate_safety_concerns": "Moved to a staffed placement on discharge.",
                },
            ),
            DemoReturn(
                "dsl-budmouth",
                day=5,
                answers={
                    "involvement": "Year 12 student. Disclosed self-harm to a tutor six days before the overdose.",
                    "key_practice_episodes": "The DSL emailed the social worker that day; no reply before the weekend.",
                    "good_practice": "The disclosure was recorded and acted on the same day.",
                    "done_differently": "Phone as well as email where the risk is to life.",
                    "immediate_safety_concerns": "Support plan for her return to school agreed.",
                },
            ),
            DemoReturn("police-practitioner", state=RequestState.REQUESTED),
        ),
        meeting_day=21,
    ),
    DemoCase(
        reference="WSX-SI-104",
        notified_working_days_ago=10,
        outcome=HarmOutcome.SERIOUS_HARM,
        summary=(
            "Child A, aged eight weeks, was found to have rib fractures of different ages after the GP referred "
            "the family for a persistent cough. Both parents are under investigation."
        ),
        referring_agency="Casterbridge and Mellstock Primary Care Network",
        agencies=(_WESSEX_HOSPITAL, _WESSEX_COUNCIL, _WESSEX_POLICE, "Wessex Community Health NHS Trust"),
        children=(DemoChild("Oliver Stanmore", _age(weeks=8), "5 Illustration Row, Mellstock WX3 0XX"),),
        returns=(
            DemoReturn(
                "practitioner",
                day=3,
                answers={
                    "involvement": "Normal pregnancy and delivery; discharged at day two.",
                    "key_practice_episodes": "None before the admission.",
                    "good_practice": "Skeletal survey and ophthalmology review within 24 hours of admission.",
                    "done_differently": "None identified.",
                    "immediate_safety_concerns": "Child A in foster care.",
                },
            ),
            DemoReturn(
                "health-visitor",
                day=4,
                answers={
                    "involvement": "New birth visit at twelve days: a settled baby, parents coping well.",
                    "key_practice_episodes": "No concerns noted; the father was present.",
                    "good_practice": "Thorough new birth visit, ICON programme discussed.",
                    "done_differently": "None identified.",
                    "immediate_safety_concerns": "None.",
                },
            ),
            DemoReturn(
                "police-practitioner",
                day=4,
                answers={
                    "involvement": "No previous police involvement with either parent.",
                    "key_practice_episodes": "Joint investigation opened on referral.",
                    "good_practice": "Achieving Best Evidence interviews planned with social care.",
                    "done_differently": "None.",
                    "immediate_safety_concerns": "Both parents on bail.",
                },
            ),
        ),
        meeting_day=8,
        attendees=("la-lead", "health-lead", "police-lead", "practitioner"),
        decision=DemoDecision(
            outcome=DecisionOutcome.NO_FURTHER_REVIEW,
            reason_improvements_needed=(
                "No: every agency's contact was appropriate and the injuries were recognised and acted on at the "
                "first opportunity."
            ),
            reason_recurrent_themes="None identified.",
            reason_agencies_working_together="Agencies worked well together; information was shared promptly.",
            reason_panel_view="The Panel is likely to agree that a further review would not add learning.",
            immediate_actions="Share the ICON message again with maternity and health visiting.",
        ),
        approvals=("la-lead",),
    ),
    DemoCase(
        reference="WSX-SI-105",
        notified_working_days_ago=2,
        outcome=HarmOutcome.SERIOUS_HARM,
        summary=(
            "Child A, aged twelve, and Child B, aged six, were injured in a house fire in Budmouth while left "
            "alone overnight. Both were taken to hospital with smoke inhalation; Child B also has burns."
        ),
        referring_agency="Wessex Fire and Rescue Service",
        agencies=(_WESSEX_HOSPITAL, _WESSEX_COUNCIL, "Budmouth Academy", "Budmouth Regis Infant School"),
        children=(
            DemoChild("Leo Pemberton", _age(years=12, months=7), "18 Example Terrace, Budmouth WX6 0XX"),
            DemoChild("Daisy Pemberton", _age(years=6, months=1), "18 Example Terrace, Budmouth WX6 0XX"),
        ),
        returns=(
            DemoReturn(
                "dsl-budmouth",
                day=2,
                answers={
                    "involvement": "Child A is in Year 8. Attendance 81%; late most Mondays.",
                    "key_practice_episodes": "Early help offered in the spring and declined by the mother.",
                    "good_practice": "Pastoral lead kept in weekly contact with Child A.",
                    "done_differently": "Escalate when early help is declined and concerns continue.",
                    "immediate_safety_concerns": "None known now: both children with their father.",
                },
            ),
            DemoReturn(
                "social-worker",
                state=RequestState.DRAFT,
                day=1,
                answers={
                    "involvement": "Two contacts this year (home alone, attendance); both closed to early help.",
                },
            ),
            DemoReturn("practitioner", state=RequestState.REQUESTED),
        ),
        meeting_day=8,
    ),
)

DEMO_REVIEWS: tuple[DemoReviewsOf, ...] = (
    DemoReviewsOf(slug="ashby-scp", area="ashby", cases=_ASHBY_CASES, incident_reference_pattern="ASH-SI-{number}"),
    DemoReviewsOf(slug="wessex-scp", area="wessex", cases=_WESSEX_CASES, incident_reference_pattern="WSX-SI-{number}"),
)


# --- Seeding ----------------------------------------------------------------------------------


@dataclass
class DemoReviewLine:
    """One demo rapid review, as the command lists it."""

    partnership: str
    reference: str
    state: str
    notified_on: date
    panel_submission_due_on: date
    overdue: bool  # past the Panel submission date and not sent
    learning_review: str = ""


@dataclass
class DemoReviewsSeedResult:
    reviews: list[DemoReviewLine] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def demo_reviews_seed() -> DemoReviewsSeedResult:
    """Add the demo rapid reviews and learning reviews to the demo partnerships, once.

    Guarantees: idempotent, keyed on the incident reference (a case whose
    reference exists in its partnership is left as it is, whatever has been
    done to it since); all or nothing (one transaction); every row is written
    by the services, then only their timestamps are moved to the case's story
    days (never into the future). No email is sent when it runs in its own
    transaction, as the command does (called inside an outer transaction, the
    services' emails wait for that one to commit, after the override below).
    Raises ``DemoDataMissingError`` when ``demo_seed`` has not made the
    partnerships and people first.
    """
    # Email goes out when the transaction commits, so the override covers the commit too.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _seed()


@transaction.atomic
def _seed() -> DemoReviewsSeedResult:
    result = DemoReviewsSeedResult()
    today = timezone.localdate()
    for definition in DEMO_REVIEWS:
        partnership = Partnership.objects.filter(slug=definition.slug).first()
        if partnership is None:
            raise DemoDataMissingError(f"There is no partnership {definition.slug}: run manage.py seed_demo first.")
        if partnership.incident_reference_pattern == DEFAULT_INCIDENT_PATTERN:
            # The demo's cases follow the partnership's own series: the next one recorded continues it.
            partnership.incident_reference_pattern = definition.incident_reference_pattern
            partnership.save(update_fields=["incident_reference_pattern"])
        cast = _Cast(partnership=partnership, area=definition.area)
        calendar = working_day_calendar(partnership=partnership)
        for case in definition.cases:
            incident = SeriousIncident.objects.in_partnership(partnership).filter(reference=case.reference).first()
            if incident is None:
                incident = _case_create(cast=cast, calendar=calendar, today=today, case=case, result=result)
            review = RapidReview.objects.in_partnership(partnership).select_related("incident").get(incident=incident)
            learning_review = LearningReview.objects.in_partnership(partnership).filter(rapid_review=review).first()
            result.reviews.append(
                DemoReviewLine(
                    partnership=partnership.name,
                    reference=incident.reference,
                    state=review.get_state_display(),
                    notified_on=incident.panel_notified_on,
                    panel_submission_due_on=review.panel_submission_due_on,
                    overdue=review.sent_to_panel_on is None and review.panel_submission_due_on < today,
                    learning_review=learning_review.reference if learning_review else "",
                )
            )
        from reviews.demo_recommendations import demo_recommendations_seed

        made = demo_recommendations_seed(partnership=partnership, area=definition.area)
        if made:
            result.count("recommendations", made)
    return result


class _Cast:
    """The demo partnership's people and agencies, looked up by the local part of the email and by name."""

    def __init__(self, *, partnership: Partnership, area: str) -> None:
        self.partnership = partnership
        self.area = area
        self._members: dict[str, Membership] = {}

    def member(self, local_part: str) -> Membership:
        if local_part not in self._members:
            email = demo_email(local_part, self.area)
            membership = (
                Membership.objects.in_partnership(self.partnership)
                .select_related("person", "agency")
                .prefetch_related("roles")
                .filter(person__email=email, is_active=True)
                .first()
            )
            if membership is None:
                raise DemoDataMissingError(
                    f"{email} is not an active member of {self.partnership}: run seed_demo first."
                )
            self._members[local_part] = membership
        return self._members[local_part]

    def person(self, local_part: str) -> Person:
        return self.member(local_part).person

    @property
    def bm(self) -> Person:
        return self.person("bm")

    def agency(self, name: str) -> Agency:
        agency = Agency.objects.in_partnership(self.partnership).filter(name=name).first()
        if agency is None:
            raise DemoDataMissingError(f"{self.partnership} has no agency {name}: run seed_demo first.")
        return agency


# Timestamps the services stamp "now", which a step moves to its story day.
_STAMPED: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (HistoryEntry, ("at",)),
    (SeriousIncident, ("created_at",)),
    (RapidReview, ("created_at",)),
    (InformationRequest, ("requested_at", "draft_saved_at", "submitted_at")),
    (RapidReviewDecision, ("recorded_at",)),
    (SignOff, ("created_at", "completed_at")),
    (SignOffAction, ("at",)),
    (Deadline, ("created_at", "met_at")),
    (LearningReview, ("created_at",)),
)


class _Story:
    """A case's days: working day ``n`` after the notification, and steps run on them."""

    def __init__(self, *, partnership: Partnership, calendar: WorkingDayCalendar, notified_on: date) -> None:
        self.partnership = partnership
        self.calendar = calendar
        self.notified_on = notified_on

    def day(self, n: int) -> date:
        return self.calendar.add_working_days(self.notified_on, n)

    @contextmanager
    def on(self, n: int, at: time) -> Iterator[None]:
        """Run the block's services, then move the times they stamped to working day ``n`` at ``at``.

        A step whose story time has not come yet (today, later this morning)
        keeps the services' own times: nothing is ever stamped in the future.
        """
        started = timezone.now()
        yield
        when = timezone.make_aware(datetime.combine(self.day(n), at))
        if when >= started:
            return
        for model, names in _STAMPED:
            rows = model.objects.in_partnership(self.partnership)
            for name in names:
                rows.filter(**{f"{name}__gte": started}).update(**{name: when})


def _notified_on(calendar: WorkingDayCalendar, *, today: date, working_days_ago: int) -> date:
    """The working day from which today (or, at a weekend, the last working day) is day ``working_days_ago``."""
    last_working_day = today
    while not calendar.is_working_day(last_working_day):
        last_working_day -= timedelta(days=1)
    return calendar.subtract_working_days(last_working_day, working_days_ago)


def _case_create(
    *, cast: _Cast, calendar: WorkingDayCalendar, today: date, case: DemoCase, result: DemoReviewsSeedResult
) -> SeriousIncident:
    partnership = cast.partnership
    notified_on = _notified_on(calendar, today=today, working_days_ago=case.notified_working_days_ago)
    story = _Story(partnership=partnership, calendar=calendar, notified_on=notified_on)
    la_aware_on = calendar.subtract_working_days(notified_on, case.working_days_to_notify)
    incident_on = la_aware_on - timedelta(days=1)
    returners = [(cast.member(r.assignee), r) for r in case.returns]

    with story.on(0, time(9, 40)):
        incident = incident_record(
            partnership=partnership,
            actor=cast.bm,
            reference=case.reference,
            incident_on=incident_on,
            la_aware_on=la_aware_on,
            panel_notified_on=notified_on,
            outcome=case.outcome,
            child_looked_after=case.child_looked_after,
            summary=case.summary,
            referring_agency=cast.agency(case.referring_agency),
            agencies=[
                *(cast.agency(name) for name in case.agencies),
                *(member.agency for member, _ in returners),
            ],
            children=[
                {"name": c.name, "date_of_birth": incident_on - timedelta(days=c.age_days), "address": c.address}
                for c in case.children
            ],
        )
    review = RapidReview.objects.in_partnership(partnership).select_related("incident").get(incident=incident)
    result.count("rapid reviews")

    with story.on(1, time(11, 5)):
        requests = information_requests_create(
            partnership=partnership,
            actor=cast.bm,
            assignments=[(member.agency, member.person) for member, _ in returners],
            rapid_review=review,
            today=story.day(1),
        )
        if case.meeting_day is not None:
            rapid_review_meeting_set(
                partnership=partnership, actor=cast.bm, rapid_review=review, meeting_on=story.day(case.meeting_day)
            )
    result.count("information requests", len(requests))
    _returns_write(story=story, cast=cast, case=case, requests=requests)

    if case.attendees and case.meeting_day is not None and story.day(case.meeting_day) <= today:
        with story.on(case.meeting_day, time(12, 30)):
            for local_part in case.attendees:
                meeting_attendee_add(
                    partnership=partnership, actor=cast.bm, rapid_review=review, member=cast.member(local_part)
                )
            if case.decision is not None:
                rapid_review_decision_record(
                    partnership=partnership,
                    actor=cast.bm,
                    rapid_review=review,
                    outcome=case.decision.outcome,
                    methodology=case.decision.methodology,
                    reason_improvements_needed=case.decision.reason_improvements_needed,
                    reason_recurrent_themes=case.decision.reason_recurrent_themes,
                    reason_agencies_working_together=case.decision.reason_agencies_working_together,
                    reason_panel_view=case.decision.reason_panel_view,
                    immediate_actions=case.decision.immediate_actions,
                )
                result.count("decisions")
    if case.meeting_moved_to_day is not None and case.meeting_day is not None:
        # Not quorate on the day: the meeting reconvenes, past the Panel date.
        with story.on(case.meeting_day + 1, time(9, 15)):
            rapid_review_meeting_set(
                partnership=partnership,
                actor=cast.bm,
                rapid_review=review,
                meeting_on=story.day(case.meeting_moved_to_day),
            )
    for i, local_part in enumerate(case.approvals, start=1):
        with story.on(case.meeting_day + i, time(16, 10)):
            rapid_review_decision_approve(
                partnership=partnership, membership=cast.member(local_part), rapid_review=review
            )
    if case.sent_to_panel_day is not None:
        with story.on(case.sent_to_panel_day, time(14, 0)):
            rapid_review_send_to_panel(
                partnership=partnership, actor=cast.bm, rapid_review=review, sent_on=story.day(case.sent_to_panel_day)
            )
    if case.learning_review is not None:
        _learning_review_write(story=story, cast=cast, case=case, review=review, result=result)
    return incident


def _returns_write(*, story: _Story, cast: _Cast, case: DemoCase, requests: list[InformationRequest]) -> None:
    """Each return's steps (draft, submission, send-back), on their days in order across the agencies."""
    steps: list[tuple[int, time, str, InformationRequest, DemoReturn]] = []
    for request, spec in zip(requests, case.returns, strict=True):
        if spec.state == RequestState.DRAFT:
            steps.append((spec.day, time(15, 20), "draft", request, spec))
        elif spec.state in (RequestState.SUBMITTED, RequestState.SENT_BACK):
            steps.append((max(1, spec.day - 1), time(15, 20), "draft", request, spec))
            steps.append((spec.day, time(10, 45), "submit", request, spec))
            if spec.state == RequestState.SENT_BACK:
                steps.append((spec.day + 2, time(9, 50), "send_back", request, spec))
    partnership = cast.partnership
    for day, at, action, request, spec in sorted(steps, key=lambda s: (s[0], s[1], s[3].pk)):
        with story.on(day, at):
            request.refresh_from_db()
            if action == "draft":
                information_request_save_draft(
                    partnership=partnership,
                    actor=request.assignee,
                    information_request=request,
                    answers=spec.answers,
                    expected_updated_at=request.updated_at,
                )
            elif action == "submit":
                information_request_submit(
                    partnership=partnership, actor=request.assignee, information_request=request, answers=spec.answers
                )
            else:
                information_request_send_back(
                    partnership=partnership,
                    actor=cast.bm,
                    information_request=request,
                    reason=spec.sent_back_reason,
                    due_on=story.day(day + 2),
                    today=story.day(day),
                )


def _learning_review_write(
    *, story: _Story, cast: _Cast, case: DemoCase, review: RapidReview, result: DemoReviewsSeedResult
) -> None:
    """Open the learning review two working days after the Panel submission, and draft part of its form."""
    plan = case.learning_review
    partnership = cast.partnership
    opened_day = case.sent_to_panel_day + 2
    information_day = case.notified_working_days_ago - 3
    event_day = information_day - 2  # a practitioner event, where the methodology has one, ends the gathering
    lead_author = cast.person(plan.lead_author)
    with story.on(opened_day, time(10, 0)):
        learning_review = learning_review_open_from_decision(
            partnership=partnership,
            actor=cast.bm,
            rapid_review=review,
            title=plan.title,
            scope=plan.scope,
            key_lines_of_enquiry=plan.key_lines_of_enquiry,
            information_due_on=story.day(information_day),
            report_due_on=story.calendar.add_working_days(story.day(information_day), 35),
            lead_author=lead_author,
            practitioner_event_on=story.day(event_day) if plan.practitioner_event_details else None,
            practitioner_event_details=plan.practitioner_event_details,
        )
        contributors = [
            contributor_add(
                partnership=partnership, actor=cast.bm, learning_review=learning_review, person=cast.person(local_part)
            )
            for local_part in plan.contributors
        ]
    result.count("learning reviews")
    if plan.practitioner_event_details:
        with story.on(event_day, time(17, 0)):
            for contributor in contributors:
                contributor_update(
                    partnership=partnership,
                    actor=lead_author,
                    learning_review=learning_review,
                    contributor=contributor,
                    attended_event=True,
                    unable_to_contribute=False,
                )
    with story.on(information_day, time(16, 30)):
        learning_review_start_drafting(partnership=partnership, actor=lead_author, learning_review=learning_review)
    with story.on(information_day + 1, time(14, 0)):
        outcomes_form_update(
            partnership=partnership,
            actor=lead_author,
            learning_review=learning_review,
            fields=dict(plan.first_draft),
            recommendations=(),
            expected_updated_at=None,
        )
    # The latest save is today's, at the time of seeding: the lead author is part-way through.
    outcomes_form_update(
        partnership=partnership,
        actor=lead_author,
        learning_review=learning_review,
        fields={**plan.first_draft, **plan.second_draft},
        recommendations=plan.recommendations,
        expected_updated_at=None,
    )


__all__ = [
    "DEMO_REVIEWS",
    "DemoDataMissingError",
    "DemoReviewLine",
    "DemoReviewsSeedResult",
    "demo_reviews_seed",
]
