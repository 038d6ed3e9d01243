"""Makers for the scrutineer's annual plan, shared by the plan's tests, the tenancy sweep and the API fuzz."""

from __future__ import annotations

from partnership.models import LearningTheme
from scrutiny.models import ActivityKind, PlanActivity, ScrutinyPlan
from scrutiny.services.plan import plan_activity_create, scrutiny_plan_create
from tests.factories import World


def theme_make(world: World, name: str = "Missing children") -> LearningTheme:
    return LearningTheme.objects.get_or_create(partnership=world.partnership, name=name)[0]


def plan_make(world: World, year: int = 2026) -> ScrutinyPlan:
    existing = ScrutinyPlan.objects.in_partnership(world.partnership).filter(year=year).first()
    return existing or scrutiny_plan_create(partnership=world.partnership, actor=world.scrutineer.person, year=year)


def activity_make(world: World, plan: ScrutinyPlan | None = None, *, quarter: int = 1, title: str = "") -> PlanActivity:
    return plan_activity_create(
        partnership=world.partnership,
        actor=world.scrutineer.person,
        plan=plan or plan_make(world),
        quarter=quarter,
        kind=ActivityKind.DEEP_DIVE,
        title=title or "Deep dive: missing children",
        theme_id=theme_make(world).pk,
    )
