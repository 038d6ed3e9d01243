"""The learning hub's "you said, we did" a page at a time (page and API), the partnership's published entries only
(issue 13: every list paginated)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from learninghub.models import YouSaidWeDid
from learninghub.views import feedback as feedback_views
from tests.conftest import login
from tests.learninghub.feedback_helpers import cycle_of

pytestmark = pytest.mark.django_db

PUBLISHED = YouSaidWeDid.State.PUBLISHED


def _entries(world, count: int) -> list[str]:
    """``count`` published entries a day apart and one draft; what each said, newest published first."""
    cycle = cycle_of(world)
    now = timezone.now()
    for n in range(count):
        YouSaidWeDid.objects.create(
            partnership=world.partnership,
            cycle=cycle,
            you_said=f"Said number {n:02d}",
            we_did="Acted.",
            state=PUBLISHED,
            published_at=now - timedelta(days=count - n),
        )
    YouSaidWeDid.objects.create(partnership=world.partnership, cycle=cycle, you_said="A draft", we_did="Not yet.")
    return [f"Said number {n:02d}" for n in reversed(range(count))]


def test_the_page_lists_a_page_at_a_time_in_one_query_for_the_rows(
    world_a, world_b, client_for, django_assert_max_num_queries
):
    said = _entries(world_a, feedback_views.ENTRIES_PER_PAGE + 1)
    _entries(world_b, 1)
    client = client_for(world_a.practitioner.person)
    url = reverse("learninghub:you_said_we_did_list", kwargs={"slug": world_a.partnership.slug})

    with django_assert_max_num_queries(7):  # the paginator's count rides on its rows' query
        one = client.get(url).content.decode()
    two = client.get(url + "?page=2").content.decode()
    past = client.get(url + "?page=9").content.decode()

    assert said[0] in one
    assert said[-2] in one
    assert said[-1] not in one
    assert "Page 1 of 2" in one
    assert "?page=2" in one
    assert said[-1] in two
    assert said[0] not in two
    assert "Page 2 of 2" in two
    assert "Page 2 of 2" in past  # past the end is the last page, as on every list
    for page in (one, two):
        assert "A draft" not in page
        assert page.count('data-testid="entry"') <= feedback_views.ENTRIES_PER_PAGE
    assert one.count('data-testid="entry"') + two.count('data-testid="entry"') == len(said)  # not world B's


def test_the_api_lists_a_page_at_a_time_within_the_partnership(world_a, world_b):
    said = _entries(world_a, 3)
    url = reverse("learninghub_api:you_said_we_did_published", kwargs={"slug": world_a.partnership.slug})
    client = login(APIClient(), world_a.practitioner.person)

    body = client.get(url + "?limit=2").json()

    assert body["count"] == 3
    assert [e["you_said"] for e in body["results"]] == said[:2]
    assert "offset=2" in body["next"]
    assert len(client.get(url).json()["results"]) == 3  # 25 unless asked
    other_url = reverse("learninghub_api:you_said_we_did_published", kwargs={"slug": world_b.partnership.slug})
    other = login(APIClient(), world_b.practitioner.person).get(other_url).json()
    assert other["count"] == 0
    assert other["results"] == []
