"""The scrutiny dashboard kept until the partnership's records change (partnership.figures_cache): a page drawn again
for the same filters, reader and day costs no figure's query, yet after any change of the records, on another day or
for a reader who sees other actions it is exactly the page drawn afresh."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partnership.models.recommendations import Action
from scrutiny.selectors.dashboard import dashboard_reader_key, scrutiny_dashboard, scrutiny_dashboard_kept
from tests.conftest import login, main_content
from tests.reviews.factories import rapid_review_make
from tests.reviews.test_timeliness import _review
from tests.scrutiny.test_dashboard import dashboard_url, figures  # noqa: F401 - the hand-counted records

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    return main_content(response.content.decode())


def _fresh(client, url, settings) -> str:
    """The page drawn with nothing kept."""
    settings.FIGURES_CACHE_SECONDS = 0
    try:
        return _main(client.get(url))
    finally:
        settings.FIGURES_CACHE_SECONDS = 600


def test_the_page_again_reads_no_figure_and_is_the_same_page(world_a, figures, keeping, client_for):  # noqa: F811
    client = client_for(world_a.scrutineer.person)
    url = dashboard_url(world_a, period="all")
    with CaptureQueriesContext(connection) as first:
        drawn = client.get(url)
    with CaptureQueriesContext(connection) as again:
        kept = client.get(url)
    assert drawn.status_code == kept.status_code == 200
    assert _main(kept) == _main(drawn)
    # The session, its person and second factor, the membership and its roles: the page's own reads, no figure's.
    assert len(again) <= 6 < len(first)
    assert "Rapid review" in _main(kept)


def test_after_a_change_of_the_records_the_page_is_drawn_afresh(world_a, world_b, figures, keeping, client_for):  # noqa: F811
    client = client_for(world_a.scrutineer.person)
    url = dashboard_url(world_a, period="all")
    before = _main(client.get(url))
    _review(world_a, date(2026, 1, 20), taken=70, reference="SI-D2")
    after = _main(client.get(url))
    assert after != before
    assert after == _fresh(client, url, keeping)
    # Another partnership's change leaves this one's page kept.
    kept = _main(client.get(url))
    rapid_review_make(world_b, reference="SI-X2")
    with CaptureQueriesContext(connection) as again:
        assert _main(client.get(url)) == kept
    assert len(again) <= 6


def test_on_another_day_the_page_is_drawn_afresh(world_a, figures, keeping, client_for, monkeypatch):  # noqa: F811
    client = client_for(world_a.scrutineer.person)
    url = dashboard_url(world_a, period="all")
    today = timezone.localdate()
    client.get(url)
    # Overdue actions age by the day: tomorrow one more is overdue.
    action = Action.objects.in_partnership(world_a.partnership).filter(completed_at__isnull=True).order_by("-due_on")[0]
    Action.objects.in_partnership(world_a.partnership).filter(pk=action.pk).update(due_on=today + timedelta(days=1))
    before = _main(client.get(url))
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + timedelta(days=2))
    after = _main(client.get(url))
    assert after != before
    assert after == _fresh(client, url, keeping)


def test_each_reader_gets_the_figures_of_the_actions_they_may_see(world_a, figures, keeping):  # noqa: F811
    readers = [world_a.business_manager, world_a.police_lead, world_a.la_lead, world_a.scrutineer, world_a.health_lead]
    for membership in readers:
        arguments = {"partnership": world_a.partnership, "membership": membership, "today": timezone.localdate()}
        kept = scrutiny_dashboard_kept(**arguments, years=[], only="overdue_actions")
        fresh = scrutiny_dashboard(**arguments, years=[], only="overdue_actions")
        assert kept.panels == fresh.panels, membership
    # Those who see every action share their figures; a partner lead sees their own partner's.
    assert dashboard_reader_key(world_a.business_manager) == dashboard_reader_key(world_a.scrutineer)
    assert len({dashboard_reader_key(m) for m in readers}) == 4
    world_a.police_lead.is_active = False
    assert dashboard_reader_key(world_a.police_lead) == "no action"


def test_bad_filters_are_drawn_with_their_errors_every_time(world_a, figures, keeping, client_for):  # noqa: F811
    client = client_for(world_a.scrutineer.person)
    url = dashboard_url(world_a, period="year", year=1990)
    for _ in range(2):
        page = client.get(url).content.decode()
        assert page.count("<title>Error: Scrutiny dashboard") == 1
        assert "There is a problem" in page


def test_a_chart_is_drawn_once_until_its_records_change(world_a, figures, keeping, client_for):  # noqa: F811
    client = client_for(world_a.scrutineer.person)
    url = reverse("scrutiny:panel_chart", kwargs={"slug": world_a.partnership.slug, "panel": "timeliness"})
    url += "?period=all"
    drawn = client.get(url).content
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).content == drawn
    assert len(again) <= 6
    _review(world_a, date(2026, 1, 20), taken=70, reference="SI-D2")
    after = client.get(url).content
    assert _unnamed(after) != _unnamed(drawn)
    keeping.FIGURES_CACHE_SECONDS = 0
    fresh = client.get(url).content
    assert _unnamed(fresh) == _unnamed(after)


def _unnamed(svg: bytes) -> bytes:
    """pygal names each drawing afresh (chart-<uuid>): the chart but for its name."""
    return re.sub(rb"chart-[0-9a-f-]{36}", b"", svg)


def test_the_api_answer_is_kept_until_the_records_change_and_is_the_fresh_answer(world_a, figures, keeping):  # noqa: F811
    client = login(APIClient(), world_a.scrutineer.person)
    url = reverse("scrutiny_api:dashboard", kwargs={"slug": world_a.partnership.slug})
    drawn = client.get(url, {"period": "all"}).json()
    with CaptureQueriesContext(connection) as again:
        assert client.get(url, {"period": "all"}).json() == drawn
    assert len(again) <= 6
    # Another period is another answer, not the kept one.
    assert client.get(url, {"year": 2025}).json()["period"]["kind"] != drawn["period"]["kind"]
    _review(world_a, date(2026, 1, 20), taken=70, reference="SI-D3")
    after = client.get(url, {"period": "all"}).json()
    assert after != drawn
    keeping.FIGURES_CACHE_SECONDS = 0
    assert client.get(url, {"period": "all"}).json() == after
