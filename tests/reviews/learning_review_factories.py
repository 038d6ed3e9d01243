"""Makers of learning reviews for tests, through the real services (references, forms, deadlines, history).

``learning_review_make(world)`` opens a desktop review led by the world's
practitioner (so "lead author" and "business manager" are different people),
with information due in two weeks and the report in six.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from reviews.models import Contributor, LearningReview, Methodology
from reviews.services.learning_review import contributor_add, learning_review_open
from tests.factories import World


def learning_review_make(world: World, **overrides: Any) -> LearningReview:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "partnership": world.partnership,
        "actor": world.bm,
        "methodology": Methodology.DESKTOP,
        "title": "Neglect and missed health appointments",
        "scope": "Agencies' work with the family over the 12 months before the incident.",
        "key_lines_of_enquiry": "How were missed appointments followed up? How was the child's voice heard?",
        "information_due_on": today + timedelta(days=14),
        "report_due_on": today + timedelta(days=42),
        "lead_author": world.practitioner.person,
    }
    values.update(overrides)
    return learning_review_open(**values)


def contributor_make(world: World, learning_review: LearningReview, membership=None, **flags: Any) -> Contributor:
    """A contributor (default: the world's agency lead) added by the business manager."""
    membership = membership or world.agency_lead
    return contributor_add(
        partnership=world.partnership,
        actor=world.bm,
        learning_review=learning_review,
        person=membership.person,
        **flags,
    )
