"""Member search as you type (htmx) sends back only the results, with the same tenancy and roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def list_url(world) -> str:
    return reverse("partnership:member_list", kwargs={"slug": world.partnership.slug})


def test_htmx_search_returns_only_the_results_region(client_for, world_a):
    response = client_for(world_a.bm).get(list_url(world_a), {"q": "police-lead"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="member-results"' in body
    assert "Alpha Police Lead" in body
    assert "Alpha Practitioner" not in body
    assert "1 member found" in body  # the spoken count, swapped out of band


def test_without_htmx_the_same_search_is_a_whole_page(client_for, world_a):
    body = client_for(world_a.bm).get(list_url(world_a), {"q": "police-lead"}).content.decode()
    assert "<html" in body
    assert "Alpha Police Lead" in body
    assert 'hx-get="' in body


def test_htmx_search_keeps_tenancy_and_roles(client_for, world_a, world_b):
    assert client_for(world_b.bm).get(list_url(world_a), {"q": "a"}, **HTMX).status_code == 404
    assert client_for(world_a.practitioner.person).get(list_url(world_a), **HTMX).status_code == 403


def test_htmx_search_query_count_is_fixed(client_for, world_a, django_assert_max_num_queries):
    client = client_for(world_a.bm)
    with django_assert_max_num_queries(10):
        client.get(list_url(world_a), {"q": "lead"}, **HTMX)
