"""Makers of serious incidents, rapid reviews and information requests for tests.

``rapid_review_make(world)`` records an incident through the real service (so
the review has its milestones and deadlines) and returns the RapidReview.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from reviews.models import HarmOutcome, InformationRequest, RapidReview, SeriousIncident
from reviews.services.incidents import incident_record
from reviews.services.requests import information_request_create
from tests.factories import World

CHILD_NAME = "Jordan Testchild"
CHILD_ADDRESS = "1 Example Street, Testtown"
CHILD_BORN = date(2015, 3, 27)


def child_data(n: int = 1) -> list[dict[str, Any]]:
    """``n`` children's identities (distinct names), in the shape ``incident_record`` takes."""
    return [
        {
            "name": CHILD_NAME if i == 0 else f"{CHILD_NAME} {i + 1}",
            "date_of_birth": CHILD_BORN + timedelta(days=i * 400),
            "address": CHILD_ADDRESS,
        }
        for i in range(n)
    ]


def incident_make(world: World, **overrides: Any) -> SeriousIncident:
    """An incident of ``world``'s partnership, recorded by its business manager.

    Defaults: notified today, the local authority aware today, the incident the
    day before; one child; all four of the world's agencies involved, the
    council referring. Any keyword of ``incident_record`` overrides them.
    """
    today = timezone.localdate()
    values: dict[str, Any] = {
        "partnership": world.partnership,
        "actor": world.bm,
        "reference": None,
        "incident_on": today - timedelta(days=1),
        "la_aware_on": today,
        "panel_notified_on": today,
        "outcome": HarmOutcome.SERIOUS_HARM,
        "child_looked_after": False,
        "summary": "A serious incident, described without identifying details.",
        "referring_agency": world.council,
        "agencies": [world.council, world.icb, world.police, world.school],
        "children": child_data(1),
    }
    values.update(overrides)
    return incident_record(**values)


def rapid_review_make(world: World, **overrides: Any) -> RapidReview:
    """The rapid review opened by recording an incident (``incident_make``'s overrides apply)."""
    incident = incident_make(world, **overrides)
    return RapidReview.objects.select_related("incident").get(incident=incident)


def information_request_make(
    world: World,
    *,
    rapid_review: RapidReview | None = None,
    learning_review=None,
    agency=None,
    assignee=None,
    due_on: date | None = None,
) -> InformationRequest:
    """A request to the world's school (its practitioner answers) on a new or given review."""
    if rapid_review is None and learning_review is None:
        rapid_review = rapid_review_make(world)
    return information_request_create(
        partnership=world.partnership,
        actor=world.bm,
        agency=agency or world.school,
        assignee=assignee or world.practitioner.person,
        rapid_review=rapid_review,
        learning_review=learning_review,
        due_on=due_on,
    )
