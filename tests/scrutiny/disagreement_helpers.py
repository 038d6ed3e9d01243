"""Makers for professional disagreements, shared by their tests, the tenancy sweep and the API fuzz."""

from __future__ import annotations

from datetime import date

from scrutiny.models import ProfessionalDisagreement
from scrutiny.services.disagreements import disagreement_record
from tests.factories import World


def disagreement_make(
    world: World, *, raised_on: date = date(2026, 11, 2), today: date | None = None
) -> ProfessionalDisagreement:
    return disagreement_record(
        partnership=world.partnership,
        actor=world.bm,
        membership=world.business_manager,
        raised_by_agency_id=world.school.pk,
        with_agency_id=world.council.pk,
        raised_on=raised_on,
        subject_summary="Child A: a referral for neglect was not accepted for assessment.",
        today=today or max(raised_on, date.today()),
    )
