"""Demo data for case audits: a programme, and a case audit round with returns at every stage.

``partnership.demo.demo_seed`` makes the partnerships and people; this adds, to
Ashby (the tri-borough) and to Wessex (the county): the built-in templates
copied, two priorities, this year's audit programme, and a multi-agency case
audit on neglect: 107 referrals screened, 8 selected with their reasons, each
selected case asked of the agencies of the demo's practitioners, and the
returns at every stage (not started, in progress, submitted, sent back,
moderated with a differing grade and its rationale), a reflective discussion
and findings. Everything goes through the services, so tasks, history and
grants are what the pages would have written; no email is sent while seeding.
Idempotent: keyed on the round's title.

It also adds Section 11 and s175 self-assessments (the section at the end of
this module): a register of schools, last year's cycles closed, and this
year's with returns at every stage. Keyed on this year's cycle of each kind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from audits.models import (
    AuditCase,
    AuditReturn,
    AuditRound,
    AuditTemplate,
    ReturnStandard,
    School,
    SelfAssessmentCycle,
    SelfAssessmentReturn,
    TemplateKind,
    TemplateVersion,
)
from audits.selectors.self_assessment import RETURN_DEADLINE
from audits.services.findings import audit_finding_add
from audits.services.moderation import agreed_action_add, return_moderate
from audits.services.returns import audit_return_moderate, audit_return_save, audit_return_send_back
from audits.services.rounds import (
    audit_case_discussion_record,
    audit_case_select,
    audit_cases_screen,
    audit_return_assign,
    audit_round_create,
    audit_round_open,
    planned_audit_create,
)
from audits.services.schools import SchoolRow, school_import
from audits.services.self_assessment import (
    cycle_launch,
    gap_action_add,
    return_save,
    return_send_back,
    return_sign,
    return_submit,
    standard_evidence_add,
)
from audits.services.templates import template_copy_builtin
from partnership.demo import demo_email
from partnership.models import Agency, AgencyType, LearningTheme, Membership, Partnership, Person, Role
from partnership.models.priorities import Priority
from partnership.services.deadlines import deadline_meet
from partnership.services.learning_themes import learning_themes_seed
from partnership.services.members import membership_create
from partnership.services.priorities import priority_create

DEMO_AUDIT_PARTNERSHIPS = ("ashby-scp", "wessex-scp")
ROUND_TITLE = "Neglect in children under five"
SCREENED = 107
SELECTED_REASONS = [
    "Three or more referrals in a year for neglect",
    "Child on a child protection plan for neglect",
    "Early help closed, then re-referred within six months",
    "Missed health appointments and poor school attendance",
    "Parental substance misuse alongside neglect",
    "Domestic abuse and neglect together",
    "Young carer with unmet needs",
    "Stepped down from a plan, then escalated again",
]


class DemoPeopleMissingError(LookupError):
    """``demo_seed`` has not made the partnership or its people yet."""


@dataclass
class DemoAuditsResult:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


# Answers a practitioner might give, good and less good: keys of the built-in case audit.
def _answers(grade: str) -> dict[str, str]:
    return {
        "early-help-offered": "partly",
        "early-help-grade": grade,
        "early-help-evidence": "Early help offered after the second referral; no lead professional for two months.",
        "assessment-timely": "yes",
        "assessment-grade": grade,
        "assessment-evidence": "Assessment on time; history used; the father was not seen.",
        "planning-smart": "partly",
        "planning-grade": "3",
        "planning-evidence": "The plan listed services rather than outcomes for the child.",
        "joint-working-information-shared": "yes",
        "joint-working-escalation": "yes",
        "joint-working-grade": "2",
        "joint-working-evidence": "Health visitor and school attended every core group.",
        "voice-child-seen": "yes",
        "voice-grade": grade,
        "voice-evidence": "The child's drawings and words are recorded at each visit.",
        "impact-grade": "2",
        "impact-evidence": "Weight back on the centile line; nursery attendance 94%.",
        "overall-grade": grade,
        "overall-strengths": "Persistent, relationship-based work with the mother.",
        "overall-improvements": "Fathers and male carers were not assessed.",
    }


def demo_audits_seed() -> DemoAuditsResult:
    """Add the demo audits to the demo partnerships, once; no email is sent while seeding."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _seed()


@transaction.atomic
def _seed() -> DemoAuditsResult:
    result = DemoAuditsResult()
    for slug in DEMO_AUDIT_PARTNERSHIPS:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise DemoPeopleMissingError(f"There is no partnership {slug}: run manage.py seed_demo first.")
        if not AuditRound.objects.in_partnership(partnership).filter(title=ROUND_TITLE).exists():
            _partnership(partnership, result)
        _self_assessments(partnership, result)
    return result


def _members(partnership: Partnership) -> tuple[Membership, list[Membership]]:
    memberships = list(
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True)
        .select_related("person", "agency")
        .prefetch_related("roles")
        .order_by("pk")
    )
    bm = next((m for m in memberships if m.has_role(Role.BUSINESS_MANAGER)), None)
    practitioners = [m for m in memberships if m.has_role(Role.PRACTITIONER)]
    if bm is None or len(practitioners) < 2:
        raise DemoPeopleMissingError(f"{partnership.slug} has no demo people yet: run manage.py seed_demo first.")
    # One practitioner per agency: an agency answers once per case.
    by_agency: dict[int, Membership] = {}
    for m in practitioners:
        by_agency.setdefault(m.agency_id, m)
    return bm, list(by_agency.values())


def _partnership(partnership: Partnership, result: DemoAuditsResult) -> None:
    bm, practitioners = _members(partnership)
    actor = bm.person
    for key in ("multi-agency-case-audit", "single-agency-audit", "section-11", "section-175"):
        if not AuditTemplate.objects.in_partnership(partnership).filter(builtin_key=key).exists():
            template_copy_builtin(partnership=partnership, actor=actor, builtin_key=key)
            result.count("templates")
    learning_themes_seed(partnership=partnership)
    neglect = LearningTheme.objects.in_partnership(partnership).filter(name__icontains="neglect").first()
    year = timezone.localdate().year
    priority = Priority.objects.in_partnership(partnership).filter(title="Neglect: help that comes early").first()
    if priority is None:
        priority = priority_create(
            partnership=partnership,
            actor=actor,
            title="Neglect: help that comes early",
            description="Fewer children re-referred for neglect within a year of early help closing.",
            lead_partner="local_authority",
            start_year=year,
            end_year=year + 2,
        )
        priority_create(
            partnership=partnership,
            actor=actor,
            title="Children missing and at risk of exploitation",
            lead_partner="police",
            start_year=year,
            end_year=year + 1,
        )
        result.count("priorities", 2)
    planned = planned_audit_create(
        partnership=partnership,
        actor=actor,
        year=year,
        month=min(timezone.localdate().month, 12),
        title="Neglect in children under five",
        theme_id=neglect.pk if neglect else None,
        priority_id=priority.pk,
    )
    for month, title in ((3, "Domestic abuse: the child's voice"), (9, "Transitions to adult services")):
        planned_audit_create(partnership=partnership, actor=actor, year=year, month=month, title=title)
    result.count("planned audits", 3)
    version = (
        TemplateVersion.objects.in_partnership(partnership)
        .filter(template__builtin_key="multi-agency-case-audit", state=TemplateVersion.State.PUBLISHED)
        .order_by("-number")
        .first()
    )
    audit_round = audit_round_create(
        partnership=partnership,
        actor=actor,
        title=ROUND_TITLE,
        template_version_id=version.pk,
        due_on=timezone.localdate() + timedelta(days=21),
        theme_id=neglect.pk if neglect else None,
        planned_id=planned.pk,
        screening_criteria=(
            "Referrals to the front door in the last quarter for children under five where neglect was a factor."
        ),
    )
    prefix = partnership.slug[:2].upper()
    cases = audit_cases_screen(
        partnership=partnership,
        actor=actor,
        audit_round=audit_round,
        references=[f"{prefix}-N-{n:03d}" for n in range(1, SCREENED + 1)],
    )
    for case, reason in zip(cases, SELECTED_REASONS, strict=False):
        audit_case_select(partnership=partnership, actor=actor, case=case, selected=True, reason=reason)
    audit_case_select(
        partnership=partnership,
        actor=actor,
        case=cases[len(SELECTED_REASONS)],
        selected=False,
        reason="Open to the youth offending service only; audited there.",
    )
    selected = cases[: len(SELECTED_REASONS)]
    for case in selected:
        for practitioner in practitioners[:3]:
            audit_return_assign(
                partnership=partnership,
                actor=actor,
                case=case,
                agency_id=practitioner.agency_id,
                practitioner_id=practitioner.pk,
            )
    audit_round_open(partnership=partnership, actor=actor, audit_round=audit_round)
    result.count("rounds")
    returns = list(
        AuditReturn.objects.in_partnership(partnership)
        .filter(case__round=audit_round)
        .select_related("practitioner__person", "case")
        .order_by("case__position", "agency__name")
    )
    result.count("returns", len(returns))
    _stages(partnership, actor, returns)
    first = (
        AuditCase.objects.in_partnership(partnership)
        .filter(round=audit_round, selected=True)
        .order_by("position")
        .first()
    )
    audit_case_discussion_record(
        partnership=partnership,
        actor=actor,
        case=first,
        discussion_on=timezone.localdate(),
        notes="The practitioners agreed the mother was well supported but the father was invisible to every agency. "
        "Health and school saw the same signs of neglect and did not share them for three months.",
    )
    for kind, text in (
        ("strength", "Relationship-based work with mothers was strong in every agency."),
        ("improvement", "Assessments must include fathers and male carers."),
        ("improvement", "Health and schools should share early signs of neglect within a week."),
    ):
        audit_finding_add(partnership=partnership, actor=actor, audit_round=audit_round, kind=kind, text=text)
    result.count("findings", 3)


def _stages(partnership: Partnership, actor, returns: list[AuditReturn]) -> None:
    """Returns at every stage: not started, in progress, submitted, sent back, moderated."""
    grades = ["2", "3", "1", "2", "4", "2"]
    for n, audit_return in enumerate(returns):
        stage = n % 5
        if stage == 0:
            continue  # not started
        membership = audit_return.practitioner
        answers = _answers(grades[n % len(grades)])
        if stage == 1:  # in progress: half answered
            audit_return_save(
                partnership=partnership,
                membership=membership,
                audit_return=audit_return,
                answers=dict(list(answers.items())[:8]),
                version=audit_return.version,
            )
            continue
        audit_return_save(
            partnership=partnership,
            membership=membership,
            audit_return=audit_return,
            answers=answers,
            version=audit_return.version,
            submit=True,
        )
        if stage == 3:
            audit_return_send_back(
                partnership=partnership,
                actor=actor,
                audit_return=audit_return,
                reason="Please add the dates of the core groups and what changed for the child.",
                version=audit_return.version,
            )
        elif stage == 4:
            audit_return_moderate(
                partnership=partnership,
                actor=actor,
                audit_return=audit_return,
                grades={"overall-grade": "3", "voice-grade": ""},
                rationales={"overall-grade": "The plan drifted for four months; the grade cannot be higher than RI."},
                version=audit_return.version,
            )


# --- Section 11 and s175 self-assessments -------------------------------------------------------
#
# In each demo partnership: a register of schools (imported through the schools service), last year's
# Section 11 and s175 cycles, closed (launched through the service, then their scores written in bulk: they
# are history, and replaying every step of last year would make seeding slow), and this year's cycles,
# launched through the service (returns started from last year's answers, grants, deadlines, invitations
# to the schools' designated safeguarding leads) with returns at every stage, each step through the
# services: not started, in progress, submitted, awaiting signatures (schools), signed and submitted,
# moderated (some with a differing score, challenge notes and an agreed action), and sent back.

# Fictional schools, plainly so: (place, kind) pairs per partnership, none named like an existing agency.
_SCHOOL_KINDS = (
    "Primary School",
    "Church of England Primary School",
    "Academy",
    "Infant School",
    "Junior School",
    "Catholic Primary School",
    "High School",
    "Community School",
)
DEMO_SCHOOL_PLACES = {
    "ashby-scp": (
        "Ashby Vale",
        "Northcote",
        "Fernhill",
        "Kings Mead",
        "St Luke's",
        "Riverside",
        "Elmfield",
        "Hollybrook",
        "Larkspur",
        "Millbank",
        "Oakwood",
        "Queensbridge",
        "Tollgate",
        "Wren Park",
        "Ashby Green",
        "Cobbett Street",
        "Hazelmere",
        "Linden Road",
        "Marsh Lane",
        "Orchard Rise",
        "Priory Fields",
        "Sandringham Road",
        "Victoria Park",
        "Westgate",
    ),
    "wessex-scp": (
        "Abbot's Cernel",
        "Evershead",
        "Flintcomb",
        "Nettlecombe",
        "Oxwell",
        "Stickleford",
        "Tantridge",
        "Chaseborough",
        "Egdon Heath",
        "Lulstead",
        "Knollsea",
        "Solentsea",
        "Overcombe",
        "Norcombe",
        "Great Hintock",
        "Little Hintock",
        "Owlscombe",
        "Stagfoot Lane",
        "Middleton Abbey",
        "Nuttlebury",
        "Quartershot",
        "Longpuddle",
        "Weydon Priors",
        "Kingscreech",
        "Havenpool",
        "Shottsford Forum",
        "Froom Valley",
        "Sherton Turnpike",
        "Holmstoke",
        "Rolliver's Cross",
    ),
}
DEMO_URN_BASE = {"ashby-scp": 100410, "wessex-scp": 113520}
_FIRST = ("Sarah", "David", "Helen", "Imran", "Joanne", "Michael", "Priya", "Gareth", "Claire", "Tunde", "Rachel")
_LAST = ("Whitfield", "Okafor", "Patel", "Morrison", "Hughes", "Kowalski", "Bennett", "Ahmed", "Fraser", "Lloyd")

# Narratives an agency or school might write for each standard (by section key), good and less good.
_STRONG_SECTION_11 = {
    "accountability": "The board receives a quarterly safeguarding report (minutes of March, June, September "
    "and December); actions from it are tracked to completion. Accountability is in every job description.",
    "senior-lead": "The Director of Nursing is the named executive lead, appointed in 2023, with two days a "
    "month protected for safeguarding; staff find her on the intranet front page.",
    "listening-to-children": "A young people's panel meets each term; their feedback changed the waiting-room "
    "design and the wording of our appointment letters.",
    "whistleblowing": "The policy was reviewed in January; it is on every staff noticeboard. Four concerns were "
    "raised this year and each was investigated and answered.",
    "escalation": "Staff are told of the partnership's escalation procedure at induction; 11 escalations this "
    "year, all resolved at the first or second stage, with learning fed back at team meetings.",
    "information-sharing": "Information-sharing guidance is part of level 2 training; a referral audit in "
    "September found 46 of 50 referrals shared within one working day.",
    "designated-practitioners": "Every service has a named designated practitioner with a trained deputy; "
    "out of hours, staff reach the on-call safeguarding manager through the switchboard.",
    "safer-recruitment": "An audit of 40 personnel files found every DBS check and two references in place; "
    "92% of interview panels had a member trained in safer recruitment.",
    "supervision": "Safeguarding supervision is monthly for caseholders and recorded on the case file; the "
    "supervision audit found 88% on time and most of it reflective.",
    "allegations": "Seven LADO referrals this year, all within one working day; the named senior officer for "
    "allegations is the Director of People.",
    "training": "Training compliance is reported by level each month: level 1 97%, level 2 93%, level 3 89%. "
    "An evaluation of the level 3 course showed changes in referral quality.",
}
_STRONG_SCHOOLS = {
    "leadership-governance": "The governors received the annual safeguarding report in November; the "
    "nominated governor visits each term and challenges the single central record and the referral log.",
    "designated-safeguarding-lead": "The DSL is the deputy head; two deputy DSLs were trained in September. "
    "A DSL is on site whenever pupils are, shown on the staffroom rota.",
    "policies": "The child protection policy was reviewed in September, follows KCSIE and is on the website; "
    "every member of staff signed that they read Part 1 of KCSIE.",
    "safer-recruitment": "The single central record is complete and was checked by the nominated governor in "
    "October; every panel this year had a member trained in safer recruitment.",
    "training": "All staff had whole-school training in September, including online safety; new staff are "
    "trained in their first week. Governors' training is recorded.",
    "allegations": "Two allegations were referred to the LADO within a working day; low-level concerns are "
    "recorded on a separate log reviewed by the head each half term.",
    "early-help-referrals": "Concerns are recorded on the school's secure system with chronologies; 14 early "
    "help and 5 social care referrals this year, each followed up.",
    "online-safety": "Filtering and monitoring were reviewed in July with the IT provider; alerts go to the "
    "DSL daily and were acted on.",
    "curriculum": "RSHE covers consent, healthy relationships and online safety at every key stage; pupil "
    "voice surveys check what pupils understood.",
    "attendance-missing-education": "Unexplained absence is followed up by 9.30 on the first day; children "
    "leaving the roll are reported to the local authority.",
    "vulnerable-pupils": "The designated teacher for looked-after children meets each child termly; the "
    "school council's safeguarding survey shaped the new worry box.",
}
_WEAK = (
    "Arrangements are in place but not yet consistent across every team; the evidence is partial and the gap "
    "is set out in the actions below."
)
_GAP_ACTIONS = {
    "training": ("Bring level 3 training compliance above 90%", "Head of workforce development"),
    "supervision": ("Audit safeguarding supervision for frequency and quality", "Named safeguarding nurse"),
    "listening-to-children": ("Set up a young people's reference group", "Participation officer"),
    "safer-recruitment": ("Re-audit personnel files and train two more panel members", "HR business partner"),
    "online-safety": ("Commission an independent review of filtering and monitoring", "Network manager"),
    "policies": ("Review the child protection policy against this year's KCSIE", "Designated safeguarding lead"),
}
_SECTION_11_STAGES = ("not started", "in progress", "submitted", "moderated", "moderated, differing", "sent back")
_SCHOOL_STAGES = (
    "not started",
    "in progress",
    "awaiting signatures",
    "signed",
    "moderated",
    "moderated, differing",
    "sent back",
)


def _spread(name: str, key: str, low: int = 0, high: int = 3) -> int:
    """A score that looks chosen: the same for the same agency and standard on every run."""
    digest = int(hashlib.sha256(f"{name}|{key}".encode()).hexdigest()[:8], 16)
    return low + digest % (high - low + 1)


def _last_year_score(name: str, key: str) -> int:
    return min(3, 1 + _spread(name, key, 0, 2) + (_spread(name, key + "!", 0, 3) == 3))


def _this_year_score(name: str, key: str) -> int:
    # Mostly the same as last year, often better, sometimes worse.
    change = (0, 0, 1, 1, -1)[_spread(name, key + "+", 0, 4)]
    return max(0, min(3, _last_year_score(name, key) + change))


def _sa_answers(standard_keys: list[str], name: str, score_of, *, schools: bool) -> dict:
    narratives = _STRONG_SCHOOLS if schools else _STRONG_SECTION_11
    answers: dict = {}
    for key in standard_keys:
        score = score_of(name, key)
        strong = narratives.get(key, "")
        answers[f"{key}-self-score"] = score
        answers[f"{key}-evidence"] = (strong or _WEAK) if score >= 2 else f"{strong} {_WEAK}".strip()
    return answers


def demo_school_rows(slug: str) -> list[SchoolRow]:
    """The demo register of a partnership: plausible names, URNs, heads, designated leads and governors."""
    area = slug.removesuffix("-scp")
    rows = []
    for n, place in enumerate(DEMO_SCHOOL_PLACES[slug]):
        name = f"{place} {_SCHOOL_KINDS[n % len(_SCHOOL_KINDS)]}"
        local = "".join(c for c in place.lower() if c.isalnum())
        head = f"{_FIRST[n % len(_FIRST)]} {_LAST[(n * 3) % len(_LAST)]}"
        governor = f"{_FIRST[(n + 5) % len(_FIRST)]} {_LAST[(n * 7 + 2) % len(_LAST)]}"
        rows.append(
            SchoolRow(
                line=n + 2,
                values={
                    "name": name,
                    "urn": str(DEMO_URN_BASE[slug] + n * 7),
                    "head_teacher_name": head,
                    "dsl_email": demo_email(f"dsl.{local}", area),
                    "governor_name": governor,
                    "governor_email": demo_email(f"governor.{local}", area),
                },
            )
        )
    return rows


def _self_assessment_version(partnership: Partnership, actor, key: str) -> TemplateVersion:
    if not AuditTemplate.objects.in_partnership(partnership).filter(builtin_key=key).exists():
        template_copy_builtin(partnership=partnership, actor=actor, builtin_key=key)
    return (
        TemplateVersion.objects.in_partnership(partnership)
        .filter(template__builtin_key=key, state=TemplateVersion.State.PUBLISHED)
        .select_related("template")
        .order_by("-number")
        .first()
    )


def _self_assessments(partnership: Partnership, result: DemoAuditsResult) -> None:
    bm, _practitioners = _members(partnership)
    actor = bm.person
    moderator = (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, roles__role=Role.PARTNER_LEAD_LOCAL_AUTHORITY)
        .select_related("person")
        .first()
    )
    moderator = moderator.person if moderator is not None else actor
    if not School.objects.in_partnership(partnership).exists():
        rows = demo_school_rows(partnership.slug)
        school_import(partnership=partnership, actor=actor, rows=rows, file_name="demo-register.csv", file_kind="csv")
        result.count("schools", len(rows))
    year = timezone.localdate().year
    for key, stages in (("section-11", _SECTION_11_STAGES), ("section-175", _SCHOOL_STAGES)):
        version = _self_assessment_version(partnership, actor, key)
        cycles = SelfAssessmentCycle.objects.in_partnership(partnership).filter(kind=version.template.kind)
        if cycles.filter(year=year).exists():
            continue
        _leads_for(partnership, version.template.kind, stages)
        if not cycles.filter(year=year - 1).exists():
            _closed_cycle(partnership, actor, version, year - 1)
            result.count("self-assessment cycles")
        launched = cycle_launch(
            partnership=partnership,
            actor=actor,
            version=version,
            year=year,
            opens_on=timezone.localdate() - timedelta(days=28),
            due_on=timezone.localdate() + timedelta(days=21),
        )
        result.count("self-assessment cycles")
        result.count("self-assessment returns", launched.returns)
        _sa_stages(partnership, actor, moderator, launched.cycle, stages)


def _participants(partnership: Partnership, kind: str):
    """The returns a cycle of ``kind`` would ask, in the order the stages are dealt out (by name)."""
    if kind == TemplateKind.SECTION_175:
        return [s.agency for s in School.objects.in_partnership(partnership).select_related("agency").order_by("name")]
    return list(
        Agency.objects.in_partnership(partnership)
        .filter(is_active=True)
        .exclude(agency_type=AgencyType.EDUCATION, school__isnull=False)
        .order_by("name")
    )


def _leads_for(partnership: Partnership, kind: str, stages: tuple[str, ...]) -> None:
    """A safeguarding lead (agency lead) for each school, and each agency whose return is past "not started",
    that has none: as if each had accepted an invitation. Their addresses are ``.example``; they cannot sign in."""
    with_leads = set(
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, roles__role=Role.AGENCY_LEAD)
        .values_list("agency_id", flat=True)
    )
    area = partnership.slug.removesuffix("-scp")
    for n, agency in enumerate(_participants(partnership, kind)):
        # Every school has its designated safeguarding lead as a member (so the launch invites nobody); an
        # agency whose return is not started yet may have no lead.
        not_started = stages[n % len(stages)] == "not started" and kind != TemplateKind.SECTION_175
        if not_started or agency.pk in with_leads:
            continue
        email = demo_email(f"safeguarding-lead.{agency.pk}", area)
        person = Person.objects.filter(email=email).first()
        if person is None:
            person = Person(email=email, full_name=f"{_FIRST[n % len(_FIRST)]} {_LAST[(n * 3 + 1) % len(_LAST)]}")
            person.set_unusable_password()
            person.save()
        membership_create(
            partnership=partnership,
            actor=None,
            person=person,
            agency=agency,
            roles=(Role.AGENCY_LEAD,),
            job_title="Designated safeguarding lead" if kind == TemplateKind.SECTION_175 else "Safeguarding lead",
        )


def _closed_cycle(partnership: Partnership, actor, version: TemplateVersion, year: int) -> None:
    """Last year's cycle, launched through the service, then its returns written as submitted and moderated in
    bulk (history, not replayed step by step) and its deadlines met."""
    opens_on = timezone.localdate().replace(month=4, day=1, year=year)
    launched = cycle_launch(
        partnership=partnership,
        actor=actor,
        version=version,
        year=year,
        opens_on=opens_on,
        due_on=opens_on + timedelta(days=90),
    )
    returns = list(
        SelfAssessmentReturn.objects.in_partnership(partnership)
        .filter(cycle=launched.cycle)
        .select_related("agency", "school")
    )
    standards = list(ReturnStandard.objects.in_partnership(partnership).filter(assessment_return__cycle=launched.cycle))
    names = {r.pk: r.agency.name for r in returns}
    for standard in standards:
        name, key = names[standard.assessment_return_id], standard.section_key
        answers = _sa_answers([key], name, _last_year_score, schools=version.template.kind == TemplateKind.SECTION_175)
        standard.answers = answers
        standard.self_score = answers[f"{key}-self-score"]
        # The moderated score differs now and then, as challenge events found.
        standard.moderated_score = max(0, standard.self_score - (_spread(name, key + "m", 0, 5) == 0))
    ReturnStandard.objects.in_partnership(partnership).bulk_update(
        standards, ["answers", "self_score", "moderated_score"], batch_size=500
    )
    submitted = timezone.make_aware(datetime.combine(opens_on + timedelta(days=80), datetime.min.time()))
    event = opens_on + timedelta(days=110)
    for ret in returns:
        ret.state = SelfAssessmentReturn.State.MODERATED
        ret.submitted_at, ret.submitted_by = submitted, None
        ret.moderated_at, ret.moderated_by, ret.challenge_event_on = submitted + timedelta(days=30), actor, event
        if ret.school is not None:
            ret.head_signed_name, ret.head_signed_at = ret.school.head_teacher_name, submitted
            ret.governor_signed_name, ret.governor_signed_at = ret.school.governor_name, submitted
    SelfAssessmentReturn.objects.in_partnership(partnership).bulk_update(
        returns,
        [
            "state",
            "submitted_at",
            "submitted_by",
            "moderated_at",
            "moderated_by",
            "challenge_event_on",
            "head_signed_name",
            "head_signed_at",
            "governor_signed_name",
            "governor_signed_at",
        ],
        batch_size=500,
    )
    for ret in returns:
        deadline_meet(partnership=partnership, subject=ret, kind=RETURN_DEADLINE)


def _sa_stages(partnership: Partnership, actor, moderator, cycle, stages: tuple[str, ...]) -> None:
    """Deal the stages out over the cycle's returns (by name), each step through the services."""
    leads = {}
    for m in (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, roles__role=Role.AGENCY_LEAD)
        .select_related("person", "agency")
        .prefetch_related("roles")
        .order_by("pk")
    ):
        leads.setdefault(m.agency_id, m)
    order = {a.pk: n for n, a in enumerate(_participants(partnership, cycle.kind))}
    returns = sorted(
        SelfAssessmentReturn.objects.in_partnership(partnership).filter(cycle=cycle).select_related("agency", "school"),
        key=lambda r: order.get(r.agency_id, 0),
    )
    keys = list(
        ReturnStandard.objects.in_partnership(partnership)
        .filter(assessment_return=returns[0])
        .order_by("position")
        .values_list("section_key", flat=True)
    )
    for n, ret in enumerate(returns):
        stage = stages[order.get(ret.agency_id, n) % len(stages)]
        lead = leads.get(ret.agency_id)
        if stage == "not started" or lead is None:
            continue
        _sa_stage(partnership=partnership, actor=actor, moderator=moderator, ret=ret, lead=lead, stage=stage, keys=keys)


def _sa_stage(*, partnership, actor, moderator, ret, lead, stage: str, keys: list[str]) -> None:
    """One return taken to ``stage`` by its agency's lead (and the business manager or a moderator)."""
    name, schools = ret.agency.name, ret.school_id is not None
    # In progress: the first few standards reviewed, the rest as carried forward from last year.
    reviewed = keys[:4] if stage == "in progress" else keys
    answers = _sa_answers(reviewed, name, _this_year_score, schools=schools)
    ret = return_save(
        partnership=partnership, membership=lead, assessment_return=ret, answers=answers, expected_version=None
    )
    if stage == "in progress":
        return
    standards = {
        s.section_key: s for s in ReturnStandard.objects.in_partnership(partnership).filter(assessment_return=ret)
    }
    for key, standard in standards.items():
        if standard.self_score is not None and standard.self_score < 2:
            action, owner = _GAP_ACTIONS.get(
                key, (f"Close the gap found in “{key.replace('-', ' ')}”", "Safeguarding lead")
            )
            gap_action_add(
                partnership=partnership,
                membership=lead,
                standard=standard,
                action=action,
                owner=owner,
                due_on=timezone.localdate() + timedelta(days=90 + 30 * (len(key) % 4)),
            )
    evidence = standards[keys[0]]
    standard_evidence_add(
        partnership=partnership,
        membership=lead,
        standard=evidence,
        upload=SimpleUploadedFile(f"{keys[0]}-evidence.pdf", DEMO_EVIDENCE_PDF, content_type="application/pdf"),
    )
    ret = return_submit(partnership=partnership, membership=lead, assessment_return=ret, expected_version=None)
    if ret.school is not None:
        ret = return_sign(
            partnership=partnership,
            membership=lead,
            assessment_return=ret,
            signer="head",
            name=ret.school.head_teacher_name,
            confirmed=True,
            expected_version=None,
        )
        if stage == "awaiting signatures":
            return
        ret = return_sign(
            partnership=partnership,
            membership=lead,
            assessment_return=ret,
            signer="governor",
            name=ret.school.governor_name,
            confirmed=True,
            expected_version=None,
        )
    if stage == "sent back":
        return_send_back(
            partnership=partnership,
            actor=actor,
            assessment_return=ret,
            reason="Please add this year's training figures by level and the date of the last supervision audit.",
        )
        return
    if stage not in ("moderated", "moderated, differing"):
        return
    scores = {k: s.self_score for k, s in standards.items()}
    notes = {keys[0]: "Confirmed at the challenge event: the evidence supports the self score."}
    lowered = keys[-1]
    if stage == "moderated, differing" and scores.get(lowered):
        scores[lowered] = scores[lowered] - 1
        notes[lowered] = (
            "The challenge panel found the evidence did not yet show impact: moderated one point lower. "
            "The agency accepted this."
        )
    ret = return_moderate(
        partnership=partnership,
        actor=moderator,
        assessment_return=ret,
        scores=scores,
        notes=notes,
        challenge_event_on=timezone.localdate() - timedelta(days=3),
        expected_version=None,
    )
    if stage == "moderated, differing":
        agreed_action_add(
            partnership=partnership,
            actor=moderator,
            assessment_return=ret,
            standard=standards[lowered],
            action="Bring an audit of impact to the next challenge event",
            owner="Safeguarding lead",
            due_on=timezone.localdate() + timedelta(days=120),
        )


# A minimal, valid one-page PDF: the demo's evidence file (its name is what the pages show).
DEMO_EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
