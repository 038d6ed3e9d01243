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
