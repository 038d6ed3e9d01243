"""The lists that grow for good a page at a time: case audits, learning hub cycles, self-assessment cycles (pages
and API), each within its partnership (issue 13: every list paginated)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audits.models import AuditReturn, AuditRound
from audits.services.rounds import audit_round_create
from audits.views import returns as return_views
from audits.views import rounds as round_views
from audits.views import self_assessment as sa_views
from learninghub.views import cycles as hub_views
from tests.audits.helpers import published_case_audit, round_make
from tests.audits.sa_helpers import cycle_make as sa_cycle_make
from tests.audits.sa_helpers import published_version
from tests.conftest import login
from tests.learninghub.helpers import START, priority_make
from tests.learninghub.helpers import cycle_make as hub_cycle_make

pytestmark = pytest.mark.django_db


def _rounds(world) -> list[str]:
    """Two case audits; the newest due first, as listed."""
    version = published_case_audit(world)
    today = timezone.localdate()
    for n, title in enumerate(["Older audit", "Newer audit"]):
        audit_round_create(
            partnership=world.partnership,
            actor=world.bm,
            title=title,
            template_version_id=version.pk,
            due_on=today + timedelta(days=21 + n),
        )
    return ["Newer audit", "Older audit"]


def _hub_cycles(world) -> list[str]:
    priority = priority_make(world)
    hub_cycle_make(world, priority=priority, title="Spring cycle", starts_on=START)
    hub_cycle_make(world, priority=priority, title="Summer cycle", starts_on=START + timedelta(days=120))
    return ["Summer cycle", "Spring cycle"]


def _sa_cycles(world) -> list[str]:
    version = published_version(world, "section-11")
    for year in (2025, 2026):
        sa_cycle_make(world, year=year, version=version)
    return ["2026", "2025"]


LISTS = {
    "case audits": (_rounds, round_views, "ROUNDS_PER_PAGE", "audits:round_list", "audits_api:round_list"),
    "hub cycles": (_hub_cycles, hub_views, "CYCLES_PER_PAGE", "learninghub:cycle_list", "learninghub_api:cycle_list"),
    "self-assessment cycles": (_sa_cycles, sa_views, "CYCLES_PER_PAGE", "audits:cycle_list", "audits_api:cycle_list"),
}


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_the_page_lists_a_page_at_a_time_with_its_place(world_a, world_b, client_for, monkeypatch, kind):
    make, views, per_page, page_name, _api_name = LISTS[kind]
    first, second = make(world_a)
    monkeypatch.setattr(views, per_page, 1)
    client = client_for(world_a.bm)
    url = reverse(page_name, kwargs={"slug": world_a.partnership.slug})

    one = client.get(url).content.decode()
    two = client.get(url + "?page=2").content.decode()
    past = client.get(url + "?page=9").content.decode()

    assert first in one
    assert second not in one
    assert "Page 1 of 2" in one
    assert "?page=2" in one
    assert second in two
    assert first not in two
    assert "Page 2 of 2" in two
    assert "?page=1" in two
    assert "Page 2 of 2" in past  # past the end is the last page, as on every list
    other = client_for(world_b.bm).get(reverse(page_name, kwargs={"slug": world_b.partnership.slug}))
    assert first not in other.content.decode()
    assert second not in other.content.decode()


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_the_api_lists_a_page_at_a_time_within_the_partnership(world_a, world_b, kind):
    make, _views, _per_page, _page_name, api_name = LISTS[kind]
    make(world_a)
    url = reverse(api_name, kwargs={"slug": world_a.partnership.slug})

    body = login(APIClient(), world_a.bm).get(url + "?limit=1").json()

    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert "offset=1" in body["next"]
    other = login(APIClient(), world_b.bm).get(reverse(api_name, kwargs={"slug": world_b.partnership.slug})).json()
    assert other["count"] == 0
    assert other["results"] == []


def test_my_returns_newest_audit_first_a_page_at_a_time_page_and_api(world_a, world_b, client_for, monkeypatch):
    older, newer = round_make(world_a, cases=2, selected=2), round_make(world_a, cases=2, selected=2)
    AuditRound.objects.filter(pk=older.pk).update(title="Older audit", due_on=timezone.localdate() + timedelta(days=1))
    AuditRound.objects.filter(pk=newer.pk).update(title="Newer audit")
    round_make(world_b)
    monkeypatch.setattr(return_views, "RETURNS_PER_PAGE", 2)
    client = client_for(world_a.practitioner.person)
    url = reverse("audits:my_returns", kwargs={"slug": world_a.partnership.slug})

    one = client.get(url).content.decode()
    two = client.get(url + "?page=2").content.decode()
    past = client.get(url + "?page=9").content.decode()

    assert "Newer audit" in one
    assert "Older audit" not in one  # the month's returns first, not the oldest year's
    assert "Page 1 of 2" in one
    assert "?page=2" in one
    assert "Older audit" in two
    assert "Newer audit" not in two
    assert "Page 2 of 2" in past
    body = (
        login(APIClient(), world_a.practitioner.person)
        .get(reverse("audits_api:my_returns", kwargs={"slug": world_a.partnership.slug}) + "?limit=3")
        .json()
    )
    assert body["count"] == 4  # not world B's
    assert len(body["results"]) == 3
    assert "offset=3" in body["next"]
    assert {r["id"] for r in body["results"][:2]} == set(
        AuditReturn.objects.filter(case__round=newer).values_list("id", flat=True)
    )
