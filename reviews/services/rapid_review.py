"""Writes of rapid reviews: opening one with its milestones, and moving them when the notification moves.

The milestones are stored on the review (lists sort and filter on them in SQL)
and held by the deadline engine as Deadline rows of the review (kinds
``rr.scoping_sent``, ``rr.returns_due``, ``rr.meeting``, ``rr.panel_submission``),
assigned to nobody: the partnership's business managers.

The meeting, the decision, its sign-off and the Panel submission are written by
``reviews.services.decision``.
"""

from __future__ import annotations

from django.db import transaction

from partnership.models import HistoryEntry, Partnership, Person
from partnership.selectors import working_day_calendar
from partnership.services import history_record, tenant_create
from partnership.services.deadlines import deadline_set
from partnership.working_days import WorkingDayCalendar
from reviews.models import InformationRequest, RapidReview, SeriousIncident
from reviews.selectors.rapid_review import (
    DEADLINE_MEETING,
    DEADLINE_PANEL,
    DEADLINE_RETURNS,
    DEADLINE_SCOPING,
    Milestones,
    rapid_review_milestones,
)
from reviews.services.requests import information_request_move_due

__all__ = [
    "DEADLINE_MEETING",
    "DEADLINE_PANEL",
    "DEADLINE_RETURNS",
    "DEADLINE_SCOPING",
    "rapid_review_open",
    "rapid_review_reschedule",
]


def _milestone_deadlines_set(*, partnership: Partnership, rapid_review: RapidReview) -> None:
    reference = rapid_review.incident.reference
    for kind, title, due_on in (
        (DEADLINE_SCOPING, f"{reference}: send scoping requests to agencies", rapid_review.scoping_due_on),
        (DEADLINE_RETURNS, f"{reference}: agencies' returns due", rapid_review.returns_due_on),
        (DEADLINE_MEETING, f"{reference}: hold the rapid review meeting", rapid_review.meeting_window_closes_on),
        (
            DEADLINE_PANEL,
            f"{reference}: send the rapid review to the national Panel",
            rapid_review.panel_submission_due_on,
        ),
    ):
        deadline_set(partnership=partnership, subject=rapid_review, kind=kind, title=title, due_on=due_on)


@transaction.atomic
def rapid_review_open(
    *,
    partnership: Partnership,
    actor: Person | None,
    incident: SeriousIncident,
    calendar: WorkingDayCalendar | None = None,
) -> RapidReview:
    """Open the rapid review of a recorded incident, its milestones counted from the Panel notification.

    Guarantees: one review per incident (a second call returns the existing one
    unchanged); the milestone dates are stored on the review and set as open
    Deadline rows of it, assigned to the business managers; a history row
    records the opening. Raises ``ValueError`` when the notification date is
    outside the years the bank-holiday data covers (``incident_record`` checks it first).
    """
    existing = RapidReview.objects.in_partnership(partnership).filter(incident=incident).first()
    if existing is not None:
        return existing
    calendar = calendar or working_day_calendar(partnership=partnership)
    milestones = rapid_review_milestones(calendar=calendar, notified_on=incident.panel_notified_on)
    review = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=RapidReview(partnership=partnership, incident=incident, **milestones.as_fields()),
    )
    _milestone_deadlines_set(partnership=partnership, rapid_review=review)
    return review


@transaction.atomic
def rapid_review_reschedule(
    *,
    partnership: Partnership,
    actor: Person | None,
    rapid_review: RapidReview,
    calendar: WorkingDayCalendar | None = None,
    reason: str = "",
) -> Milestones:
    """Recompute the milestones from the incident's (new) notification date and move everything that hangs on them.

    Guarantees: the review's milestone fields, its Deadline rows (re-armed for
    reminders by the deadline engine) and the due dates of its open information
    requests (which are due on the returns milestone) all move together, in one
    transaction, with history rows for the review and for each request moved.
    When the review was already sent to the Panel, the working days it took are
    counted again from the new date.
    """
    review = RapidReview.objects.in_partnership(partnership).select_for_update().get(pk=rapid_review.pk)
    incident = SeriousIncident.objects.in_partnership(partnership).get(pk=review.incident_id)
    review.incident = incident
    calendar = calendar or working_day_calendar(partnership=partnership)
    milestones = rapid_review_milestones(calendar=calendar, notified_on=incident.panel_notified_on)
    new_fields = milestones.as_fields()
    if review.sent_to_panel_on is not None:
        new_fields["working_days_taken"] = calendar.working_days_between(
            incident.panel_notified_on, review.sent_to_panel_on
        )
    changes = {
        name: {"from": _iso(getattr(review, name)), "to": _iso(value)}
        for name, value in new_fields.items()
        if getattr(review, name) != value
    }
    if not changes:
        return milestones
    old_returns_due_on = review.returns_due_on
    for name, value in new_fields.items():
        setattr(review, name, value)
    review.save(update_fields=[*new_fields, "updated_at"])
    history_record(
        partnership=partnership,
        actor=actor,
        instance=review,
        action=HistoryEntry.Action.UPDATED,
        changes=changes,
        reason=reason or "The date the national Panel was notified changed.",
    )
    _milestone_deadlines_set(partnership=partnership, rapid_review=review)
    # Requests due on the returns milestone move with it (their own deadlines too); a request the
    # business manager gave a date of its own keeps it.
    open_requests = InformationRequest.objects.in_partnership(partnership).filter(
        rapid_review=review,
        due_on=old_returns_due_on,
        state__in=[
            InformationRequest.State.REQUESTED,
            InformationRequest.State.DRAFT,
            InformationRequest.State.SENT_BACK,
        ],
    )
    for request in open_requests:
        information_request_move_due(
            partnership=partnership,
            actor=actor,
            information_request=request,
            due_on=review.returns_due_on,
            reason="The rapid review's returns milestone moved.",
        )
    return milestones


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
