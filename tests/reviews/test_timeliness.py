"""Rapid review timeliness figures per quarter: selector, page and API, on a crafted data set."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import RapidReview
from reviews.selectors.rapid_review import rapid_review_list
from reviews.selectors.timeliness import quarter_bounds, rapid_review_timeliness, rapid_review_timeliness_years
from tests.conftest import login
from tests.reviews.factories import rapid_review_make

pytestmark = pytest.mark.django_db

SENT = RapidReview.State.SENT_TO_PANEL


def _review(world, notified: date, *, taken: int | None = None, reason: str = "", reference: str = "") -> RapidReview:
    """A review notified on ``notified``; with ``taken``, sent to the Panel after that many working days.

    The figures are written straight onto the row: this tests the arithmetic, not the workflow.
    """
    review = rapid_review_make(
        world,
        reference=reference or None,
        incident_on=notified - timedelta(days=3),
        la_aware_on=notified,
        panel_notified_on=notified,
    )
    if taken is not None:
        RapidReview.objects.filter(pk=review.pk).update(
            state=SENT,
            sent_to_panel_on=notified + timedelta(days=taken + taken // 5 * 2),
            working_days_taken=taken,
            delay_reason=reason,
        )
    return review


@pytest.fixture
def crafted(world_a, world_b):
    _review(world_a, date(2025, 1, 15), taken=12, reference="SI-A1")
    _review(world_a, date(2025, 2, 10), taken=15, reference="SI-A2")  # exactly 15: on time
    _review(world_a, date(2025, 3, 20), taken=44, reason="Complexity of the case", reference="SI-A3")
    _review(world_a, date(2025, 4, 10), taken=51, reason="Awaiting the post-mortem", reference="SI-B1")
    _review(world_a, date(2025, 6, 30), taken=10, reference="SI-B2")
    _review(world_a, date(2025, 8, 4), reference="SI-C1")  # still in progress
    _review(world_a, date(2026, 1, 12), taken=61, reference="SI-D1")  # late, no reason recorded
    # Another partnership's late review must not show anywhere in world_a's figures.
    _review(world_b, date(2025, 1, 20), taken=99, reason="Bravo's reason", reference="SI-X1")


TODAY = date(2026, 3, 2)  # a Monday; every 2025 review below is long past its day 15


def test_figures_per_quarter(world_a, crafted):
    quarters = rapid_review_timeliness(partnership=world_a.partnership, today=TODAY)

    rows = [
        (q.year, q.quarter, q.notified, q.completed, q.on_time, q.late, q.share_on_time, q.median_working_days)
        for q in quarters
    ]
    assert rows == [
        (2025, 1, 3, 3, 2, 1, pytest.approx(2 / 3), 15.0),
        (2025, 2, 2, 2, 1, 1, 0.5, 30.5),
        # SI-C1 (4 August 2025) is still open, long past day 15: late, not "none late".
        (2025, 3, 1, 0, 0, 1, 0.0, None),
        (2026, 1, 1, 1, 0, 1, 0.0, 61.0),
    ]
    [a3] = quarters[0].delays
    assert (a3.reference, a3.working_days_taken, a3.reason, a3.still_open) == (
        "SI-A3",
        44,
        "Complexity of the case",
        False,
    )
    [c1] = quarters[2].delays
    assert (c1.reference, c1.still_open) == ("SI-C1", True)
    assert quarters[3].delays[0].reason == ""
    assert quarters[0].label == "2025 Q1 (January to March)"
    assert (quarters[0].share_on_time_percent, quarters[2].open_past_due, quarters[2].in_progress) == (67, 1, 0)


def test_an_open_review_counts_as_late_from_the_day_after_day_15(world_a):
    # Notified Monday 5 January 2026: day 15 is Monday 26 January (no bank holiday between).
    review = _review(world_a, date(2026, 1, 5), reference="SI-OPEN")
    assert review.panel_submission_due_on == date(2026, 1, 26)
    _review(world_a, date(2026, 1, 6), taken=14, reference="SI-SENT")

    (on_the_day,) = rapid_review_timeliness(partnership=world_a.partnership, today=date(2026, 1, 26))
    assert (on_the_day.on_time, on_the_day.late, on_the_day.in_progress, on_the_day.share_on_time) == (1, 0, 1, 1.0)

    (next_day,) = rapid_review_timeliness(partnership=world_a.partnership, today=date(2026, 1, 27))
    assert (next_day.on_time, next_day.late, next_day.open_past_due, next_day.in_progress) == (1, 1, 1, 0)
    assert next_day.share_on_time == 0.5
    # Day 16 so far: 27 January is the 16th working day after 5 January.
    assert [(d.reference, d.working_days_taken, d.still_open) for d in next_day.delays] == [("SI-OPEN", 16, True)]


def test_quarter_boundaries_follow_the_notification_date(world_a):
    _review(world_a, date(2025, 3, 31), taken=10, reference="SI-MAR31")
    _review(world_a, date(2025, 4, 1), taken=20, reference="SI-APR1")
    _review(world_a, date(2025, 12, 31), taken=16, reference="SI-DEC31")
    _review(world_a, date(2026, 1, 1), taken=15, reference="SI-JAN1")
    quarters = rapid_review_timeliness(partnership=world_a.partnership, today=TODAY)
    assert [(q.key, q.notified, q.on_time, q.late) for q in quarters] == [
        ("2025-1", 1, 1, 0),
        ("2025-2", 1, 0, 1),
        ("2025-4", 1, 0, 1),
        ("2026-1", 1, 1, 0),
    ]
    assert quarter_bounds(2025, 1) == (date(2025, 1, 1), date(2025, 3, 31))
    assert quarter_bounds(2025, 4) == (date(2025, 10, 1), date(2025, 12, 31))


def test_notification_lateness_is_counted_beside(world_a):
    # Aware Monday 5 January 2026; notified on working day 5 (on time) and 6 (late).
    rapid_review_make(
        world_a,
        reference="SI-N5",
        incident_on=date(2026, 1, 2),
        la_aware_on=date(2026, 1, 5),
        panel_notified_on=date(2026, 1, 12),
    )
    rapid_review_make(
        world_a,
        reference="SI-N6",
        incident_on=date(2026, 1, 2),
        la_aware_on=date(2026, 1, 5),
        panel_notified_on=date(2026, 1, 13),
    )
    (quarter,) = rapid_review_timeliness(partnership=world_a.partnership, today=date(2026, 1, 14))
    assert (quarter.notified, quarter.notified_late, quarter.in_progress) == (2, 1, 2)


def test_each_figure_lists_exactly_the_reviews_it_counts(world_a, crafted):
    for quarter in rapid_review_timeliness(partnership=world_a.partnership, today=TODAY):
        for name, count in (
            ("notified", quarter.notified),
            ("on_time", quarter.on_time),
            ("late", quarter.late),
            ("open_past_due", quarter.open_past_due),
            ("in_progress", quarter.in_progress),
            ("notified_late", quarter.notified_late),
        ):
            listed = rapid_review_list(
                partnership=world_a.partnership,
                timeliness=name,
                quarter=(quarter.year, quarter.quarter),
                today=TODAY,
            )
            assert listed.count() == count, (quarter.key, name)


def test_a_year_narrows_the_figures(world_a, crafted):
    def years(year):
        return rapid_review_timeliness(partnership=world_a.partnership, today=TODAY, year=year)

    assert [(q.year, q.quarter) for q in years(2026)] == [(2026, 1)]
    assert len(years(2025)) == 3
    assert years(2024) == []
    assert rapid_review_timeliness_years(partnership=world_a.partnership) == [2026, 2025]


def test_a_quarter_with_an_odd_number_of_completed_reviews_takes_the_middle_value(world_a):
    for day, taken in ((1, 30), (2, 7), (3, 9)):
        _review(world_a, date(2025, 10, day), taken=taken)
    (quarter,) = rapid_review_timeliness(partnership=world_a.partnership, today=TODAY)
    assert quarter.median_working_days == 9.0


def test_medians_are_taken_in_the_database_over_ties_and_even_counts(world_a, django_assert_num_queries):
    # Q4 2025: 4, 9, 9, 40 -> (9 + 9) / 2; Q1 2026: 3, 5, 8, 20, 21, 30 -> (8 + 20) / 2 = 14.0; Q2 2026: one review.
    for day, taken in ((1, 40), (2, 9), (3, 4), (4, 9)):
        _review(world_a, date(2025, 10, day), taken=taken)
    for day, taken in ((5, 21), (6, 3), (7, 30), (8, 8), (9, 5), (12, 20)):
        _review(world_a, date(2026, 1, day), taken=taken)
    _review(world_a, date(2026, 4, 1), taken=17)
    _review(world_a, date(2026, 4, 2))  # open, not yet due on the day asked: no median value

    with django_assert_num_queries(3):  # counts, medians, late rows (none open past due)
        quarters = rapid_review_timeliness(partnership=world_a.partnership, today=date(2026, 4, 3))

    assert [(q.key, q.median_working_days) for q in quarters] == [("2025-4", 9.0), ("2026-1", 14.0), ("2026-2", 17.0)]


def test_the_figures_take_a_fixed_number_of_queries_however_many_reviews(world_a, crafted, django_assert_num_queries):
    # Counts, medians (window functions: only each quarter's middle rows come back), late rows, and the
    # calendar's closure days (a review is open past due).
    with django_assert_num_queries(4):
        rapid_review_timeliness(partnership=world_a.partnership, today=TODAY)
    for day in range(1, 21):
        _review(world_a, date(2025, 11, day), taken=5 + day)
    with django_assert_num_queries(4):
        rapid_review_timeliness(partnership=world_a.partnership, today=TODAY)


def test_another_partnership_sees_only_its_own(world_b, crafted):
    (quarter,) = rapid_review_timeliness(partnership=world_b.partnership, today=TODAY)
    assert (quarter.notified, quarter.completed, quarter.median_working_days) == (1, 1, 99.0)


# --- The page ---------------------------------------------------------------------------------


def page_url(world) -> str:
    return reverse("reviews:timeliness", kwargs={"slug": world.partnership.slug})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("business_manager", 200),
        ("scrutineer", 200),
        ("la_lead", 403),
        ("health_lead", 403),
        ("police_lead", 403),
        ("practitioner", 403),
        ("agency_lead", 403),
        ("lay_member", 403),
        ("observer", 403),
    ],
)
def test_page_permissions(world_a, client_for, role, status):
    assert client_for(getattr(world_a, role).person).get(page_url(world_a)).status_code == status


def test_page_shows_the_figures_and_the_reasons(world_a, crafted, client_for):
    html = client_for(world_a.scrutineer.person).get(page_url(world_a), {"year": ""}).content.decode()
    assert "2025 Q1 (January to March)" in html
    list_url = reverse("reviews:rapid_review_list", kwargs={"slug": world_a.partnership.slug})
    assert f'67% (<a href="{list_url}?quarter=2025-1&amp;timeliness=on_time">2 of 3</a>)' in html
    assert "30.5" in html
    assert ">SI-A3</a> (44 working days): Complexity of the case" in html
    assert ">SI-D1</a> (61 working days): no reason recorded" in html
    # The open review of 2025 Q3 is late, and says it is still open.
    assert f'<a href="{list_url}?quarter=2025-3&amp;timeliness=late">1</a>' in html
    assert ">SI-C1</a> (still open after" in html
    assert "Bravo&#x27;s reason" not in html
    assert "Bravo's reason" not in html


def test_page_shows_the_newest_year_unless_asked_for_all(world_a, crafted, client_for):
    client = client_for(world_a.bm)
    newest = client.get(page_url(world_a)).content.decode()
    every = client.get(page_url(world_a), {"year": ""}).content.decode()

    assert "of reviews notified in 2026" in newest
    assert "2026 Q1" in newest
    assert "2025 Q1" not in newest
    assert '<option value="2026" selected>2026</option>' in newest
    assert "of every rapid review" in every
    assert "2025 Q1" in every
    assert "2026 Q1" in every
    assert '<option value="" selected>All years</option>' in every


def test_late_reviews_link_to_their_pages(world_a, crafted, client_for):
    html = client_for(world_a.bm).get(page_url(world_a), {"year": "2025"}).content.decode()
    late = RapidReview.objects.in_partnership(world_a.partnership).get(incident__reference="SI-A3")
    kwargs = {"slug": world_a.partnership.slug, "rapid_review_id": late.pk}
    detail = reverse("reviews:rapid_review_detail", kwargs=kwargs)
    assert f'<li><a href="{detail}">SI-A3</a> (44 working days)' in html


def test_page_filters_by_year(world_a, crafted, client_for):
    html = client_for(world_a.bm).get(page_url(world_a), {"year": "2026"}).content.decode()
    assert "2026 Q1" in html
    assert "2025 Q1" not in html
    # A year that is not offered is ignored, not an error.
    assert client_for(world_a.bm).get(page_url(world_a), {"year": "banana"}).status_code == 200


def test_the_list_behind_a_figure_shows_those_reviews_only(world_a, crafted, client_for):
    url = reverse("reviews:rapid_review_list", kwargs={"slug": world_a.partnership.slug})
    html = client_for(world_a.scrutineer.person).get(url, {"quarter": "2025-1", "timeliness": "late"}).content.decode()
    assert "SI-A3" in html
    assert "SI-A1" not in html
    assert "SI-B1" not in html
    assert "late (sent after day 15, or open past day 15), notified in 2025 Q1" in html
    # A hand-edited address shows every review rather than failing.
    assert client_for(world_a.bm).get(url, {"quarter": "2025-9", "timeliness": "x"}).status_code == 200


def test_page_query_count_is_fixed(world_a, crafted, client_for, django_assert_max_num_queries):
    client = client_for(world_a.bm)
    client.get(page_url(world_a))
    # The page's own 4 (figures, medians, delays, lists) on top of session, membership, switcher and calendar.
    with django_assert_max_num_queries(8):
        client.get(page_url(world_a))
    with django_assert_max_num_queries(9):  # every year: one review open past due, so the calendar too
        client.get(page_url(world_a), {"year": ""})


def test_page_is_404_for_another_partnerships_member(world_a, world_b, client_for):
    assert client_for(world_b.bm).get(page_url(world_a)).status_code == 404


# --- The API ----------------------------------------------------------------------------------


def api_url(world) -> str:
    return reverse("reviews_api:timeliness", kwargs={"slug": world.partnership.slug})


def test_api_gives_the_figures(world_a, crafted):
    response = login(APIClient(), world_a.scrutineer.person).get(api_url(world_a), {"year": 2025})
    assert response.status_code == 200
    first = response.json()[0]
    assert first == {
        "year": 2025,
        "quarter": 1,
        "label": "2025 Q1 (January to March)",
        "notified": 3,
        "completed": 3,
        "completed_on_time": 2,
        "late": 1,
        "open_past_due": 0,
        "in_progress": 0,
        "notified_late": 0,
        "share_on_time": pytest.approx(2 / 3),
        "median_working_days": 15.0,
        "delays": [
            {"reference": "SI-A3", "working_days_taken": 44, "reason": "Complexity of the case", "still_open": False}
        ],
    }
    # SI-C1 is open and long past day 15: late, so none of that quarter's known reviews was on time.
    assert response.json()[2]["share_on_time"] == 0.0
    assert response.json()[2]["delays"][0]["still_open"] is True


def test_api_refuses_a_bad_year_and_other_roles(world_a, world_b):
    assert login(APIClient(), world_a.bm).get(api_url(world_a), {"year": "x"}).status_code == 400
    assert login(APIClient(), world_a.police_lead.person).get(api_url(world_a)).status_code == 403
    assert login(APIClient(), world_b.bm).get(api_url(world_a)).status_code == 404


def test_navigation_offers_the_page_to_business_managers_and_the_scrutineer_only(world_a, client_for):
    home = reverse("partnership:home", kwargs={"slug": world_a.partnership.slug})
    link = f'href="{page_url(world_a)}"'
    assert link in client_for(world_a.scrutineer.person).get(home).content.decode()
    assert link in client_for(world_a.bm).get(home).content.decode()
    assert link not in client_for(world_a.practitioner.person).get(home).content.decode()
