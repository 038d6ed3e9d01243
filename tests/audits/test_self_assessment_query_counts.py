"""The self-assessment pages and API reads run a fixed number of queries (issue 10: "the compliance matrix, a
return, the round and cycle pages ... each with a fixed number of queries pinned"): each is read with a few
rows and with ten times as many, and must take the same count, within the benchmark's bar of 12 (sign-in,
second factor and membership included; the session as deployed, read from Redis, not the database).

Pins that already existed stay where they are: the matrix page (test_compliance_matrix.py), launching a
cycle (test_self_assessment_services.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import GapAction, ReturnStandard, SelfAssessmentReturn
from audits.services.self_assessment import return_grant
from audits.services.self_assessment_summary import return_summary_pdf_request
from partnership.models import HistoryEntry
from partnership.models.recommendations import StoredFile
from tests.audits.sa_helpers import cycle_make, published_version, school_lead, schools_make

pytestmark = pytest.mark.django_db
BAR = 12


def page(world, name: str, **kwargs) -> str:
    return reverse(f"audits:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def api(world, name: str, **kwargs) -> str:
    return reverse(f"audits_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def queries(client, url: str) -> int:
    """The queries of a second request to ``url`` (the first fills the process's caches: content types...),
    but for the session's: deployed, sessions are read from Redis (the tests keep them in the database)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len([q for q in captured if '"django_session"' not in q["sql"]])


@pytest.fixture
def small_and_large(world_a):
    """Two s175 cycles of the same template: 2025 over 3 schools, 2026 over 30 (each after one of its kind)."""
    version = published_version(world_a, "section-175")
    schools_make(world_a, 3)
    cycle_make(world_a, "section-175", year=2024, version=version)
    small = cycle_make(world_a, "section-175", year=2025, version=version).cycle
    schools_make(world_a, 30)
    large = cycle_make(world_a, "section-175", year=2026, version=version).cycle
    # Scored, so that the filtered reads keep rows: every standard 1 in 2025 and 2026.
    ReturnStandard.objects.in_partnership(world_a.partnership).update(self_score=1)
    return small, large


@pytest.mark.parametrize(
    ("route", "query"),
    [
        ("cycle_detail", ""),
        ("cycle_detail", "?state=draft&q=School"),
        ("cycle_detail", "?page=2"),
        ("cycle_matrix", "?standard=online-safety&at_most=1&basis=self"),
    ],
)
def test_the_cycle_page_and_the_filtered_matrix_do_not_grow_with_the_returns(
    world_a, client_for, small_and_large, route, query
):
    client = client_for(world_a.la_lead.person)
    counts = [queries(client, page(world_a, route, cycle_id=cycle.pk) + query) for cycle in small_and_large]
    assert counts[0] == counts[1] <= BAR, counts


@pytest.mark.parametrize("query", ["", "?at_most=1&standard=online-safety", "?page=2"])
def test_the_matrix_api_does_not_grow_with_the_returns(world_a, client_for, small_and_large, query):
    client = client_for(world_a.la_lead.person)
    counts = [queries(client, api(world_a, "cycle_matrix", cycle_id=cycle.pk) + query) for cycle in small_and_large]
    assert counts[0] == counts[1] <= BAR, counts


@pytest.mark.parametrize(("route", "query"), [("cycle_matrix_export", "?format=csv"), ("cycle_matrix_xlsx", "")])
def test_the_whole_matrix_exports_in_the_same_queries_for_ten_times_the_rows(
    world_a, client_for, small_and_large, route, query
):
    client = client_for(world_a.la_lead.person)
    reverse_for = page if route == "cycle_matrix_export" else api
    counts = [queries(client, reverse_for(world_a, route, cycle_id=cycle.pk) + query) for cycle in small_and_large]
    assert counts[0] == counts[1] <= BAR, counts


def _fill_out(world, ret: SelfAssessmentReturn, *, actions: int, files: int, history: int) -> None:
    """Gap actions and evidence files on every standard of ``ret``, and history rows, as years of use leave."""
    standards = list(ReturnStandard.objects.in_partnership(world.partnership).filter(assessment_return=ret))
    owner_type = ContentType.objects.get_for_model(ReturnStandard)
    due = timezone.localdate() + timedelta(days=30)
    GapAction.objects.bulk_create(
        GapAction(partnership=world.partnership, standard=s, action=f"Action {n}", owner="DSL", due_on=due)
        for s in standards
        for n in range(actions)
    )
    StoredFile.objects.bulk_create(
        StoredFile(
            partnership=world.partnership,
            owner_type=owner_type,
            owner_id=s.pk,
            name=f"evidence-{n}.pdf",
            media_type="application/pdf",
            size=8,
            sha256="0" * 64,
            data=b"%PDF-1.4",
        )
        for s in standards
        for n in range(files)
    )
    HistoryEntry.objects.bulk_create(
        HistoryEntry(
            partnership=world.partnership,
            content_type=ContentType.objects.get_for_model(SelfAssessmentReturn),
            object_id=ret.pk,
            object_repr=str(ret.pk),
            action=HistoryEntry.Action.UPDATED,
            changes={"state": {"from": "draft", "to": "submitted"}},
        )
        for _ in range(history)
    )


@pytest.fixture
def bare_and_busy(world_a):
    """Two schools' draft returns of one cycle, each with its agency lead: one with nothing on it but its summary
    PDF (one version), one with three actions and two evidence files on each of its eleven standards, thirty
    history rows and its summary PDF asked for three times (three versions)."""
    schools_make(world_a, 2)
    cycle = cycle_make(world_a, "section-175").cycle
    returns = list(
        SelfAssessmentReturn.objects.in_partnership(world_a.partnership)
        .filter(cycle=cycle, school__isnull=False)
        .order_by("pk")[:2]
    )
    _fill_out(world_a, returns[1], actions=3, files=2, history=30)
    leads = [school_lead(world_a, ret.agency) for ret in returns]
    return_summary_pdf_request(partnership=world_a.partnership, membership=leads[0], assessment_return=returns[0])
    for n in range(3):
        SelfAssessmentReturn.objects.in_partnership(world_a.partnership).filter(pk=returns[1].pk).update(
            head_signed_name=f"Head {n}"  # a change, so that each request makes a new version
        )
        busy = SelfAssessmentReturn.objects.in_partnership(world_a.partnership).get(pk=returns[1].pk)
        return_summary_pdf_request(partnership=world_a.partnership, membership=leads[1], assessment_return=busy)
    return [(ret, lead.person) for ret, lead in zip(returns, leads, strict=True)]


def test_a_return_and_its_standard_do_not_grow_with_actions_evidence_and_history(world_a, client_for, bare_and_busy):
    counts: dict[str, list[int]] = {"return": [], "standard": [], "api return": [], "api standard": []}
    for ret, lead in bare_and_busy:
        client = client_for(lead)  # the school's lead: the answers form, the actions and evidence forms
        standard = ReturnStandard.objects.in_partnership(world_a.partnership).filter(assessment_return=ret).first()
        counts["return"].append(queries(client, page(world_a, "sa_return_detail", return_id=ret.pk)))
        counts["standard"].append(
            queries(client, page(world_a, "standard_detail", return_id=ret.pk, standard_id=standard.pk))
        )
        counts["api return"].append(queries(client, api(world_a, "sa_return_detail", return_id=ret.pk)))
        counts["api standard"].append(
            queries(client, api(world_a, "standard_detail", return_id=ret.pk, standard_id=standard.pk))
        )
    for name, (bare, busy) in counts.items():
        assert bare == busy <= BAR, (name, bare, busy)


def test_a_return_given_to_someone_costs_no_query_to_know_they_may_answer_it(world_a, client_for, bare_and_busy):
    """The grant (django-guardian) is read with the return: the business manager given the busy return reads
    its page, with the answers form, in the queries of the school's own lead."""
    (_, _), (ret, lead) = bare_and_busy
    return_grant(partnership=world_a.partnership, actor=world_a.bm, assessment_return=ret, person=world_a.bm)
    url = page(world_a, "sa_return_detail", return_id=ret.pk)
    given = client_for(world_a.bm)
    with CaptureQueriesContext(connection) as captured:
        response = given.get(url)
    assert 'name="edit_version"' in response.content.decode()  # the form: they may answer it
    assert not [q for q in captured if "returnuserobjectpermission" in q["sql"] and "EXISTS" not in q["sql"]]
    assert queries(given, url) <= queries(client_for(lead), url) + 1  # a business manager's extra role query


def test_my_returns_does_not_grow_with_the_returns_given(world_a, client_for):
    version = published_version(world_a, "section-175")
    schools_make(world_a, 30)
    person = world_a.bm
    counts = []
    for year, given in ((2025, 3), (2026, 30)):
        cycle = cycle_make(world_a, "section-175", year=year, version=version).cycle
        for ret in SelfAssessmentReturn.objects.in_partnership(world_a.partnership).filter(cycle=cycle)[:given]:
            return_grant(partnership=world_a.partnership, actor=world_a.bm, assessment_return=ret, person=person)
        client = client_for(person)
        counts.append((queries(client, page(world_a, "sa_my_returns")), queries(client, api(world_a, "sa_my_returns"))))
    assert counts[0] == counts[1], counts
    assert max(counts[1]) <= BAR, counts


# The matrix's exact counts, so that a change adding a query shows here (the page: sign-in, second factor,
# membership, the cycle, its standards, the legend, the previous cycle, the page of returns with their count, their
# scores, the previous cycle's scores; the API as many: no legend, and DRF's count apart from its page), with a
# few rows and ten times as many.
MATRIX_PAGE_QUERIES = 10
MATRIX_API_QUERIES = 10
# A page past the last (both cycles here have one page) is answered with the last: the empty read, then the
# count and the last page, as Django's paginator does (partnership.selectors.pagination).
PAST_THE_LAST_PAGE = 2


@pytest.mark.usefixtures("drawn_afresh")
@pytest.mark.parametrize(
    ("query", "more"),
    [("", 0), ("?standard=online-safety&at_most=1&basis=self", 0), ("?page=2", PAST_THE_LAST_PAGE)],
)
def test_the_matrix_page_runs_exactly_its_queries(world_a, client_for, small_and_large, query, more):
    client = client_for(world_a.la_lead.person)
    counts = [queries(client, page(world_a, "cycle_matrix", cycle_id=cycle.pk) + query) for cycle in small_and_large]
    assert counts == [MATRIX_PAGE_QUERIES + more] * 2, counts


@pytest.mark.usefixtures("drawn_afresh")
@pytest.mark.parametrize("query", ["", "?standard=online-safety&at_most=1&basis=self", "?page=2"])
def test_the_matrix_api_runs_exactly_its_queries(world_a, client_for, small_and_large, query):
    client = client_for(world_a.la_lead.person)
    counts = [queries(client, api(world_a, "cycle_matrix", cycle_id=cycle.pk) + query) for cycle in small_and_large]
    assert counts == [MATRIX_API_QUERIES, MATRIX_API_QUERIES], counts
