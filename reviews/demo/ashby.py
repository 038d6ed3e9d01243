"""Ashby's demo cases (London Borough of Ashby and its partners)."""

from __future__ import annotations

from reviews.demo.cases import DemoCase, DemoChild, DemoDecision, DemoLearningReview, DemoReturn, RequestState, _age
from reviews.models import (
    DecisionOutcome,
    HarmOutcome,
    Methodology,
)

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
