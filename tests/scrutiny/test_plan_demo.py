"""The demo's scrutiny plans and disagreements: made through the services, at every stage, never twice."""

from __future__ import annotations

from datetime import date

import pytest

from partnership.models.recommendations import Recommendation
from scrutiny.demo import DemoScrutinyResult, seed_plan_and_disagreements
from scrutiny.models import PlanActivity, ProfessionalDisagreement, ScrutinyPlan
from scrutiny.selectors.disagreements import disagreement_figures

pytestmark = pytest.mark.django_db


def test_a_plan_a_year_and_disagreements_at_every_stage(world_a):
    today = date(2026, 12, 4)
    result = DemoScrutinyResult()
    seed_plan_and_disagreements(partnership=world_a.partnership, today=today, result=result)
    seed_plan_and_disagreements(partnership=world_a.partnership, today=today, result=result)  # nothing twice
    assert result.created == {"scrutiny plans": 2, "professional disagreements": 5}
    p = world_a.partnership
    assert list(ScrutinyPlan.objects.in_partnership(p).values_list("year", "state")) == [
        (2026, "agreed"),
        (2025, "agreed"),
    ]

    def states(year: int) -> set[str]:
        return set(PlanActivity.objects.in_partnership(p).filter(plan__year=year).values_list("state", flat=True))

    assert states(2025) == {"done", "dropped"}
    assert states(2026) == {"done", "in_progress", "planned"}
    assert Recommendation.objects.in_partnership(p).filter(source_kind="scrutiny_activity").count() == 1
    figures = disagreement_figures(partnership=p, today=today)
    assert [s.open for s in figures.stages] == [1, 1, 1, 1]
    assert figures.resolved == 1
    assert ProfessionalDisagreement.objects.in_partnership(p).count() == 5
