"""The overview's figures kept until the partnership's records change (partnership.figures_cache): the home page
drawn again for the same member on the same day reads none of them, yet after any change of the partnership's
records, for another member or on another day, they are the figures worked out afresh."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership.selectors.overview import overview_sections
from tests.conftest import main_content
from tests.reviews.factories import rapid_review_make

pytestmark = pytest.mark.django_db


def _home(world) -> str:
    return reverse("partnership:home", kwargs={"slug": world.partnership.slug})


def _figures(response) -> dict[str, int]:
    """The figures as the page shows them (a kept page's body is not drawn again, so it has no context to read)."""
    html = html_lib.unescape(main_content(response.content.decode()))
    pairs = re.findall(r"<dt>([^<]+)</dt>\s*<dd>(?:<a [^>]*>)?(\d+)", html)
    return {label: int(count) for label, count in pairs}


def test_the_home_page_again_reads_no_figure_and_shows_the_same(world_a, keeping, client_for):
    rapid_review_make(world_a, reference="SI-K1")
    client = client_for(world_a.bm)
    with CaptureQueriesContext(connection) as first:
        drawn = client.get(_home(world_a))
    with CaptureQueriesContext(connection) as again:
        kept = client.get(_home(world_a))
    assert drawn.status_code == kept.status_code == 200
    assert _figures(kept) == _figures(drawn)
    assert _figures(kept)["Open rapid reviews"] == 1
    # The rapid reviews' counts and recent moves and the learning reviews' counts are kept, not read again (nor is
    # anything else of the body, which is kept whole: partnership.kept_pages).
    assert len(again) <= len(first) - 3
    kept_reads = ("reviews_rapidreview", "reviews_learningreview", "partnership_historyentry")
    assert not any(table in q["sql"] for q in again.captured_queries for table in kept_reads)
    assert any("reviews_rapidreview" in q["sql"] for q in first.captured_queries)


def test_a_change_of_the_records_shows_at_once_and_another_partnerships_does_not_count(
    world_a, world_b, keeping, client_for
):
    client = client_for(world_a.bm)
    assert _figures(client.get(_home(world_a)))["Open rapid reviews"] == 0
    rapid_review_make(world_a, reference="SI-K2")
    assert _figures(client.get(_home(world_a)))["Open rapid reviews"] == 1
    kept = client.get(_home(world_a))
    rapid_review_make(world_b, reference="SI-K3")
    with CaptureQueriesContext(connection) as again:
        after = client.get(_home(world_a))
    assert _figures(after) == _figures(kept)
    assert not any("reviews_rapidreview" in q["sql"] for q in again.captured_queries)


def test_each_member_and_day_has_its_own_figures(world_a, keeping, client_for):
    rapid_review_make(world_a, reference="SI-K4")
    assert _figures(client_for(world_a.bm).get(_home(world_a)))["Open rapid reviews"] == 1
    # A practitioner does not read rapid reviews: the business manager's kept sections are not theirs.
    practitioner = client_for(world_a.practitioner.person).get(_home(world_a))
    assert "Open rapid reviews" not in _figures(practitioner)
    today = timezone.localdate()
    membership = world_a.business_manager
    sections_today = overview_sections(membership=membership, today=today)
    with CaptureQueriesContext(connection) as tomorrow:
        overview_sections(membership=membership, today=today + timedelta(days=1))
    assert any("reviews_rapidreview" in q["sql"] for q in tomorrow.captured_queries)
    with CaptureQueriesContext(connection) as again:
        assert overview_sections(membership=membership, today=today) == sections_today
    assert not any("reviews_rapidreview" in q["sql"] for q in again.captured_queries)
