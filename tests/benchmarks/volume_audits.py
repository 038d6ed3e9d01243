"""Ten years of case audits in the large partnership, with bulk_create.

At scale 1: four case audit rounds a year for ten years (40) in ``bench-000``,
each with 100 screened cases, 8 selected, three agencies' returns per selected
case (24 returns) answered in full on the built-in multi-agency case audit
(21 answers each: about 20,000 answers), the older rounds closed with their
returns moderated, the newest open with returns at every stage. The round
page and a return page are measured on the newest round.

The template is copied through its service (as a partnership would); the rest
skips the services (one row at a time) but keeps their shape: a submitted or
moderated return has every required question answered.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from audits.models import (
    AuditAnswer,
    AuditCase,
    AuditReturn,
    AuditRound,
    QuestionKind,
    TemplateQuestion,
    TemplateVersion,
)
from audits.services.templates import template_copy_builtin
from partnership.models import Membership, Partnership, Person

PER_YEAR, YEARS = 4, 10
SCREENED, SELECTED, AGENCIES_PER_CASE = 100, 8, 3
BATCH = 2000
RS = AuditReturn.State


def seed_audits(*, scale: float = 1.0, log=print) -> int:
    """Write the large partnership's case audits. Returns how many rounds."""
    rng = random.Random(20261204)
    partnership = Partnership.objects.get(slug="bench-000")
    bm = (
        Person.objects.filter(memberships__partnership=partnership, memberships__roles__role="business_manager")
        .order_by("email")
        .first()
    )
    template = template_copy_builtin(partnership=partnership, actor=bm, builtin_key="multi-agency-case-audit")
    version = TemplateVersion.objects.get(template=template, number=1)
    questions = list(
        TemplateQuestion.objects.filter(version=version).select_related("scale").prefetch_related("scale__options")
    )
    members = list(
        Membership.objects.filter(partnership=partnership, is_active=True).order_by("pk").values_list("pk", "agency_id")
    )
    by_agency: dict[int, int] = {}
    for member_id, agency_id in members:
        by_agency.setdefault(agency_id, member_id)
    agencies = list(by_agency.items())[:12]
    rounds_n = max(2, round(PER_YEAR * YEARS * scale))
    today = timezone.localdate()
    log(f"  case audits: {rounds_n} rounds over {YEARS} years in {partnership.slug}")
    rounds = AuditRound.objects.bulk_create(
        AuditRound(
            partnership=partnership,
            title=f"Case audit {n + 1}: {['Neglect', 'Domestic abuse', 'Exploitation', 'Transitions'][n % 4]}",
            template_version=version,
            due_on=today - timedelta(days=round((rounds_n - 1 - n) * YEARS * 365 / rounds_n)) + timedelta(days=14),
            state=AuditRound.State.OPEN if n == rounds_n - 1 else AuditRound.State.CLOSED,
            created_by=bm,
        )
        for n in range(rounds_n)
    )
    cases = AuditCase.objects.bulk_create(
        (
            AuditCase(
                partnership=partnership,
                round=r,
                reference=f"R{r.pk}-{c:03d}",
                selected=c < SELECTED,
                reason="Repeat referrals" if c < SELECTED else "",
                position=c,
            )
            for r in rounds
            for c in range(SCREENED)
        ),
        batch_size=BATCH,
    )
    newest = rounds[-1].pk
    returns = []
    for case in cases:
        if not case.selected:
            continue
        for k, (agency_id, member_id) in enumerate(rng.sample(agencies, min(AGENCIES_PER_CASE, len(agencies)))):
            if case.round_id == newest:
                state = [RS.ASSIGNED, RS.DRAFT, RS.SUBMITTED, RS.SENT_BACK, RS.MODERATED][(case.position + k) % 5]
            else:
                state = RS.MODERATED
            returns.append(
                AuditReturn(
                    partnership=partnership,
                    case=case,
                    agency_id=agency_id,
                    practitioner_id=member_id,
                    state=state,
                    version=3,
                    submitted_at=timezone.now() if state in (RS.SUBMITTED, RS.MODERATED) else None,
                )
            )
    returns = AuditReturn.objects.bulk_create(returns, batch_size=BATCH)
    _seed_answers(partnership=partnership, returns=returns, questions=questions, rng=rng)
    return rounds_n


def _seed_answers(*, partnership: Partnership, returns: list[AuditReturn], questions, rng: random.Random) -> None:
    """Every question answered on every return that has been started."""
    answers = []
    for audit_return in returns:
        if audit_return.state == RS.ASSIGNED:
            continue
        for q in questions:
            if q.kind == QuestionKind.EVIDENCE:
                continue
            fields: dict = {}
            if q.kind == QuestionKind.GRADE:
                fields["option"] = rng.choice(list(q.scale.options.all()))
            elif q.kind == QuestionKind.YES_PARTLY_NO:
                fields["choice"] = rng.choice(["yes", "partly", "no"])
            else:
                fields["text"] = "Dates and entries of the record that support the grade."
            answers.append(AuditAnswer(partnership=partnership, audit_return=audit_return, question=q, **fields))
            if len(answers) >= BATCH:
                AuditAnswer.objects.bulk_create(answers)
                answers = []
    AuditAnswer.objects.bulk_create(answers)


def audit_ids(partnership: Partnership) -> tuple[int | None, int | None]:
    """The newest round, and a moderated return of it: the pages measured."""
    audit_round = AuditRound.objects.filter(partnership=partnership).order_by("-due_on", "-pk").first()
    if audit_round is None:
        return None, None
    audit_return = (
        AuditReturn.objects.filter(case__round=audit_round, state=RS.MODERATED)
        .order_by("pk")
        .values_list("pk", flat=True)
    ).first()
    return audit_round.pk, audit_return
