"""Wessex's demo cases, and the demo reviews of both partnerships."""

from __future__ import annotations

from reviews.demo.ashby import _ASHBY_CASES
from reviews.demo.cases import (
    DemoCase,
    DemoChild,
    DemoDecision,
    DemoLearningReview,
    DemoReturn,
    DemoReviewsOf,
    RequestState,
    _age,
)
from reviews.models import (
    DecisionOutcome,
    HarmOutcome,
    Methodology,
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
