"""Demo data for action plans: plans at every stage, actions at every RAG status, progress, and a board report.

``partnership.demo.demo_seed`` makes the partnerships and people; this adds, to
Ashby (the tri-borough) and to Wessex (the county), five recommendations whose
plans show what people most want to see:

- one signed off three working days ago, its plan being made (two actions, the
  plan due in seven working days);
- one whose plan is overdue (signed off fourteen working days ago, no action agreed);
- one in progress: four actions, red, amber, green and complete, with dated
  progress and a piece of evidence, one of them overdue (escalated to the
  school's agency lead and the business managers by the next sweep);
- one completed, with the evidence of its impact;
- one closed after completion;

and a progress report to the board as at today (its PDF queued for the worker,
its Word copy kept).

The recommendations are made here as signed off, with their source "other"
(part A of issue 9 makes them from their sources and through the partners'
sign-off); everything after sign-off goes through the action plans' services,
so deadlines, history and documents are what the pages would have written.
Dates that must be in the past (a sign-off fourteen working days ago, an
action already overdue) are moved there afterwards, as the reviews' demo does.
Idempotent: keyed on each recommendation's reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from partnership.models import Agency, Deadline, Membership, Partnership, Role, StatutoryPartner
from partnership.models.recommendations import Action, ProgressReport, Rag, Recommendation, RecommendationSource
from partnership.selectors import working_day_calendar
from partnership.services.action_plans import (
    DEADLINE_ACTION,
    action_add,
    action_complete,
    action_plan_agree,
    action_plan_start,
    action_update_record,
    recommendation_close_completed,
    recommendation_complete,
)
from partnership.services.progress_reports import progress_report_create

DEMO_PLAN_PARTNERSHIPS = ("ashby-scp", "wessex-scp")
State = Recommendation.State


class DemoPeopleMissingError(LookupError):
    """``demo_seed`` has not made the partnership or its people yet."""


@dataclass
class DemoActionPlansResult:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


@dataclass
class _Cast:
    partnership: Partnership
    bm: Membership
    agency_lead: Membership
    police: Agency
    council: Agency
    health: Agency

    @property
    def school(self) -> Agency:
        return self.agency_lead.agency


def _cast(partnership: Partnership) -> _Cast:
    memberships = list(
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True)
        .select_related("person", "agency")
        .prefetch_related("roles")
        .order_by("pk")
    )

    def first(role: str) -> Membership:
        found = next((m for m in memberships if m.has_role(role)), None)
        if found is None:
            raise DemoPeopleMissingError(f"{partnership.slug} has no {role}: run manage.py seed_demo first.")
        return found

    partners = {
        a.statutory_partner: a for a in Agency.objects.in_partnership(partnership).exclude(statutory_partner="")
    }
    return _Cast(
        partnership=partnership,
        bm=first(Role.BUSINESS_MANAGER),
        agency_lead=first(Role.AGENCY_LEAD),
        police=partners[StatutoryPartner.POLICE],
        council=partners[StatutoryPartner.LOCAL_AUTHORITY],
        health=partners[StatutoryPartner.HEALTH],
    )


def demo_action_plans_seed() -> DemoActionPlansResult:
    """Add the demo plans to the demo partnerships, once; no email is sent while seeding."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _seed()


@transaction.atomic
def _seed() -> DemoActionPlansResult:
    result = DemoActionPlansResult()
    for slug in DEMO_PLAN_PARTNERSHIPS:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise DemoPeopleMissingError(f"There is no partnership {slug}: run manage.py seed_demo first.")
        cast = _cast(partnership)
        prefix = slug.split("-")[0][:3].upper()
        made = _plans(cast, prefix, result)
        if made and not ProgressReport.objects.in_partnership(partnership).exists():
            progress_report_create(
                partnership=partnership,
                membership=cast.bm,
                title=f"Progress report to the board, {timezone.localdate():%B %Y}",
                as_of=timezone.localdate(),
            )
            result.count("progress reports")
    return result


def _recommendation(cast: _Cast, reference: str, text: str, lead_partner: str, *, working_days_ago: int):
    """A recommendation signed off ``working_days_ago`` working days ago, its plan opened (None if it exists)."""
    partnership = cast.partnership
    if Recommendation.objects.in_partnership(partnership).filter(reference=reference).exists():
        return None
    calendar = working_day_calendar(partnership=partnership)
    signed_off_on = calendar.subtract_working_days(timezone.localdate(), working_days_ago)
    signed_off_at = timezone.make_aware(datetime.combine(signed_off_on, time(15, 0)))
    recommendation = Recommendation.objects.create(
        partnership=partnership,
        reference=reference,
        text=text,
        rationale="Found in the partnership's reviews of the last two years.",
        source_kind=RecommendationSource.OTHER,
        source_description="Demo: the partnership's thematic learning",
        lead_partner=lead_partner,
        state=State.SIGNED_OFF,
        signed_off_at=signed_off_at,
        created_by=cast.bm.person,
        created_at=signed_off_at - timedelta(days=14),
    )
    action_plan_start(
        partnership=partnership, recommendation=recommendation, actor=cast.bm.person, owner=cast.bm.person
    )
    return recommendation


def _action(  # noqa: PLR0917 (the demo reads best as a list of actions, each a row of arguments)
    cast: _Cast, recommendation: Recommendation, what: str, agency: Agency, days: int, measure: str, lead=None
):
    return action_add(
        partnership=cast.partnership,
        membership=cast.bm,
        recommendation=recommendation,
        what=what,
        lead_agency_id=agency.pk,
        lead_person_id=lead.pk if lead is not None else None,
        due_on=timezone.localdate() + timedelta(days=days),
        measure_of_success=measure,
    )


def _progress(cast: _Cast, action: Action, note: str, rag: str, *, by: Membership | None = None, evidence=()) -> None:
    action_update_record(
        partnership=cast.partnership,
        membership=by or cast.bm,
        action=action,
        on=timezone.localdate(),
        note=note,
        rag=rag,
        evidence=list(evidence),
    )


def _overdue(action: Action, *, days: int) -> None:
    """Move an action's due date into the past, as if it had been set weeks ago."""
    past = timezone.localdate() - timedelta(days=days)
    Action.objects.in_partnership(action.partnership).filter(pk=action.pk).update(due_on=past)
    Deadline.objects.in_partnership(action.partnership).filter(
        subject_type=ContentType.objects.get_for_model(Action), subject_id=action.pk, kind=DEADLINE_ACTION
    ).update(due_on=past, remind_on=past - timedelta(days=3))


def _plans(cast: _Cast, prefix: str, result: DemoActionPlansResult) -> int:
    p = cast.partnership
    made = 0

    planning = _recommendation(
        cast,
        f"{prefix}-REC-101",
        "Practitioners record the child's own words, and what they show about daily life, in every assessment.",
        StatutoryPartner.LOCAL_AUTHORITY,
        working_days_ago=3,
    )
    if planning is not None:
        made += 1
        _action(
            cast,
            planning,
            "Add a 'child's voice' section to the single assessment template.",
            cast.council,
            60,
            "The section is completed in 9 of 10 assessments audited in the next quarter.",
        )
        _action(
            cast,
            planning,
            "Run a briefing for designated safeguarding leads on capturing the child's voice.",
            cast.school,
            45,
            "80% of schools' DSLs attend or watch the recording.",
            lead=cast.agency_lead.person,
        )

    late_plan = _recommendation(
        cast,
        f"{prefix}-REC-102",
        "Health and police share information about domestic abuse incidents with a child present within 24 hours.",
        StatutoryPartner.POLICE,
        working_days_ago=14,
    )
    if late_plan is not None:
        made += 1

    delivering = _recommendation(
        cast,
        f"{prefix}-REC-103",
        "Missed health appointments of children on a plan are escalated to the allocated social worker.",
        StatutoryPartner.HEALTH,
        working_days_ago=40,
    )
    if delivering is not None:
        made += 1
        red = _action(
            cast,
            delivering,
            "Audit 'was not brought' follow-up in the three acute trusts.",
            cast.health,
            20,
            "Audit reported to the board with an improvement plan.",
        )
        amber = _action(
            cast,
            delivering,
            "Schools report repeated medical absences to the MASH.",
            cast.school,
            30,
            "Referrals for repeated medical absence reach the MASH within 2 days.",
            lead=cast.agency_lead.person,
        )
        green = _action(
            cast,
            delivering,
            "Update the escalation policy with a missed-appointments pathway.",
            cast.council,
            90,
            "Policy published and briefed to all partners.",
        )
        done = _action(
            cast,
            delivering,
            "Brief police officers attending domestic incidents on asking about health appointments.",
            cast.police,
            15,
            "Briefing delivered to every response team.",
        )
        action_plan_agree(partnership=p, membership=cast.bm, recommendation=delivering)
        _progress(cast, red, "Two of three trusts have not yet started the audit: escalated to the ICB.", Rag.RED)
        _progress(
            cast,
            amber,
            "Reporting agreed with 12 of 20 schools; the rest by the end of term.",
            Rag.AMBER,
            by=cast.agency_lead,
            evidence=[
                SimpleUploadedFile(
                    "schools-reporting.csv", b"school,agreed\nCasterbridge Primary School,yes\nBudmouth Academy,no\n"
                )
            ],
        )
        _progress(cast, green, "Draft pathway circulated to partners for comment.", Rag.GREEN)
        action_complete(partnership=p, membership=cast.bm, action=done, note="Delivered to all six response teams.")
        _overdue(red, days=12)

    completed = _recommendation(
        cast,
        f"{prefix}-REC-104",
        "Every strategy meeting includes the child's school.",
        StatutoryPartner.LOCAL_AUTHORITY,
        working_days_ago=120,
    )
    closed = _recommendation(
        cast,
        f"{prefix}-REC-105",
        "Neglect is assessed with the Graded Care Profile across all agencies.",
        StatutoryPartner.LOCAL_AUTHORITY,
        working_days_ago=250,
    )
    for recommendation, impact in (
        (completed, "School attendance at strategy meetings rose from 41% to 88% (audit of 60 meetings)."),
        (closed, "GCP2 used in 94% of neglect referrals; re-referrals for neglect fell by a fifth."),
    ):
        if recommendation is None:
            continue
        made += 1
        action = _action(
            cast,
            recommendation,
            "Change the strategy meeting invitation list and audit attendance.",
            cast.council,
            30,
            "Schools attend 8 in 10 strategy meetings.",
        )
        action_plan_agree(partnership=p, membership=cast.bm, recommendation=recommendation)
        action_complete(partnership=p, membership=cast.bm, action=action, note="Audit done.")
        recommendation_complete(
            partnership=p, membership=cast.bm, recommendation=recommendation, impact_evidence=impact
        )
        if recommendation is closed:
            recommendation_close_completed(partnership=p, membership=cast.bm, recommendation=recommendation)
    if made:
        result.count(f"recommendations with plans in {p.slug}", made)
    return made
