"""Member search as you type (htmx) sends back only the results, with the same tenancy and roles."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.models import Membership
from tests.factories import membership_make

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
    with django_assert_max_num_queries(6):
        client.get(list_url(world_a), {"q": "lead"}, **HTMX)


def test_a_search_looks_for_its_matches_once_for_the_rows_and_their_count(client_for, world_a):
    """The page's rows carry their total (COUNT(*) OVER ()): no second COUNT(*) query repeats the search."""
    client = client_for(world_a.bm)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(list_url(world_a), {"q": "lead"}, **HTMX).content.decode()
    searches = [q["sql"] for q in queries.captured_queries if "%lead%" in q["sql"].lower()]
    assert len(searches) == 1
    assert "OVER ()" in searches[0].upper()
    found = Membership.objects.in_partnership(world_a.partnership).filter(person__full_name__icontains="lead").count()
    assert f"{found} members found" in body


def test_a_page_past_the_last_shows_the_last_and_its_count(client_for, world_a):
    for n in range(30):
        membership_make(partnership=world_a.partnership, agency=world_a.school, roles=[], full_name=f"Teacher {n}")
    client = client_for(world_a.bm)
    last = client.get(list_url(world_a), {"q": "teacher", "page": "9"}, **HTMX).content.decode()
    nothing = client.get(list_url(world_a), {"q": "nobody-by-that-name", "page": "2"}, **HTMX).content.decode()

    assert "30 members found (page 2 of 2)" in last
    assert last.count("Teacher ") == 5
    assert "No members match your search." in nothing


def test_each_row_links_to_its_member_as_reverse_gives_it(client_for, world_a):
    body = client_for(world_a.bm).get(list_url(world_a)).content.decode()
    for membership in Membership.objects.in_partnership(world_a.partnership):
        detail = reverse(
            "partnership:member_detail", kwargs={"slug": world_a.partnership.slug, "membership_id": membership.pk}
        )
        assert f'<a href="{detail}">' in body


# --- The index behind the search (migration 0005: pg_trgm GIN on PostgreSQL, nothing on SQLite) -------------


def test_search_by_any_part_of_a_name_or_an_email(client_for, world_a):
    client = client_for(world_a.bm)
    by_name = client.get(list_url(world_a), {"q": "lice le"}, **HTMX).content.decode()  # inside "Police Lead"
    by_email = client.get(list_url(world_a), {"q": "CE-LEAD@ALPHA"}, **HTMX).content.decode()  # any case
    assert "Alpha Police Lead" in by_name
    assert "Alpha Police Lead" in by_email
    assert "Alpha Practitioner" not in by_name + by_email


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm GIN indexes exist on PostgreSQL only")
@pytest.mark.parametrize("column", ["full_name", "email"])
def test_the_member_search_uses_the_trigram_indexes(world_a, column):
    from django.db.models import Q

    from partnership.models import Person
    from partnership.selectors import membership_list

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"partnership_person_{column}_trgm"])
        (definition,) = cursor.fetchone()
    assert "gin" in definition
    assert "gin_trgm_ops" in definition
    # The query the search runs, with sequential scans off so the test database's few rows cannot
    # make the planner prefer them: the index must be able to serve Django's UPPER(...) LIKE '%...%'.
    # Unordered: with the people's (name, email) order the planner may walk that B-tree instead (see the README).
    people = Person.objects.filter(Q(**{f"{column}__icontains": "lice-le"})).order_by()
    sql, params = people.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"partnership_person_{column}_trgm" in plan
    # And the selector's own query with the partnership filter still finds by substring.
    found = membership_list(partnership=world_a.partnership, search="lice-le" if column == "email" else "lice le")
    assert [m.person.full_name for m in found] == ["Alpha Police Lead"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm GIN indexes exist on PostgreSQL only")
def test_the_member_lists_search_can_be_served_by_both_trigram_indexes(world_a):
    """The selector's own query (a UNION of a name search and an email search, not one OR): each half
    is served by its own trigram index. At 40,000 people the OR was a sequential scan of every person."""
    from partnership.selectors import membership_list

    query = membership_list(partnership=world_a.partnership, search="lice-le")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test database's few rows: only whether it can
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SHOW random_page_cost")
        (random_page_cost,) = cursor.fetchone()

    assert "partnership_person_full_name_trgm" in plan
    assert "partnership_person_email_trgm" in plan
    # The planner costs random reads for SSD storage (settings: DATABASE_RANDOM_PAGE_COST), so it picks
    # the index for a common name at national volume instead of scanning every person.
    assert float(random_page_cost) == 1.1
    assert [m.person.full_name for m in query] == ["Alpha Police Lead"]
