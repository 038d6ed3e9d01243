"""Recommendations with action plans, made through the kernel's services (part A's sign-off made directly).

A recommendation is created as signed off and its plan opened with
``action_plan_start``, exactly as the sign-off of its round does; further
states go through the action plans' services.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partnership.models import Agency, Person, StatutoryPartner
from partnership.models.recommendations import Action, Rag, Recommendation, RecommendationSource
from partnership.services.action_plans import (
    action_add,
    action_complete,
    action_plan_agree,
    action_plan_start,
    action_update_record,
    recommendation_complete,
)
from tests.factories import World

_serial = itertools.count(1)
State = Recommendation.State

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "evidence.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def recommendation_make(
    world: World,
    *,
    state: str = State.ACTION_PLANNING,
    lead_partner: str = StatutoryPartner.LOCAL_AUTHORITY,
    signed_off_at: datetime | None = None,
    text: str | None = None,
    actions: int | list[dict] = 1,
    agency: Agency | None = None,
    lead_person: Person | None = None,
) -> Recommendation:
    """A recommendation signed off and at ``state`` (action planning onwards), its plan with ``actions`` actions.

    The actions are led by ``agency`` (the school by default) and ``lead_person`` (the practitioner by default);
    ``actions`` may also list each action's own ``action_make`` arguments.
    """
    n = next(_serial)
    recommendation = Recommendation.objects.create(
        partnership=world.partnership,
        reference=f"REC-{n:04d}",
        text=text or f"Recommendation {n}: agencies share information about children at risk sooner.",
        rationale="The review found information held by one agency was not shared.",
        source_kind=RecommendationSource.OTHER,
        source_description="Made for the tests",
        lead_partner=lead_partner,
        state=State.SIGNED_OFF,
        signed_off_at=signed_off_at or timezone.now(),
        created_by=world.bm,
    )
    action_plan_start(partnership=world.partnership, recommendation=recommendation, actor=world.bm, owner=world.bm)
    for extra in [{}] * actions if isinstance(actions, int) else actions:
        action_make(world, recommendation, **{"agency": agency, "lead_person": lead_person, **extra})
    if state == State.ACTION_PLANNING:
        return recommendation
    action_plan_agree(partnership=world.partnership, membership=world.business_manager, recommendation=recommendation)
    if state == State.IN_PROGRESS:
        return _fresh(recommendation)
    for action in Action.objects.filter(plan__recommendation=recommendation):
        action_complete(partnership=world.partnership, membership=world.business_manager, action=action)
    recommendation_complete(
        partnership=world.partnership,
        membership=world.business_manager,
        recommendation=recommendation,
        impact_evidence="Re-audit found information shared within a day in 9 of 10 cases.",
    )
    if state == State.COMPLETED:
        return _fresh(recommendation)
    from partnership.services.action_plans import recommendation_close_completed

    recommendation_close_completed(
        partnership=world.partnership, membership=world.business_manager, recommendation=recommendation
    )
    return _fresh(recommendation)


def _fresh(recommendation: Recommendation) -> Recommendation:
    return Recommendation.objects.select_related("action_plan").get(pk=recommendation.pk)


def action_make(
    world: World,
    recommendation: Recommendation,
    *,
    agency: Agency | None = None,
    lead_person: Person | None = None,
    due_on: date | None = None,
    what: str = "Train designated leads on the escalation policy.",
) -> Action:
    lead = lead_person if lead_person is not None else world.practitioner.person
    return action_add(
        partnership=world.partnership,
        membership=world.business_manager,
        recommendation=recommendation,
        what=what,
        lead_agency_id=(agency or world.school).pk,
        lead_person_id=lead.pk,
        due_on=due_on or timezone.localdate() + timedelta(days=60),
        measure_of_success="Nine in ten designated leads trained by the due date.",
    )


def progress_make(world: World, action: Action, *, rag: str = Rag.AMBER, evidence=()) -> None:
    action_update_record(
        partnership=world.partnership,
        membership=world.business_manager,
        action=action,
        on=timezone.localdate(),
        note="Two of five sessions delivered.",
        rag=rag,
        evidence=list(evidence),
    )
