"""Rapid review milestones in working days from the Panel notification (day 0), on the partnership's calendar.

Expected dates are worked out by hand from the published bank holidays: Christmas
and New Year, Easter (Good Friday everywhere, Easter Monday not in Scotland),
one-off days (the 2022 state funeral, the 2023 coronation), St Andrew's Day, and
a partnership's own closure day.
"""

from __future__ import annotations

from datetime import date

import pytest

from partnership.models import ClosureDay, Deadline, Nation
from partnership.selectors import working_day_calendar
from partnership.subjects import deadline_url
from reviews.models import InformationRequest
from reviews.selectors.rapid_review import (
    DEADLINE_MEETING,
    DEADLINE_PANEL,
    DEADLINE_RETURNS,
    DEADLINE_SCOPING,
    rapid_review_deadlines,
    rapid_review_timeline,
)
from reviews.services.incidents import incident_update
from tests.reviews.factories import information_request_make, rapid_review_make


def _record(world, notified_on: date, aware_on: date | None = None):
    aware_on = aware_on or notified_on
    return rapid_review_make(world, incident_on=aware_on, la_aware_on=aware_on, panel_notified_on=notified_on)


def _milestones(review) -> tuple[date, date, date, date, date]:
    return (
        review.scoping_due_on,
        review.returns_due_on,
        review.meeting_window_opens_on,
        review.meeting_window_closes_on,
        review.panel_submission_due_on,
    )


D = date

# (nation, notified on, (day 2, day 5, day 7, day 13, day 15), why)
CASES = [
    (
        Nation.ENGLAND,
        D(2022, 12, 20),
        (D(2022, 12, 22), D(2022, 12, 29), D(2023, 1, 3), D(2023, 1, 11), D(2023, 1, 13)),
        "Boxing Day, Christmas substitute on Tue 27 Dec, New Year substitute on Mon 2 Jan",
    ),
    (
        Nation.SCOTLAND,
        D(2022, 12, 20),
        (D(2022, 12, 22), D(2022, 12, 29), D(2023, 1, 4), D(2023, 1, 12), D(2023, 1, 16)),
        "Scotland also stops on 2 and 3 January",
    ),
    (
        Nation.ENGLAND,
        D(2023, 4, 4),
        (D(2023, 4, 6), D(2023, 4, 13), D(2023, 4, 17), D(2023, 4, 25), D(2023, 4, 27)),
        "Good Friday and Easter Monday",
    ),
    (
        Nation.SCOTLAND,
        D(2023, 4, 4),
        (D(2023, 4, 6), D(2023, 4, 12), D(2023, 4, 14), D(2023, 4, 24), D(2023, 4, 26)),
        "Good Friday only: Easter Monday is a working day in Scotland",
    ),
    (
        Nation.ENGLAND,
        D(2022, 9, 14),
        (D(2022, 9, 16), D(2022, 9, 22), D(2022, 9, 26), D(2022, 10, 4), D(2022, 10, 6)),
        "The Queen's state funeral, Mon 19 September 2022",
    ),
    (
        Nation.SCOTLAND,
        D(2022, 9, 14),
        (D(2022, 9, 16), D(2022, 9, 22), D(2022, 9, 26), D(2022, 10, 4), D(2022, 10, 6)),
        "The state funeral was a bank holiday in Scotland too",
    ),
    (
        Nation.ENGLAND,
        D(2023, 5, 3),
        (D(2023, 5, 5), D(2023, 5, 11), D(2023, 5, 15), D(2023, 5, 23), D(2023, 5, 25)),
        "The coronation, Mon 8 May 2023",
    ),
    (
        Nation.ENGLAND,
        D(2025, 11, 25),
        (D(2025, 11, 27), D(2025, 12, 2), D(2025, 12, 4), D(2025, 12, 12), D(2025, 12, 16)),
        "No St Andrew's Day in England",
    ),
    (
        Nation.SCOTLAND,
        D(2025, 11, 25),
        (D(2025, 11, 27), D(2025, 12, 3), D(2025, 12, 5), D(2025, 12, 15), D(2025, 12, 17)),
        "St Andrew's Day (Sun 30 November) substituted on Mon 1 December",
    ),
]


@pytest.mark.parametrize(("nation", "notified_on", "expected", "why"), CASES, ids=[c[3] for c in CASES])
def test_milestones_skip_the_nations_bank_holidays(world_a, nation, notified_on, expected, why):
    world_a.partnership.nation = nation
    world_a.partnership.save()
    review = _record(world_a, notified_on)
    assert _milestones(review) == expected, why


def test_a_partnership_closure_day_stops_the_clock(world_a):
    ClosureDay.objects.create(partnership=world_a.partnership, date=D(2023, 5, 4), reason="Staff training")
    review = _record(world_a, D(2023, 5, 3))
    # Thu 4 May closed, Mon 8 May the coronation: day 1 is Fri 5, day 2 Tue 9.
    assert _milestones(review) == (D(2023, 5, 9), D(2023, 5, 12), D(2023, 5, 16), D(2023, 5, 24), D(2023, 5, 26))


def test_notified_on_a_weekend_counts_from_the_next_working_day(world_a):
    review = _record(world_a, D(2024, 6, 8))  # a Saturday: day 0, whatever it is
    assert review.scoping_due_on == D(2024, 6, 11)  # Mon 10 is day 1
    assert review.panel_submission_due_on == D(2024, 6, 28)


def test_milestones_are_held_as_open_deadlines_for_the_business_managers(world_a):
    review = _record(world_a, D(2023, 5, 3))
    deadlines = rapid_review_deadlines(partnership=world_a.partnership, rapid_review=review)
    assert {k: d.due_on for k, d in deadlines.items()} == {
        DEADLINE_SCOPING: D(2023, 5, 5),
        DEADLINE_RETURNS: D(2023, 5, 11),
        DEADLINE_MEETING: D(2023, 5, 23),
        DEADLINE_PANEL: D(2023, 5, 25),
    }
    assert all(d.assignee is None and d.state == Deadline.State.OPEN for d in deadlines.values())
    assert all(review.incident.reference in d.title for d in deadlines.values())
    assert all(deadline_url(d).endswith(f"/rapid-reviews/{review.pk}/") for d in deadlines.values())


def test_moving_the_notification_date_recomputes_the_milestones_and_moves_the_deadlines(world_a):
    review = rapid_review_make(world_a)
    incident = review.incident
    request = information_request_make(world_a, rapid_review=review)
    incident_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        incident=incident,
        incident_on=D(2022, 9, 13),
        la_aware_on=D(2022, 9, 13),
        panel_notified_on=D(2022, 9, 14),
        outcome=incident.outcome,
        child_looked_after=incident.child_looked_after,
        summary=incident.summary,
        referring_agency=incident.referring_agency,
        agencies=list(incident.agencies.all()),
        expected_updated_at=incident.updated_at,
    )
    review.refresh_from_db()
    assert _milestones(review) == (D(2022, 9, 16), D(2022, 9, 22), D(2022, 9, 26), D(2022, 10, 4), D(2022, 10, 6))
    deadlines = rapid_review_deadlines(partnership=world_a.partnership, rapid_review=review)
    assert deadlines[DEADLINE_PANEL].due_on == D(2022, 10, 6)
    assert deadlines[DEADLINE_RETURNS].due_on == D(2022, 9, 22)
    # The request was due on the returns milestone: it moves with it, and so does its own deadline.
    request.refresh_from_db()
    assert request.due_on == D(2022, 9, 22)
    assert deadlines[f"request.{request.pk}"].due_on == D(2022, 9, 22)


def test_a_request_with_a_date_of_its_own_keeps_it_when_the_milestone_moves(world_a):
    review = rapid_review_make(world_a)
    own_date = review.returns_due_on.replace(year=review.returns_due_on.year + 1)
    request = information_request_make(world_a, rapid_review=review, due_on=own_date)
    incident = review.incident
    incident_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        incident=incident,
        incident_on=D(2023, 5, 2),
        la_aware_on=D(2023, 5, 3),
        panel_notified_on=D(2023, 5, 3),
        outcome=incident.outcome,
        child_looked_after=False,
        summary="",
        referring_agency=incident.referring_agency,
        agencies=[],
    )
    request.refresh_from_db()
    assert request.due_on == own_date


def test_timeline_marks_done_overdue_and_working_days_left(world_a):
    review = _record(world_a, D(2023, 5, 3))
    calendar = working_day_calendar(partnership=world_a.partnership)

    def timeline(today):
        requests = list(InformationRequest.objects.filter(rapid_review=review))
        deadlines = rapid_review_deadlines(partnership=world_a.partnership, rapid_review=review)
        return {
            s.key: s
            for s in rapid_review_timeline(
                rapid_review=review, calendar=calendar, today=today, deadlines=deadlines, requests=requests
            )
        }

    steps = timeline(D(2023, 5, 3))
    assert steps["scoping"].days_remaining == 2
    assert not steps["scoping"].overdue
    assert steps["panel"].days_remaining == 15
    assert steps["meeting"].opens_on == D(2023, 5, 15)

    # Fri 12 May: scoping (Fri 5) and returns (Thu 11) are overdue, nothing asked yet.
    steps = timeline(D(2023, 5, 12))
    assert steps["scoping"].overdue
    assert steps["scoping"].days_overdue == 4
    assert steps["returns"].overdue
    assert steps["returns"].days_overdue == 1
    assert not steps["meeting"].overdue
    assert steps["panel"].days_remaining == 9
