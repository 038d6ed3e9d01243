"""The built-in scales and templates, as data: what a partnership copies and adapts.

Nothing here is stored until a partnership copies a template
(``audits.services.templates.template_copy_builtin``); the copy is the
partnership's own, and it changes only its copy. Keys (of scales, templates,
sections and questions) are stable: answers are carried forward by them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audits.models import QuestionKind, TemplateKind


@dataclass(frozen=True)
class BuiltinOption:
    value: int
    label: str
    description: str
    meets_standard: bool


@dataclass(frozen=True)
class BuiltinScale:
    key: str
    name: str
    description: str
    options: tuple[BuiltinOption, ...]


@dataclass(frozen=True)
class BuiltinQuestion:
    key: str
    text: str
    guidance: str
    kind: str
    scale: str = ""  # a BuiltinScale key, for grades only
    required: bool = True


@dataclass(frozen=True)
class BuiltinSection:
    key: str
    title: str
    guidance: str
    questions: tuple[BuiltinQuestion, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class BuiltinTemplate:
    key: str
    kind: str
    name: str
    description: str
    sections: tuple[BuiltinSection, ...]


OFSTED = "ofsted-four-point"
SECTION_11_SCORE = "section-11-score"
RAG = "rag"
MET = "fully-mostly-partially-not-met"

BUILTIN_SCALES: dict[str, BuiltinScale] = {
    scale.key: scale
    for scale in (
        BuiltinScale(
            key=OFSTED,
            name="Ofsted four-point scale",
            description="The grades Ofsted uses for the quality of practice, best first.",
            options=(
                BuiltinOption(
                    1, "Outstanding", "Practice is exceptional and makes a real difference to the child.", True
                ),
                BuiltinOption(2, "Good", "Practice is consistently effective and the child's needs are met.", True),
                BuiltinOption(
                    3,
                    "Requires improvement",
                    "Practice is not yet good: the child is safe, but help is late, patchy or unfocused.",
                    False,
                ),
                BuiltinOption(
                    4, "Inadequate", "Practice leaves the child at risk of harm or their needs unmet.", False
                ),
            ),
        ),
        BuiltinScale(
            key=SECTION_11_SCORE,
            name="Section 11 score (0 to 3)",
            description=(
                "The self score an agency gives each Section 11 standard, and the moderated score the "
                "partnership agrees after challenge."
            ),
            options=(
                BuiltinOption(
                    3, "Fully met (3)", "The standard is met across the organisation, with evidence of impact.", True
                ),
                BuiltinOption(2, "Mostly met (2)", "The standard is met; some parts are new or not yet tested.", True),
                BuiltinOption(1, "Partly met (1)", "Some arrangements are in place; there are clear gaps.", False),
                BuiltinOption(0, "Not met (0)", "The arrangements are not in place, or there is no evidence.", False),
            ),
        ),
        BuiltinScale(
            key=RAG,
            name="Red / amber / green",
            description="A traffic-light rating.",
            options=(
                BuiltinOption(3, "Green", "On track: in place and working.", True),
                BuiltinOption(2, "Amber", "Partly in place, or at risk.", False),
                BuiltinOption(1, "Red", "Not in place, or failing.", False),
            ),
        ),
        BuiltinScale(
            key=MET,
            name="Fully / mostly / partially / not met",
            description="How far practice met the expected standard or procedure.",
            options=(
                BuiltinOption(4, "Fully met", "Every part of the standard was met.", True),
                BuiltinOption(3, "Mostly met", "The standard was met with minor gaps.", True),
                BuiltinOption(2, "Partially met", "Some of the standard was met; significant gaps remain.", False),
                BuiltinOption(1, "Not met", "The standard was not met.", False),
            ),
        ),
    )
}


def _grade(key: str, text: str, guidance: str, scale: str = OFSTED) -> BuiltinQuestion:
    return BuiltinQuestion(key=key, text=text, guidance=guidance, kind=QuestionKind.GRADE, scale=scale)


def _text(key: str, text: str, guidance: str, *, required: bool = True) -> BuiltinQuestion:
    return BuiltinQuestion(key=key, text=text, guidance=guidance, kind=QuestionKind.TEXT, required=required)


def _ypn(key: str, text: str, guidance: str) -> BuiltinQuestion:
    return BuiltinQuestion(key=key, text=text, guidance=guidance, kind=QuestionKind.YES_PARTLY_NO)


CASE_AUDIT = BuiltinTemplate(
    key="multi-agency-case-audit",
    kind=TemplateKind.CASE_AUDIT,
    name="Multi-agency case audit",
    description=(
        "A child's journey through the services, looked at by every agency involved: each agency answers for "
        "its own part, then the practitioners and managers meet for a reflective discussion and the grades "
        "are moderated. Graded on the Ofsted four-point scale."
    ),
    sections=(
        BuiltinSection(
            key="early-help",
            title="Early help",
            guidance="From the first signs that the family needed help to the point your agency became involved.",
            questions=(
                _ypn(
                    "early-help-offered",
                    "Was early help identified and offered when the need first appeared?",
                    "Look for the first recorded concern and what was done about it: an early help assessment, "
                    "a referral, a team around the family. 'Partly' means help came, but late or without a plan.",
                ),
                _grade(
                    "early-help-grade",
                    "How good was the early help the child and family received?",
                    "Grade the help itself, not the paperwork: was it timely, proportionate, and did it address "
                    "the needs that were known at the time?",
                ),
                _text(
                    "early-help-evidence",
                    "What in the record supports your grade?",
                    "Quote dates and entries, not names. Say what worked well and what could have "
                    "been done differently.",
                ),
            ),
        ),
        BuiltinSection(
            key="assessment",
            title="Assessment",
            guidance="The quality of assessments of the child's needs and of the risks to them.",
            questions=(
                _ypn(
                    "assessment-timely",
                    "Were assessments completed within the expected timescales?",
                    "Compare with the timescales of Working Together and your agency's procedures; record any "
                    "reasons for delay found in the record.",
                ),
                _grade(
                    "assessment-grade",
                    "How well did assessments analyse the child's needs and risks?",
                    "A good assessment uses history and information from other agencies, considers every child in "
                    "the household and the adults around them, and reaches a clear analysis, not a description.",
                ),
                _text(
                    "assessment-evidence",
                    "What in the record supports your grade?",
                    "Note whether the history was used, whether fathers and other significant adults were "
                    "considered, and whether the analysis led to the plan.",
                ),
            ),
        ),
        BuiltinSection(
            key="planning",
            title="Planning and review",
            guidance=(
                "Plans for the child (child in need, child protection, looked after, early help) "
                "and how they were reviewed."
            ),
            questions=(
                _ypn(
                    "planning-smart",
                    "Was there a clear, outcome-focused plan that the family understood?",
                    "A plan says what will change for the child, who does what, and by when. 'Partly' means a "
                    "plan existed but was a list of services rather than outcomes.",
                ),
                _grade(
                    "planning-grade",
                    "How effective were planning and review in reducing risk?",
                    "Consider whether reviews happened on time, whether drift was noticed and challenged, and "
                    "whether the plan changed when circumstances changed.",
                ),
                _text(
                    "planning-evidence",
                    "What in the record supports your grade?",
                    "Give dates of plans and reviews, and examples of drift or of progress.",
                ),
            ),
        ),
        BuiltinSection(
            key="joint-working",
            title="Multi-agency working",
            guidance="How the agencies shared information, worked together and challenged each other.",
            questions=(
                _ypn(
                    "joint-working-information-shared",
                    "Was relevant information shared with the right agencies at the right time?",
                    "Look for referrals, strategy discussions, invitations to meetings and whether your agency's "
                    "information reached the people who needed it.",
                ),
                _ypn(
                    "joint-working-escalation",
                    "Where professionals disagreed, was the escalation procedure used?",
                    "Answer 'yes' too if there was no disagreement to escalate and say so in the evidence.",
                ),
                _grade(
                    "joint-working-grade",
                    "How well did agencies work together for this child?",
                    "Strategy discussions, core groups and professionals' meetings: were the right people there, "
                    "did they contribute, and did actions agreed get done?",
                ),
                _text(
                    "joint-working-evidence",
                    "What in the record supports your grade?",
                    "Describe what helped or hindered working together.",
                ),
            ),
        ),
        BuiltinSection(
            key="voice-of-the-child",
            title="Voice of the child",
            guidance="Whether the child was seen, heard and understood, and whether that changed what was done.",
            questions=(
                _ypn(
                    "voice-child-seen",
                    "Was the child seen, and seen alone where appropriate?",
                    "Record how often and by whom. For a baby or a non-verbal child, look for observations of "
                    "the child's presentation and interaction.",
                ),
                _grade(
                    "voice-grade",
                    "How well did practitioners understand and act on the child's lived experience?",
                    "The child's wishes, feelings and daily life should be recorded in their own words where "
                    "possible and should visibly shape assessments and plans.",
                ),
                _text(
                    "voice-evidence",
                    "What in the record supports your grade?",
                    "Give examples of the child's voice in the record and of what changed because of it.",
                ),
            ),
        ),
        BuiltinSection(
            key="impact",
            title="Impact and outcomes",
            guidance="What difference the help made to the child's safety and well-being.",
            questions=(
                _grade(
                    "impact-grade",
                    "How much did the child's circumstances improve as a result of the help?",
                    "Judge outcomes for the child, not activity: are they safer, healthier, attending school, "
                    "more settled? Say if it is too early to tell.",
                ),
                _text(
                    "impact-evidence",
                    "What in the record supports your grade?",
                    "Describe the child's situation at the start and now.",
                ),
            ),
        ),
        BuiltinSection(
            key="overall",
            title="Overall judgement and learning",
            guidance="Your agency's overall view of the case, and what the partnership should learn from it.",
            questions=(
                _grade(
                    "overall-grade",
                    "Overall, how good was the practice of your agency in this case?",
                    "The overall grade is a judgement, not an average of the section grades; the moderator may "
                    "change it after the reflective discussion, with a rationale.",
                ),
                _text(
                    "overall-strengths",
                    "What worked well?",
                    "Practice worth sharing with other practitioners and agencies.",
                ),
                _text(
                    "overall-improvements",
                    "What needs to improve?",
                    "Learning for your agency and for the partnership, written so that it can become a recommendation.",
                ),
                BuiltinQuestion(
                    key="overall-evidence-file",
                    text="Supporting document (optional)",
                    guidance="A chronology or extract that supports the return. Remove names before uploading.",
                    kind=QuestionKind.EVIDENCE,
                    required=False,
                ),
            ),
        ),
    ),
)

SINGLE_AGENCY = BuiltinTemplate(
    key="single-agency-audit",
    kind=TemplateKind.SINGLE_AGENCY,
    name="Single-agency audit",
    description=(
        "An agency's audit of a sample of its own cases, whose findings are reported to the partnership to "
        "build a wider picture of safeguarding practice."
    ),
    sections=(
        BuiltinSection(
            key="compliance",
            title="Compliance with procedures",
            guidance="Whether the case followed your agency's safeguarding procedures and recording standards.",
            questions=(
                BuiltinQuestion(
                    key="compliance-procedures",
                    text="How far were the agency's safeguarding procedures followed?",
                    guidance=(
                        "Check referral, recording and information-sharing steps against your agency's procedures."
                    ),
                    kind=QuestionKind.GRADE,
                    scale=MET,
                ),
                _ypn(
                    "compliance-chronology",
                    "Is there an up-to-date chronology of significant events?",
                    "A chronology lists significant events with dates and their impact on the child.",
                ),
            ),
        ),
        BuiltinSection(
            key="quality-of-practice",
            title="Quality of practice",
            guidance="Assessment, recording and the help given.",
            questions=(
                _grade(
                    "practice-grade",
                    "How good was the quality of practice?",
                    "Consider assessment of risk, timeliness of action and whether the help matched the child's needs.",
                ),
                _text("practice-evidence", "What in the record supports your grade?", "Dates and examples, not names."),
            ),
        ),
        BuiltinSection(
            key="management-oversight",
            title="Management oversight and supervision",
            guidance="Whether managers oversaw the case and supervision made a difference.",
            questions=(
                _ypn(
                    "oversight-recorded",
                    "Is management oversight recorded at key decision points?",
                    "Look for recorded decisions and their rationale at referral, assessment and closure.",
                ),
                _grade(
                    "oversight-grade",
                    "How effective were supervision and management oversight?",
                    "Good supervision is reflective, challenges drift and leads to recorded actions that happen.",
                ),
            ),
        ),
        BuiltinSection(
            key="voice-of-the-child",
            title="Voice of the child",
            guidance="Whether the child's views and experience were recorded and acted on.",
            questions=(
                _grade(
                    "voice-grade",
                    "How well was the child's voice captured and used?",
                    "The child's words, or observations of a young child, should shape what the agency did.",
                ),
            ),
        ),
        BuiltinSection(
            key="overall",
            title="Overall judgement",
            guidance="The agency's overall view and its learning.",
            questions=(
                _grade(
                    "overall-grade",
                    "Overall grade for this case",
                    "A judgement across the case, not an average of the other grades.",
                ),
                _text("overall-strengths", "What worked well?", "Practice worth sharing."),
                _text(
                    "overall-improvements", "What needs to improve?", "Learning and the action your agency will take."
                ),
            ),
        ),
    ),
)


def _standard(key: str, title: str, guidance: str, score_guidance: str, evidence_guidance: str) -> BuiltinSection:
    """A self-assessment standard: a self score on the 0 to 3 scale and the evidence for it."""
    return BuiltinSection(
        key=key,
        title=title,
        guidance=guidance,
        questions=(
            _grade(f"{key}-self-score", f"Self score: {title.lower()}", score_guidance, scale=SECTION_11_SCORE),
            _text(f"{key}-evidence", "Evidence narrative", evidence_guidance),
        ),
    )


SECTION_11 = BuiltinTemplate(
    key="section-11",
    kind=TemplateKind.SECTION_11,
    name="Section 11 self-assessment",
    description=(
        "Each agency's self-assessment of its arrangements under section 11 of the Children Act 2004, against "
        "the standards of Working Together to Safeguard Children: a self score from 0 to 3 and the evidence "
        "for it, then moderation and a challenge event."
    ),
    sections=(
        _standard(
            "accountability",
            "Leadership and accountability",
            "Senior management commitment to safeguarding, and clear lines of accountability for it up to the board.",
            "Score 3 if the board receives regular safeguarding reports and acts on them, and accountability is "
            "written into job descriptions at every level.",
            "Name the documents (board minutes, annual safeguarding report, structure chart) and what they show; "
            "do not attach personal data.",
        ),
        _standard(
            "senior-lead",
            "Senior lead for safeguarding",
            "A named senior board-level lead with the authority and time to take responsibility for safeguarding.",
            "Score 3 if the lead is named, known to staff, has protected time and reports to the board.",
            "Give the lead's role (not name), when they were appointed, and how staff know who they are.",
        ),
        _standard(
            "listening-to-children",
            "Listening to children",
            "Children's views and experiences inform the design and delivery of services.",
            "Score 3 if you can show a change to a service made because of what children said.",
            "Describe how children's views are gathered (surveys, participation groups, feedback) and what "
            "changed as a result.",
        ),
        _standard(
            "whistleblowing",
            "Whistleblowing",
            "A safe, known way for staff to raise concerns about practice, including outside their line management.",
            "Score 3 if the procedure is current, staff know it, and concerns raised have been acted on.",
            "Give the date of the policy, how it is publicised, and the number of concerns raised this year.",
        ),
        _standard(
            "escalation",
            "Escalation and resolving professional disagreement",
            "Staff know and use the partnership's escalation procedure when they disagree with another agency.",
            "Score 3 if escalations are recorded, resolved and their learning fed back.",
            "Say how staff are told about the procedure and give the number and outcome of escalations.",
        ),
        _standard(
            "information-sharing",
            "Information sharing",
            "Information is shared in a timely and proportionate way, within the law, to safeguard children.",
            "Score 3 if staff are confident when to share without consent and audits show timely sharing.",
            "Refer to your information-sharing guidance, training and any audit of referrals.",
        ),
        _standard(
            "designated-practitioners",
            "Designated practitioners",
            "Designated safeguarding practitioners or leads, with the time, training and supervision the role needs.",
            "Score 3 if every service has access to a trained designated practitioner and cover for absence.",
            "List the designated roles, their training and how staff reach them out of hours.",
        ),
        _standard(
            "safer-recruitment",
            "Safer recruitment",
            "Safer recruitment, including DBS checks and references, for all staff and "
            "volunteers working with children.",
            "Score 3 if recruitment panels include a safer-recruitment-trained member and checks are audited.",
            "Give the result of your latest audit of personnel files and the proportion of "
            "panels with a trained member.",
        ),
        _standard(
            "supervision",
            "Supervision and support",
            "Staff working with children receive regular safeguarding supervision and support.",
            "Score 3 if supervision is recorded, reflective and audited for frequency and quality.",
            "Describe the supervision policy, its frequency and the results of any supervision audit.",
        ),
        _standard(
            "allegations",
            "Allegations against people who work with children",
            "Allegations are referred to the Local Authority Designated Officer (LADO) and managed by procedure.",
            "Score 3 if every allegation this year was referred within one working day and followed through.",
            "Give the number of LADO referrals, their timeliness and the named senior officer for allegations.",
        ),
        _standard(
            "training",
            "Training",
            "Safeguarding training at the right level for every role, refreshed and evaluated for impact.",
            "Score 3 if training compliance is monitored by role and its impact on practice evaluated.",
            "Give compliance figures by level of training and any evaluation of impact.",
        ),
    ),
)

SECTION_175 = BuiltinTemplate(
    key="section-175",
    kind=TemplateKind.SECTION_175,
    name="Section 175/157 self-assessment (schools)",
    description=(
        "A school's self-assessment of its safeguarding arrangements under section 175 (maintained schools) "
        "or 157 (academies and independent schools) of the Education Act 2002 and Keeping Children Safe in "
        "Education, signed by the headteacher and the nominated governor."
    ),
    sections=(
        _standard(
            "leadership-governance",
            "Leadership and governance",
            "The governing body and headteacher make sure the school meets its safeguarding duties.",
            "Score 3 if governors receive an annual safeguarding report and a nominated governor challenges it.",
            "Give the date of the last governors' safeguarding report and the nominated governor's role.",
        ),
        _standard(
            "designated-safeguarding-lead",
            "Designated safeguarding lead",
            "A designated safeguarding lead (DSL) on the senior leadership team, with trained deputies.",
            "Score 3 if the DSL and deputies are trained every two years, with time and cover written into the role.",
            "Give the DSL's and deputies' training dates and how staff reach them at any time in the school day.",
        ),
        _standard(
            "policies",
            "Child protection policy and procedures",
            "A child protection policy that follows Keeping Children Safe in Education and "
            "the partnership's procedures.",
            "Score 3 if the policy is reviewed annually, published on the website and known to all staff.",
            "Give the policy's review date and how staff confirm they have read it and Part 1 of KCSIE.",
        ),
        _standard(
            "safer-recruitment",
            "Safer recruitment and the single central record",
            "Safer recruitment practice, and a complete single central record of checks.",
            "Score 3 if the single central record is complete and checked by a governor each term.",
            "Give the date of the last single central record check and its findings.",
        ),
        _standard(
            "training",
            "Staff training and induction",
            "All staff and governors receive safeguarding training at induction and regular updates.",
            "Score 3 if every member of staff has had training in the last year, including online safety.",
            "Give the training record's figures and the date of the last whole-staff update.",
        ),
        _standard(
            "allegations",
            "Allegations and low-level concerns",
            "Allegations against staff are referred to the LADO; low-level concerns are recorded and reviewed.",
            "Score 3 if the procedure is known and every allegation was referred to the LADO within a working day.",
            "Give the number of referrals and how low-level concerns are recorded.",
        ),
        _standard(
            "early-help-referrals",
            "Early help and referrals",
            "Concerns are identified early, recorded, and referred to early help or children's social care.",
            "Score 3 if concerns are recorded securely, chronologies kept and referrals followed up.",
            "Describe the recording system and give the number of early help and social care referrals.",
        ),
        _standard(
            "online-safety",
            "Online safety, filtering and monitoring",
            "Filtering and monitoring meet the Department for Education's standards and online safety is taught.",
            "Score 3 if filtering and monitoring are reviewed annually and concerns from them acted on.",
            "Give the date of the last filtering and monitoring review and who is responsible.",
        ),
        _standard(
            "curriculum",
            "Teaching about safeguarding",
            "Pupils are taught how to keep themselves safe, through relationships, sex and health education.",
            "Score 3 if the curriculum covers consent, healthy relationships and online safety at every key stage.",
            "Describe the curriculum and how pupils' understanding is checked.",
        ),
        _standard(
            "attendance-missing-education",
            "Attendance and children missing education",
            "Absence and children missing education are followed up as safeguarding concerns.",
            "Score 3 if unexplained absence is followed up on the first day and persistent "
            "absence shared with the local authority.",
            "Give the first-day response procedure and how children leaving the roll are reported.",
        ),
        _standard(
            "vulnerable-pupils",
            "Vulnerable pupils and pupils' voice",
            "Looked-after children, children with special educational needs and other "
            "vulnerable pupils are supported, and pupils are heard.",
            "Score 3 if there is a designated teacher for looked-after children and pupils' views shape safeguarding.",
            "Describe the support for vulnerable pupils and how pupils' views are gathered.",
        ),
    ),
)

BUILTIN_TEMPLATES: dict[str, BuiltinTemplate] = {t.key: t for t in (CASE_AUDIT, SINGLE_AGENCY, SECTION_11, SECTION_175)}
