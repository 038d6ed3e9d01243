"""Challenges for tests: one raised by a world's scrutineer, and one moved along the table."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from scrutiny.models import Challenge
from scrutiny.services import challenges as services
from tests.factories import World

State = Challenge.State


def dashboard_path(world: World) -> str:
    return reverse("scrutiny:dashboard", kwargs={"slug": world.partnership.slug}) + "?year=2026"


def challenge_make(
    world: World, *, agency=None, today: date | None = None, due_on: date | None = None, question: str = ""
) -> Challenge:
    return services.challenge_raise(
        partnership=world.partnership,
        actor=world.scrutineer.person,
        membership=world.scrutineer,
        agency_id=(agency or world.school).pk,
        subject_path=dashboard_path(world),
        subject_label="Rapid review timeliness, 2026 Q1, late",
        question=question or "Why were two of the quarter's rapid reviews sent to the Panel late?",
        today=today,
        due_on=due_on,
    )


def challenge_moved(world: World, to: str, *, agency=None) -> Challenge:
    """A challenge of ``world`` in state ``to``, moved there the way people move it."""
    challenge = challenge_make(world, agency=agency)
    p, scrutineer = world.partnership, world.scrutineer
    if to == State.OPEN:
        return challenge
    responder = world.agency_lead if challenge.agency_id == world.school.pk else world.la_lead
    services.challenge_respond(
        partnership=p,
        actor=responder.person,
        membership=responder,
        challenge=challenge,
        response="The returns came back late; we now chase on day 3.",
        expected_updated_at=None,
    )
    if to == State.RESPONDED:
        return challenge
    common = {"partnership": p, "actor": scrutineer.person, "membership": scrutineer, "expected_updated_at": None}
    if to in (State.ESCALATED,):
        return services.challenge_escalate(**common, challenge=challenge, reason="The answer names no date.")
    services.challenge_accept(**common, challenge=challenge)
    if to == State.ACCEPTED:
        return challenge
    return services.challenge_close(**common, challenge=challenge, outcome="Day 3 chasing is in place.")
