"""The demo's action plans: every stage and RAG status in both demo partnerships, made once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from partnership.demo import demo_seed
from partnership.demo_action_plans import DEMO_PLAN_PARTNERSHIPS, DemoPeopleMissingError, demo_action_plans_seed
from partnership.models import Deadline
from partnership.models.recommendations import Action, ActionUpdate, ProgressReport, Rag, Recommendation, StoredFile
from partnership.selectors.progress_reports import board_report_figures

pytestmark = pytest.mark.django_db
State = Recommendation.State


def test_without_the_demo_people_it_says_what_to_run_first():
    with pytest.raises(DemoPeopleMissingError, match="seed_demo"):
        demo_action_plans_seed()


def test_every_stage_and_rag_in_both_partnerships_once():
    demo_seed()

    call_command("seed_demo_action_plans")
    counts = (Recommendation.objects.count(), Action.objects.count(), ActionUpdate.objects.count())
    demo_action_plans_seed()

    assert (Recommendation.objects.count(), Action.objects.count(), ActionUpdate.objects.count()) == counts
    for slug in DEMO_PLAN_PARTNERSHIPS:
        recommendations = Recommendation.objects.filter(partnership__slug=slug)
        states = sorted(recommendations.values_list("state", flat=True))
        assert states == sorted(
            [State.ACTION_PLANNING, State.ACTION_PLANNING, State.IN_PROGRESS, State.COMPLETED, State.CLOSED]
        )
        rags = set(Action.objects.filter(partnership__slug=slug).values_list("rag", flat=True))
        assert rags == {Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE}
        assert StoredFile.objects.filter(partnership__slug=slug, owner_type__model="actionupdate").exists()
        report = ProgressReport.objects.get(partnership__slug=slug)
        figures = board_report_figures(partnership=report.partnership, as_of=report.as_of)
        assert len(figures.overdue_actions) == 1
        assert len(figures.overdue_plans) == 1
        assert len(figures.completed) == 2
        assert Deadline.objects.filter(partnership__slug=slug, kind="action_plan.due", state="open").count() == 2
