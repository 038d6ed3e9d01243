"""Reads of rapid reviews: their milestones, timelines and lists, in a fixed number of queries."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from partnership.models import OVERSIGHT_ROLES, Deadline, Partnership
from partnership.selectors.deadlines import deadlines_for_subject
from partnership.working_days import WorkingDayCalendar
from reviews.models import (
    MEETING_WINDOW_CLOSES_DAY,
    MEETING_WINDOW_OPENS_DAY,
    PANEL_SUBMISSION_DAY,
    RETURNS_DUE_DAY,
    SCOPING_SENT_DAY,
    InformationRequest,
    RapidReview,
)
from reviews.selectors.timeliness import in_quarter, timeliness_filter

# The deadline engine's kinds for a rapid review's milestones (subject: the RapidReview).
DEADLINE_SCOPING = "rr.scoping_sent"
DEADLINE_RETURNS = "rr.returns_due"
DEADLINE_MEETING = "rr.meeting"
DEADLINE_PANEL = "rr.panel_submission"


@dataclass(frozen=True)
class Milestones:
    """A rapid review's milestone dates, in working days from the Panel notification (day 0)."""

    scoping_due_on: date
    returns_due_on: date
    meeting_window_opens_on: date
    meeting_window_closes_on: date
    panel_submission_due_on: date

    def as_fields(self) -> dict[str, date]:
        return {
            "scoping_due_on": self.scoping_due_on,
            "returns_due_on": self.returns_due_on,
            "meeting_window_opens_on": self.meeting_window_opens_on,
            "meeting_window_closes_on": self.meeting_window_closes_on,
            "panel_submission_due_on": self.panel_submission_due_on,
        }


def rapid_review_milestones(*, calendar: WorkingDayCalendar, notified_on: date) -> Milestones:
    """The milestones for a notification date on a partnership's calendar (seed 001's timetable).

    Raises ``ValueError`` for dates the bank-holiday data does not cover.
    """
    return Milestones(
        scoping_due_on=calendar.add_working_days(notified_on, SCOPING_SENT_DAY),
        returns_due_on=calendar.add_working_days(notified_on, RETURNS_DUE_DAY),
        meeting_window_opens_on=calendar.add_working_days(notified_on, MEETING_WINDOW_OPENS_DAY),
        meeting_window_closes_on=calendar.add_working_days(notified_on, MEETING_WINDOW_CLOSES_DAY),
        panel_submission_due_on=calendar.add_working_days(notified_on, PANEL_SUBMISSION_DAY),
    )


# --- Lists and lookups --------------------------------------------------------------------


def subquery_count(rows: QuerySet) -> Coalesce:
    """``COUNT(*)`` of ``rows`` (a queryset with an ``OuterRef``) as a subquery; 0 when there are none."""
    # A plain COUNT function, not the Count aggregate: no GROUP BY, one number per outer row.
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def rapid_review_list(
    *,
    partnership: Partnership,
    state: str = "",
    overdue_on: date | None = None,
    open_only: bool = False,
    due_between: tuple[date, date] | None = None,
    timeliness: str = "",
    quarter: tuple[int, int] | None = None,
    today: date | None = None,
) -> QuerySet:
    """Rapid reviews with their incident, newest notification first; what the list page and API show.

    ``overdue_on``: only reviews still short of the Panel submission whose due date is before that day.
    ``open_only``: not yet sent to the Panel. ``due_between``: open, due with the Panel in those days
    (inclusive). ``timeliness`` and ``quarter`` (year, quarter of notification): the reviews behind one
    figure of the timeliness page (``reviews.selectors.timeliness``), as of ``today``.
    Each row carries ``request_count`` and ``submitted_count`` (annotated, no extra queries).
    """
    # Counted per row in correlated subqueries rather than a join and GROUP BY: a page of 25 then
    # counts 25 reviews' requests, not every request of the partnership's whole history.
    requests = InformationRequest.objects.filter(rapid_review=OuterRef("pk"))
    qs = (
        RapidReview.objects.in_partnership(partnership)
        .select_related("incident", "incident__referring_agency")
        .annotate(
            request_count=subquery_count(requests.exclude(state=InformationRequest.State.WITHDRAWN)),
            submitted_count=subquery_count(requests.filter(state=InformationRequest.State.SUBMITTED)),
        )
        .order_by("-incident__panel_notified_on", "-id")
    )
    if state:
        qs = qs.filter(state=state)
    if overdue_on is not None:
        qs = qs.filter(sent_to_panel_on__isnull=True, panel_submission_due_on__lt=overdue_on)
    if open_only:
        qs = qs.filter(sent_to_panel_on__isnull=True)
    if due_between is not None:
        qs = qs.filter(
            sent_to_panel_on__isnull=True,
            panel_submission_due_on__gte=due_between[0],
            panel_submission_due_on__lte=due_between[1],
        )
    if timeliness:
        qs = qs.filter(timeliness_filter(timeliness, today=today or timezone.localdate()))
    if quarter is not None:
        qs = in_quarter(qs, year=quarter[0], quarter=quarter[1])
    return qs


def rapid_review_get(*, partnership: Partnership, rapid_review_id: int) -> RapidReview:
    review = (
        RapidReview.objects.in_partnership(partnership)
        .select_related("incident", "incident__referring_agency", "incident__recorded_by")
        .filter(pk=rapid_review_id)
        .first()
    )
    if review is None:
        raise Http404("No such rapid review.")
    return review


def rapid_review_deadlines(*, partnership: Partnership, rapid_review: RapidReview) -> dict[str, Deadline]:
    """The review's deadline rows by kind (milestones and each request's), in one query."""
    return {d.kind: d for d in deadlines_for_subject(partnership=partnership, subject=rapid_review)}


# --- Timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    """One milestone as the review page shows it."""

    key: str
    label: str
    day: str  # "Day 2", "Days 7 to 13"
    due_on: date
    opens_on: date | None  # the meeting window's first day
    done: bool
    done_on: date | None
    days_remaining: int  # working days from today to due (negative: overdue by that many)
    # Not done, and never will be: the review went to the Panel without it (nothing chases it any more).
    closed: bool = False

    @property
    def overdue(self) -> bool:
        return not self.done and not self.closed and self.days_remaining < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_remaining if self.overdue else 0


def rapid_review_timeline(
    *,
    rapid_review: RapidReview,
    calendar: WorkingDayCalendar,
    today: date,
    deadlines: dict[str, Deadline],
    requests: list[InformationRequest],
) -> list[TimelineStep]:
    """The four milestones with what is done, what is overdue and the working days left.

    Done: scoping when any request has gone out (or its deadline was met); returns
    when every request not withdrawn is submitted; the meeting when its date is
    recorded and has come; the Panel step when the template was sent.
    """

    def met(kind: str) -> tuple[bool, date | None]:
        deadline = deadlines.get(kind)
        if deadline is not None and deadline.state == Deadline.State.MET:
            return True, deadline.met_at.date() if deadline.met_at else None
        return False, None

    active = [r for r in requests if r.state != InformationRequest.State.WITHDRAWN]
    first_sent = min((r.requested_at for r in active), default=None)
    scoping_done, scoping_on = met(DEADLINE_SCOPING)
    if not scoping_done and first_sent is not None:
        scoping_done, scoping_on = True, first_sent.date()
    returns_done, returns_on = met(DEADLINE_RETURNS)
    if not returns_done and active and all(r.state == InformationRequest.State.SUBMITTED for r in active):
        returns_done = True
        returns_on = max(r.submitted_at for r in active).date()
    meeting_done, meeting_on = met(DEADLINE_MEETING)
    if not meeting_done and rapid_review.meeting_on is not None and rapid_review.meeting_on <= today:
        meeting_done, meeting_on = True, rapid_review.meeting_on
    panel_done = rapid_review.sent_to_panel_on is not None
    panel_on = rapid_review.sent_to_panel_on

    def left(due: date) -> int:
        return calendar.working_days_between(today, due)

    r = rapid_review
    steps = [
        TimelineStep(
            "scoping",
            "Scoping and information-sharing requests sent to agencies; meeting date set",
            f"Day {SCOPING_SENT_DAY}",
            r.scoping_due_on,
            None,
            scoping_done,
            scoping_on,
            left(r.scoping_due_on),
        ),
        TimelineStep(
            "returns",
            "Agencies' returns back and shared with those attending",
            f"Day {RETURNS_DUE_DAY}",
            r.returns_due_on,
            None,
            returns_done,
            returns_on,
            left(r.returns_due_on),
        ),
        TimelineStep(
            "meeting",
            "Rapid review meeting held",
            f"Days {MEETING_WINDOW_OPENS_DAY} to {MEETING_WINDOW_CLOSES_DAY}",
            r.meeting_window_closes_on,
            r.meeting_window_opens_on,
            meeting_done,
            meeting_on,
            left(r.meeting_window_closes_on),
        ),
        TimelineStep(
            "panel",
            "Rapid review template sent to the national Panel; agencies told the outcome",
            f"Day {PANEL_SUBMISSION_DAY}",
            r.panel_submission_due_on,
            None,
            panel_done,
            panel_on,
            left(r.panel_submission_due_on),
        ),
    ]
    if panel_done:
        # Finished work stops chasing: what was left undone when it went to the Panel is closed, not overdue.
        steps = [dataclasses.replace(step, closed=not step.done) for step in steps]
    return steps


def panel_days_remaining(*, rapid_review: RapidReview, calendar: WorkingDayCalendar, today: date) -> int | None:
    """Working days left to the Panel submission (negative when overdue); None once it was sent."""
    if rapid_review.sent_to_panel_on is not None:
        return None
    return calendar.working_days_between(today, rapid_review.panel_submission_due_on)


# Who reads rapid reviews (lists, timelines, incident facts by pseudonym).
RAPID_REVIEW_READ_ROLES = OVERSIGHT_ROLES
