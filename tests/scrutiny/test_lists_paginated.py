"""The scrutiny lists that grow for good, a page at a time: the scrutiny reports and the agencies' annual reports
(pages; their API lists already paged), each within its partnership (issue 13: every list paginated)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from scrutiny.views import reports as report_views
from tests.conftest import login
from tests.scrutiny.report_helpers import agency_report, annual_report

pytestmark = pytest.mark.django_db

YEARS = range(2000, 2000 + report_views.REPORTS_PER_PAGE + 1)  # one more than a page, newest year listed first


def _year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _table(html: str) -> str:
    """The list's table alone (the start form offers the years too)."""
    return html[html.index("<table") : html.index("</table>")]


LISTS = {
    "scrutiny reports": (annual_report, "report_list", "scrutiny_api:report_list"),
    "agencies' annual reports": (agency_report, "agency_report_list", "scrutiny_api:agency_report_list"),
}


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_the_page_lists_a_page_at_a_time_with_its_place(world_a, world_b, client_for, kind):
    make, page_name, _api_name = LISTS[kind]
    for year in YEARS:
        make(world_a, year=year)
    client = client_for(world_a.bm)
    url = reverse(f"scrutiny:{page_name}", kwargs={"slug": world_a.partnership.slug})

    one = client.get(url).content.decode()
    two = client.get(url + "?page=2").content.decode()
    past = client.get(url + "?page=9").content.decode()

    newest, oldest = _year(YEARS[-1]), _year(YEARS[0])
    assert newest in _table(one)
    assert _year(YEARS[1]) in _table(one)
    assert oldest not in _table(one)
    assert f"{len(YEARS)} reports" in one  # the caption counts them all, not the page
    assert "Page 1 of 2" in one
    assert "?page=2" in one
    assert oldest in _table(two)
    assert newest not in _table(two)
    assert "Page 2 of 2" in two
    assert "?page=1" in two
    assert "Page 2 of 2" in past  # past the end is the last page, as on every list
    other = client_for(world_b.bm).get(reverse(f"scrutiny:{page_name}", kwargs={"slug": world_b.partnership.slug}))
    assert "<table" not in other.content.decode()
    assert 'data-testid="pages"' not in other.content.decode()


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_the_api_lists_a_page_at_a_time_within_the_partnership(world_a, world_b, kind):
    make, _page_name, api_name = LISTS[kind]
    for year in YEARS[:3]:
        make(world_a, year=year)
    url = reverse(api_name, kwargs={"slug": world_a.partnership.slug})

    body = login(APIClient(), world_a.bm).get(url + "?limit=2").json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert "offset=2" in body["next"]
    other = login(APIClient(), world_b.bm).get(reverse(api_name, kwargs={"slug": world_b.partnership.slug})).json()
    assert other["count"] == 0
    assert other["results"] == []
