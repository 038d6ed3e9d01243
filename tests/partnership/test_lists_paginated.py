"""The partnership's lists that grow for good, a page at a time: the board's progress reports (page and API) and
what the partnership shares with people elsewhere, each within its partnership (issue 13: every list paginated)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partnership.models.recommendations import ProgressReport
from partnership.views import action_plans as action_plan_views
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _reports(world, count: int) -> list[str]:
    """``count`` progress reports a month apart; their titles newest first, as listed."""
    start = date(2024, 1, 1)
    for n in range(count):
        ProgressReport.objects.create(
            partnership=world.partnership,
            title=f"Board report {n:02d}",
            as_of=start + timedelta(days=31 * n),
            requested_by=world.bm,
        )
    return [f"Board report {n:02d}" for n in reversed(range(count))]


def test_progress_reports_page_a_page_at_a_time(world_a, world_b, client_for):
    titles = _reports(world_a, action_plan_views.REPORTS_PER_PAGE + 1)
    client = client_for(world_a.bm)
    url = reverse("partnership:progress_report_list", kwargs={"slug": world_a.partnership.slug})

    one = client.get(url).content.decode()
    two = client.get(url + "?page=2").content.decode()
    past = client.get(url + "?page=9").content.decode()

    assert titles[0] in one
    assert titles[-2] in one
    assert titles[-1] not in one
    assert "Page 1 of 2" in one
    assert "?page=2" in one
    assert titles[-1] in two
    assert titles[0] not in two
    assert "Page 2 of 2" in two
    assert "Page 2 of 2" in past  # past the end is the last page, as on every list
    other = client_for(world_b.bm).get(
        reverse("partnership:progress_report_list", kwargs={"slug": world_b.partnership.slug})
    )
    assert "Board report" not in other.content.decode()


def test_progress_reports_api_a_page_at_a_time_within_the_partnership(world_a, world_b):
    _reports(world_a, 3)
    url = reverse("api:progress_report_list", kwargs={"slug": world_a.partnership.slug})

    body = login(APIClient(), world_a.bm).get(url + "?limit=2").json()

    assert body["count"] == 3
    assert [r["title"] for r in body["results"]] == ["Board report 02", "Board report 01"]
    assert "offset=2" in body["next"]
    other_url = reverse("api:progress_report_list", kwargs={"slug": world_b.partnership.slug})
    other = login(APIClient(), world_b.bm).get(other_url).json()
    assert other["count"] == 0
    assert other["results"] == []
