"""The partnership's lists that grow for good, a page at a time: the board's progress reports (page and API) and
what the partnership shares with people elsewhere, each within its partnership (issue 13: every list paginated)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partnership.models import AccessGrant, AccessGrantView, Collaboration
from partnership.models.recommendations import ProgressReport
from partnership.services.access import access_grant_revoke
from partnership.views import action_plans as action_plan_views
from partnership.views import manage as manage_views
from tests.conftest import login
from tests.partnership.test_access_grants import share_school_with_bravo_observer

pytestmark = pytest.mark.django_db

QUERIES_SHARING_LIST = 9  # at most, whatever the grants and views: page and count in one query, their standing in one


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


# --- What the partnership shares ---------------------------------------------------------------


@pytest.fixture
def forum(world_a, world_b):
    forum = Collaboration.objects.create(name="Tri-borough forum", slug="tri-borough")
    forum.partnerships.add(world_a.partnership, world_b.partnership)
    return forum


def _grants(world_a, world_b, forum, count: int) -> list[AccessGrant]:
    """``count`` grants of the school to world B's observer, a day apart; newest first, as listed."""
    grants = []
    now = timezone.now()
    for n in range(count):
        grant = share_school_with_bravo_observer(world_a, world_b, forum, purpose=f"Purpose {n}")
        AccessGrant.objects.filter(pk=grant.pk).update(
            object_repr=f"Shared item {n:02d}", created_at=now - timedelta(days=count - n)
        )
        grants.append(grant)
    return list(reversed(grants))


def test_sharing_list_a_page_at_a_time_with_the_page_s_views_and_status(
    world_a, world_b, forum, client_for, django_assert_max_num_queries
):
    grants = _grants(world_a, world_b, forum, manage_views.GRANTS_PER_PAGE + 1)
    newest = grants[0]
    for _ in range(2):
        AccessGrantView.objects.create(partnership=world_a.partnership, grant=newest, person=world_b.observer.person)
    access_grant_revoke(partnership=world_a.partnership, actor=world_a.bm, grant=grants[1], reason="Done")
    client = client_for(world_a.bm)
    url = reverse("partnership:sharing_list", kwargs={"slug": world_a.partnership.slug})
    client.get(url)  # the session and the menus warmed

    with django_assert_max_num_queries(QUERIES_SHARING_LIST):
        response = client.get(url)
    one = response.content.decode()
    two = client.get(url + "?page=2").content.decode()
    past = client.get(url + "?page=9").content.decode()

    rows = {grant.object_repr: grant for grant in response.context["page"].object_list}
    assert len(rows) == manage_views.GRANTS_PER_PAGE
    assert (rows["Shared item 25"].view_count, rows["Shared item 25"].in_force) == (2, True)
    assert (rows["Shared item 24"].view_count, rows["Shared item 24"].in_force) == (0, False)  # revoked
    assert "Revoked" in one
    assert "Shared item 00" not in one
    assert "Page 1 of 2" in one
    assert "?page=2" in one
    assert "Shared item 00" in two
    assert "Shared item 25" not in two
    assert "Page 2 of 2" in two
    assert "Page 2 of 2" in past  # past the end is the last page, as on every list
    other = client_for(world_b.bm).get(reverse("partnership:sharing_list", kwargs={"slug": world_b.partnership.slug}))
    assert "Shared item" not in other.content.decode()


def test_a_grant_s_page_shows_its_own_status_and_views_a_page_at_a_time(
    world_a, world_b, forum, client_for, monkeypatch
):
    grant, *_ = _grants(world_a, world_b, forum, 1)
    for _ in range(3):
        AccessGrantView.objects.create(partnership=world_a.partnership, grant=grant, person=world_b.observer.person)
    monkeypatch.setattr(manage_views, "GRANT_VIEWS_PER_PAGE", 2)
    client = client_for(world_a.bm)
    url = reverse("partnership:sharing_detail", kwargs={"slug": world_a.partnership.slug, "grant_id": grant.pk})

    one = client.get(url)
    two = client.get(url + "?page=2")

    assert one.context["in_force"] is True
    assert len(one.context["views"].object_list) == 2
    assert "Page 1 of 2" in one.content.decode()
    assert len(two.context["views"].object_list) == 1
    assert "Page 2 of 2" in two.content.decode()
