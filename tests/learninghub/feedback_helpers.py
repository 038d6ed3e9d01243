"""Shared makers of the learning hub feedback tests."""

from __future__ import annotations

from datetime import date

from learninghub.models import HubCycle
from learninghub.services import feedback as services
from tests.learninghub.helpers import cycle_make


def cycle_of(world) -> HubCycle:
    return HubCycle.objects.in_partnership(world.partnership).first() or cycle_make(world)


def session_make(world, *, cycle=None, **changes):
    data = {
        "title": "Practitioner forum",
        "held_on": date(2027, 3, 1),
        "attended": 25,
        "summary": "Practitioners talked about return interviews.",
        "quotes": (),
        "theme_ids": (),
        **changes,
    }
    return services.feedback_session_create(
        partnership=world.partnership, actor=world.bm, cycle=cycle or cycle_of(world), **data
    )


def child_make(world, *, cycle=None, **changes):
    data = {
        "gathered_on": date(2027, 3, 3),
        "method": "Group discussion at the youth forum",
        "children": 4,
        "young_people": 6,
        "families": 2,
        "summary": "Young people want one worker they know.",
        "consent_recorded": True,
        "consent_how": "Written consent from each young person and a parent",
        **changes,
    }
    return services.child_feedback_create(
        partnership=world.partnership, actor=world.bm, cycle=cycle or cycle_of(world), **data
    )


def survey_make(world, *, cycle=None, **changes):
    data = {"title": "Survey of practitioners", "introduction": "Tell us what helped.", "sent_count": 395, **changes}
    return services.feedback_survey_create(
        partnership=world.partnership, actor=world.bm, cycle=cycle or cycle_of(world), **data
    )


def question_make(world, survey, *, text="How useful was the hub?", kind="scale", required=True):
    return services.survey_question_add(
        partnership=world.partnership, actor=world.bm, survey=survey, text=text, kind=kind, required=required
    )


def survey_open(world, survey):
    return services.feedback_survey_move(partnership=world.partnership, actor=world.bm, survey=survey, to="open")
