"""OneQueryPaginator: the same pages as Django's Paginator, the count read with the rows (issue 13)."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership.selectors import membership_list
from partnership.selectors.pagination import OneQueryPaginator
from tests.factories import membership_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def teachers(world_a):
    for n in range(12):
        name = f"Teacher {n:02}"
        membership_make(partnership=world_a.partnership, agency=world_a.school, roles=[], full_name=name)
    return membership_list(partnership=world_a.partnership, search="teacher")


@pytest.mark.parametrize(
    "asked", ["1", "2", "3", "4", "99", "0", "-1", "x", None, "2.5", "99999999999999999999999", str(2**63)]
)
def test_the_same_page_as_djangos_paginator(teachers, asked):
    ours = OneQueryPaginator(teachers, 5).get_page(asked)
    django = Paginator(teachers, 5).get_page(asked)
    assert (ours.number, ours.paginator.count, ours.paginator.num_pages) == (
        django.number,
        django.paginator.count,
        django.paginator.num_pages,
    )
    assert [m.pk for m in ours.object_list] == [m.pk for m in django.object_list]


def test_a_page_that_exists_is_one_query(teachers):
    with CaptureQueriesContext(connection) as queries:
        page = OneQueryPaginator(teachers.prefetch_related(None), 5).get_page("2")
        assert page.paginator.count == 12
        assert page.has_next()
    assert len(queries.captured_queries) == 1


def test_nothing_found_is_an_empty_first_page(world_a):
    page = OneQueryPaginator(membership_list(partnership=world_a.partnership, search="nobody"), 5).get_page("1")
    assert page.paginator.count == 0
    assert list(page.object_list) == []


# --- The API's pages (partnership.api.base.ApiPagination) -----------------------------------------------------


def _api_page(queryset, query: str):
    from rest_framework.pagination import LimitOffsetPagination
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from partnership.api.base import ApiPagination

    answers = []
    for paginator in (ApiPagination(), LimitOffsetPagination()):
        paginator.default_limit, paginator.max_limit = 5, 500
        request = Request(APIRequestFactory().get("/" + query))
        rows = paginator.paginate_queryset(queryset, request)
        answers.append(([m.pk for m in rows], paginator.count, paginator.get_next_link() is None))
    return answers


@pytest.mark.parametrize(
    "query",
    ["", "?offset=5", "?offset=10", "?offset=12", "?offset=99", "?limit=3&offset=4", "?offset=-3", "?offset=x",
     f"?offset={2**70}", "?limit=0"],
)  # fmt: skip
def test_the_api_answers_as_drf_does(teachers, query):
    ours, drfs = _api_page(teachers, query)
    assert ours == drfs


def test_the_apis_page_that_exists_is_one_query(teachers):
    with CaptureQueriesContext(connection) as queries:
        (rows, count, _last), _drfs = _api_page(teachers.prefetch_related(None), "?offset=5")
    assert (len(rows), count) == (5, 12)
    assert len(queries.captured_queries) == 1 + 2  # ours, then DRF's count and rows for the comparison


def test_the_api_counts_apart_what_the_window_cannot(teachers):
    from partnership.selectors.pagination import counts_with_its_rows

    assert counts_with_its_rows(teachers)
    assert not counts_with_its_rows(teachers.distinct())
    assert not counts_with_its_rows(teachers.values("pk"))
    assert not counts_with_its_rows(teachers[:3])
    assert not counts_with_its_rows(list(teachers))
    ours, drfs = _api_page(teachers.distinct(), "?offset=5")
    assert ours == drfs
