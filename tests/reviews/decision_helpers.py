"""Makers for the rapid review meeting, decision, sign-off and Panel tests (reviews H4).

Everything goes through the real services, so a review "ready for a decision"
has its milestones, deadlines, meeting date and quorate attendees exactly as a
business manager would have made them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from partnership.models import StatutoryPartner
from partnership.selectors import working_day_calendar
from reviews.models import DecisionOutcome, MeetingAttendee, RapidReview, RapidReviewDecision
from reviews.services.decision import (
    rapid_review_decision_approve,
    rapid_review_decision_record,
    rapid_review_send_to_panel,
)
from reviews.services.rapid_review_meeting import meeting_attendee_add, rapid_review_meeting_set
from tests.factories import World
from tests.reviews.factories import rapid_review_make

REASONS = {
    "reason_improvements_needed": "Possible improvements in sharing information at the front door.",
    "reason_recurrent_themes": "Neglect and missed health appointments recur in earlier reviews.",
    "reason_agencies_working_together": "Police and school did not share the strategy discussion.",
    "reason_panel_view": "The Panel is likely to agree that a local review adds learning.",
}


def working_days_ago(world: World, n: int, *, today: date | None = None) -> date:
    """The latest date from which ``today`` is working day ``n`` or later (day 0 is that date)."""
    calendar = working_day_calendar(partnership=world.partnership)
    today = today or timezone.localdate()
    day = today
    while calendar.working_days_between(day, today) < n:
        day -= timedelta(days=1)
    return day


def notified_review(world: World, *, working_days: int = 20, **overrides: Any) -> RapidReview:
    """A rapid review whose Panel notification was ``working_days`` working days ago."""
    notified = working_days_ago(world, working_days)
    values = {"incident_on": notified - timedelta(days=2), "la_aware_on": notified, "panel_notified_on": notified}
    values.update(overrides)
    return rapid_review_make(world, **values)


def meeting_held(world: World, rapid_review: RapidReview, *, day: int = 9) -> RapidReview:
    """Set the meeting on working day ``day`` after the notification (in the past for the default reviews)."""
    calendar = working_day_calendar(partnership=world.partnership)
    meeting_on = calendar.add_working_days(rapid_review.incident.panel_notified_on, day)
    return rapid_review_meeting_set(
        partnership=world.partnership, actor=world.bm, rapid_review=rapid_review, meeting_on=meeting_on
    )


def attendee_add(world: World, rapid_review: RapidReview, *, partner: str, name: str = "") -> MeetingAttendee:
    agency = {
        StatutoryPartner.LOCAL_AUTHORITY: world.council,
        StatutoryPartner.HEALTH: world.icb,
        StatutoryPartner.POLICE: world.police,
    }[partner]
    return meeting_attendee_add(
        partnership=world.partnership,
        actor=world.bm,
        rapid_review=rapid_review,
        name=name or f"{StatutoryPartner(partner).label} Representative",
        job_title="Designated lead",
        agency=agency,
    )


def quorate_meeting(world: World, rapid_review: RapidReview, *, day: int = 9) -> RapidReview:
    meeting_held(world, rapid_review, day=day)
    for partner in StatutoryPartner.values:
        attendee_add(world, rapid_review, partner=partner)
    return rapid_review


def ready_review(world: World, *, working_days: int = 20, **overrides: Any) -> RapidReview:
    """Notified ``working_days`` ago, meeting held on day 9 (or earlier when that is still to come), quorate."""
    review = notified_review(world, working_days=working_days, **overrides)
    return quorate_meeting(world, review, day=min(9, working_days))


def decision_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"outcome": DecisionOutcome.LCSPR, "methodology": "", **REASONS, "immediate_actions": ""}
    values.update(overrides)
    return values


def decision_record(world: World, rapid_review: RapidReview, **overrides: Any) -> RapidReviewDecision:
    return rapid_review_decision_record(
        partnership=world.partnership, actor=world.bm, rapid_review=rapid_review, **decision_values(**overrides)
    )


def all_approve(world: World, rapid_review: RapidReview) -> RapidReview:
    for lead in (world.la_lead, world.health_lead, world.police_lead):
        rapid_review_decision_approve(partnership=world.partnership, membership=lead, rapid_review=rapid_review)
    return rapid_review


def signed_off_review(world: World, *, working_days: int = 20, **overrides: Any) -> RapidReview:
    review = ready_review(world, working_days=working_days, **overrides)
    decision_record(world, review)
    return all_approve(world, review)


def sent_review(world: World, *, working_days: int = 20, delay_reason: str = "Complex case") -> RapidReview:
    review = signed_off_review(world, working_days=working_days)
    return rapid_review_send_to_panel(
        partnership=world.partnership,
        actor=world.bm,
        rapid_review=review,
        sent_on=timezone.localdate(),
        delay_reason=delay_reason,
    )
