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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from audits.models import AuditCase, AuditReturn, AuditRound, AuditTemplate, TemplateVersion
from audits.services.findings import audit_finding_add
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
from audits.services.templates import template_copy_builtin
from partnership.models import LearningTheme, Membership, Partnership, Role
from partnership.models.priorities import Priority
from partnership.services.learning_themes import learning_themes_seed
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
        if AuditRound.objects.in_partnership(partnership).filter(title=ROUND_TITLE).exists():
            continue
        _partnership(partnership, result)
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
