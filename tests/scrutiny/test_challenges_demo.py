"""The demo's challenge log: five challenges at every stage in each demo partnership, made once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from partnership.demo import demo_seed
from partnership.models import Membership, Partnership, Role
from partnership.models.recommendations import Recommendation, RecommendationSource
from partnership.selectors.tasks import my_tasks
from scrutiny.demo import DEMO_PARTNERSHIPS, DemoPeopleMissingError, demo_scrutiny_seed
from scrutiny.models import Challenge

pytestmark = pytest.mark.django_db

State = Challenge.State


def test_the_demo_has_a_challenge_at_every_stage_made_once():
    demo_seed()
    assert demo_scrutiny_seed().created["challenges"] == 10
    for slug in DEMO_PARTNERSHIPS:
        partnership = Partnership.objects.get(slug=slug)
        challenges = list(Challenge.objects.in_partnership(partnership))
        states = sorted(c.state for c in challenges)
        assert states == sorted([State.OPEN, State.OPEN, State.RESPONDED, State.ESCALATED, State.CLOSED])
        overdue = [c for c in challenges if c.state == State.OPEN and c.due_on < timezone.localdate()]
        assert len(overdue) == 1
        # The overdue one is on its school's agency lead's tasks.
        lead = (
            Membership.objects.in_partnership(partnership)
            .filter(agency=overdue[0].agency, roles__role=Role.AGENCY_LEAD)
            .first()
        )
        titles = [t.title for t in my_tasks(person=lead.person, partnership=partnership).tasks]
        assert any(overdue[0].reference in title for title in titles)
        assert (
            Recommendation.objects.in_partnership(partnership)
            .filter(source_kind=RecommendationSource.SCRUTINY_CHALLENGE)
            .count()
            == 1
        )
    call_command("seed_demo_scrutiny")
    assert Challenge.objects.filter(partnership__slug__in=DEMO_PARTNERSHIPS).count() == 10


def test_the_demo_needs_the_partnerships_first():
    with pytest.raises(DemoPeopleMissingError):
        demo_scrutiny_seed()
