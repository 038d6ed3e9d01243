"""Making case audits in tests: a copied template, a round with screened cases and returns."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from audits.models import AuditReturn, AuditRound, TemplateVersion
from audits.services.rounds import (
    audit_case_select,
    audit_cases_screen,
    audit_return_assign,
    audit_round_create,
    audit_round_open,
)
from audits.services.templates import template_copy_builtin
from tests.factories import World

# The built-in case audit's required questions, answered well (keys of audits/builtin_templates.py).
GOOD_ANSWERS = {
    "early-help-offered": "yes",
    "early-help-grade": "2",
    "early-help-evidence": "Early help assessment on 3 March; team around the family met within two weeks.",
    "assessment-timely": "partly",
    "assessment-grade": "3",
    "assessment-evidence": "Assessment late by ten days; father not considered.",
    "planning-smart": "yes",
    "planning-grade": "2",
    "planning-evidence": "Plan reviewed on time.",
    "joint-working-information-shared": "yes",
    "joint-working-escalation": "yes",
    "joint-working-grade": "2",
    "joint-working-evidence": "Strategy discussion within a day.",
    "voice-child-seen": "yes",
    "voice-grade": "1",
    "voice-evidence": "The child's words are quoted at every visit.",
    "impact-grade": "2",
    "impact-evidence": "Attendance up from 70% to 95%.",
    "overall-grade": "2",
    "overall-strengths": "Persistent, child-focused practice.",
    "overall-improvements": "Consider fathers in assessments.",
}


def published_case_audit(world: World) -> TemplateVersion:
    template = template_copy_builtin(
        partnership=world.partnership, actor=world.bm, builtin_key="multi-agency-case-audit"
    )
    return TemplateVersion.objects.get(template=template, number=1)


def round_make(world: World, *, cases: int = 3, selected: int = 2, open_it: bool = True) -> AuditRound:
    """A round with ``cases`` screened and ``selected`` of them selected, each asked of the school (answered by
    the world's practitioner), opened unless ``open_it`` is false."""
    version = published_case_audit(world)
    audit_round = audit_round_create(
        partnership=world.partnership,
        actor=world.bm,
        title="Neglect in under-fives",
        template_version_id=version.pk,
        due_on=timezone.localdate() + timedelta(days=21),
        screening_criteria="Referrals in March with neglect",
    )
    screened = (
        audit_cases_screen(
            partnership=world.partnership,
            actor=world.bm,
            audit_round=audit_round,
            references=[f"CA-2026-{n:03d}" for n in range(1, cases + 1)],
        )
        if cases
        else []
    )
    for case in screened[:selected]:
        audit_case_select(partnership=world.partnership, actor=world.bm, case=case, selected=True, reason="Neglect")
        audit_return_assign(
            partnership=world.partnership,
            actor=world.bm,
            case=case,
            agency_id=world.school.pk,
            practitioner_id=world.practitioner.pk,
        )
    if open_it:
        audit_round_open(partnership=world.partnership, actor=world.bm, audit_round=audit_round)
    audit_round.refresh_from_db()
    return audit_round


def first_return(audit_round: AuditRound) -> AuditReturn:
    return AuditReturn.objects.filter(case__round=audit_round).order_by("case__position").first()
