"""Rapid review timeliness figures per quarter: selector, page and API, on a crafted data set."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import RapidReview
from reviews.selectors.timeliness import Delay, rapid_review_timeliness, rapid_review_timeliness_years
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


def test_figures_per_quarter(world_a, crafted):
    quarters = rapid_review_timeliness(partnership=world_a.partnership)

    rows = [
        (q.year, q.quarter, q.notified, q.completed, q.completed_on_time, q.share_on_time, q.median_working_days)
        for q in quarters
    ]
    assert rows == [
        (2025, 1, 3, 3, 2, pytest.approx(2 / 3), 15.0),
        (2025, 2, 2, 2, 1, 0.5, 30.5),
        (2025, 3, 1, 0, 0, None, None),
        (2026, 1, 1, 1, 0, 0.0, 61.0),
    ]
    assert quarters[0].delays == [Delay(reference="SI-A3", working_days_taken=44, reason="Complexity of the case")]
    assert quarters[1].delays == [Delay(reference="SI-B1", working_days_taken=51, reason="Awaiting the post-mortem")]
    assert quarters[2].delays == []
    assert quarters[3].delays == [Delay(reference="SI-D1", working_days_taken=61, reason="")]
    assert quarters[0].label == "2025 Q1 (January to March)"
    assert (quarters[0].share_on_time_percent, quarters[2].in_progress) == (67, 1)


def test_a_year_narrows_the_figures(world_a, crafted):
    assert [(q.year, q.quarter) for q in rapid_review_timeliness(partnership=world_a.partnership, year=2026)] == [
        (2026, 1)
    ]
    assert len(rapid_review_timeliness(partnership=world_a.partnership, year=2025)) == 3
    assert rapid_review_timeliness(partnership=world_a.partnership, year=2024) == []
    assert rapid_review_timeliness_years(partnership=world_a.partnership) == [2026, 2025]


def test_a_quarter_with_an_odd_number_of_completed_reviews_takes_the_middle_value(world_a):
    for day, taken in ((1, 30), (2, 7), (3, 9)):
        _review(world_a, date(2025, 10, day), taken=taken)
    (quarter,) = rapid_review_timeliness(partnership=world_a.partnership)
    assert quarter.median_working_days == 9.0


def test_the_figures_take_two_queries_however_many_reviews(world_a, crafted, django_assert_num_queries):
    with django_assert_num_queries(2):
        rapid_review_timeliness(partnership=world_a.partnership)


def test_another_partnership_sees_only_its_own(world_b, crafted):
    (quarter,) = rapid_review_timeliness(partnership=world_b.partnership)
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
    html = client_for(world_a.scrutineer.person).get(page_url(world_a)).content.decode()
    assert "2025 Q1 (January to March)" in html
    assert "67% (2 of 3)" in html
    assert "30.5" in html
    assert "SI-A3 (44 working days): Complexity of the case" in html
    assert "SI-D1 (61 working days): no reason recorded" in html
    assert "Bravo&#x27;s reason" not in html
    assert "Bravo's reason" not in html


def test_page_filters_by_year(world_a, crafted, client_for):
    html = client_for(world_a.bm).get(page_url(world_a), {"year": "2026"}).content.decode()
    assert "2026 Q1" in html
    assert "2025 Q1" not in html
    # A year that is not offered is ignored, not an error.
    assert client_for(world_a.bm).get(page_url(world_a), {"year": "banana"}).status_code == 200


def test_page_query_count_is_fixed(world_a, crafted, client_for, django_assert_max_num_queries):
    client = client_for(world_a.bm)
    client.get(page_url(world_a))
    with django_assert_max_num_queries(7):
        client.get(page_url(world_a))


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
        "share_on_time": pytest.approx(2 / 3),
        "median_working_days": 15.0,
        "delays": [{"reference": "SI-A3", "working_days_taken": 44, "reason": "Complexity of the case"}],
    }
    assert response.json()[2]["share_on_time"] is None


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
