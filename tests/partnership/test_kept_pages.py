"""Pages' bodies kept until the partnership's records change (partnership.kept_pages): the kept body is the body
drawn afresh, for its reader only, with the reader's own CSRF token, and a write shows on the next request."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learninghub.models import PlanItem
from learninghub.services.plans import plan_version_save
from partnership.kept_pages import _csrf_placeholder
from reviews.models import RapidReview
from tests.conftest import login, main_content, session_in_cache
from tests.learninghub.plan_helpers import figure_add, measure_add, plan_make
from tests.recommendations.helpers import recommendation_make
from tests.reviews.factories import rapid_review_make

pytestmark = pytest.mark.django_db


def _timeliness(world) -> str:
    return reverse("reviews:timeliness", kwargs={"slug": world.partnership.slug})


def _plan(world, cycle) -> str:
    return reverse("learninghub:plan_detail", kwargs={"slug": world.partnership.slug, "hub_cycle_id": cycle.pk})


def _late_review(world, reference: str, *, notified: date = date(2025, 3, 3)) -> None:
    review = rapid_review_make(
        world,
        reference=reference,
        incident_on=notified - timedelta(days=3),
        la_aware_on=notified,
        panel_notified_on=notified,
    )
    RapidReview.objects.filter(pk=review.pk).update(
        state=RapidReview.State.SENT_TO_PANEL,
        sent_to_panel_on=notified + timedelta(days=40),
        working_days_taken=28,
        delay_reason=f"Reason of {reference}",
    )


def test_the_kept_body_is_the_body_drawn_afresh_without_a_query_of_its_own(
    keeping, world_a, client_for, django_assert_num_queries
):
    _late_review(world_a, "SI-KEPT-1")
    client = client_for(world_a.bm)
    drawn = client.get(_timeliness(world_a), {"year": ""})
    # The session (where the database holds it), the person, their second factor and membership: the body's own
    # reads are not made again.
    with django_assert_num_queries(4 - session_in_cache()):
        kept = client.get(_timeliness(world_a), {"year": ""})
    assert kept.status_code == 200
    assert main_content(kept.content.decode()) == main_content(drawn.content.decode())
    assert "SI-KEPT-1" in kept.content.decode()


def test_a_write_shows_on_the_next_request(keeping, world_a, client_for):
    _late_review(world_a, "SI-KEPT-1")
    client = client_for(world_a.bm)
    assert "SI-KEPT-2" not in client.get(_timeliness(world_a), {"year": ""}).content.decode()
    _late_review(world_a, "SI-KEPT-2")
    assert "SI-KEPT-2" in client.get(_timeliness(world_a), {"year": ""}).content.decode()


def test_each_filter_has_its_own_body(keeping, world_a, client_for):
    _late_review(world_a, "SI-2025", notified=date(2025, 3, 3))
    _late_review(world_a, "SI-2024", notified=date(2024, 3, 4))
    client = client_for(world_a.bm)
    assert "SI-2024" in client.get(_timeliness(world_a), {"year": ""}).content.decode()
    only_2025 = client.get(_timeliness(world_a), {"year": "2025"}).content.decode()
    assert "SI-2025" in only_2025
    assert "SI-2024" not in only_2025


def test_another_partnership_never_sees_a_kept_body(keeping, world_a, world_b, client_for):
    _late_review(world_a, "SI-ALPHA")
    _late_review(world_b, "SI-BRAVO")
    assert "SI-ALPHA" in client_for(world_a.bm).get(_timeliness(world_a), {"year": ""}).content.decode()
    bravo = client_for(world_b.bm).get(_timeliness(world_b), {"year": ""}).content.decode()
    assert "SI-BRAVO" in bravo
    assert "SI-ALPHA" not in bravo
    # And the kept page of another partnership's address is that partnership's 404, as ever.
    assert client_for(world_b.bm).get(_timeliness(world_a), {"year": ""}).status_code == 404


def test_each_reader_has_a_body_of_their_own(keeping, world_a, client_for):
    """The business manager's plan has its change links and remove forms; a partner lead's, drawn after it, not."""
    cycle, plan = plan_make(world_a)
    measure_add(world_a, plan, title="Fewer repeat missing episodes")
    manager = client_for(world_a.bm).get(_plan(world_a, cycle)).content.decode()
    assert "Add: " in manager
    reader = client_for(world_a.la_lead.person).get(_plan(world_a, cycle)).content.decode()
    assert "Fewer repeat missing episodes" in reader
    assert "Add: " not in reader
    assert 'method="post"' not in main_content(reader)


def _form_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', main_content(html)))


def test_a_kept_bodys_forms_post_with_the_token_of_the_request_that_shows_them(keeping, world_a):
    """Two sessions of one business manager: the second is shown the body the first drew, with its own token."""
    cycle, plan = plan_make(world_a)
    measure_add(world_a, plan, title="First measure")
    measure_add(world_a, plan, title="Second measure")
    first = login(Client(enforce_csrf_checks=True), world_a.bm)
    second = login(Client(enforce_csrf_checks=True), world_a.bm)
    assert _form_tokens(first.get(_plan(world_a, cycle)).content.decode())
    kept = second.get(_plan(world_a, cycle)).content.decode()
    assert _csrf_placeholder() not in kept
    tokens = _form_tokens(kept)
    assert len(tokens) == 1
    item = PlanItem.objects.get(title="Second measure")
    remove = reverse(
        "learninghub:plan_item_remove",
        kwargs={"slug": world_a.partnership.slug, "hub_cycle_id": cycle.pk, "plan_item_id": item.pk},
    )
    plan.refresh_from_db()
    answer = second.post(
        remove, {"csrfmiddlewaretoken": tokens.pop(), "expected_updated_at": plan.updated_at.isoformat()}
    )
    assert answer.status_code == 302
    assert not PlanItem.objects.filter(pk=item.pk).exists()
    assert "Second measure" not in first.get(_plan(world_a, cycle)).content.decode()


def test_drawn_afresh_the_body_carries_the_token_too(settings, world_a):
    settings.FIGURES_CACHE_SECONDS = 0
    cycle, plan = plan_make(world_a)
    measure_add(world_a, plan)
    page = login(Client(enforce_csrf_checks=True), world_a.bm).get(_plan(world_a, cycle)).content.decode()
    assert _csrf_placeholder() not in page
    assert _form_tokens(page)


def test_a_persons_new_name_shows_on_a_kept_page(keeping, world_a, client_for):
    cycle, plan = plan_make(world_a)
    figure_add(world_a, plan)
    plan_version_save(partnership=world_a.partnership, actor=world_a.bm, plan=plan, label="Month 1")
    client = client_for(world_a.la_lead.person)
    assert world_a.bm.full_name in client.get(_plan(world_a, cycle)).content.decode()
    world_a.bm.full_name = "Renamed Manager"
    world_a.bm.save(update_fields=["full_name"])
    assert "Renamed Manager" in client.get(_plan(world_a, cycle)).content.decode()


def test_signing_in_keeps_what_is_kept(keeping, world_a, client_for, django_assert_num_queries):
    """A sign-in writes the person's last_login, which no page shows: the kept bodies stay."""
    _late_review(world_a, "SI-KEPT-1")
    client_for(world_a.bm).get(_timeliness(world_a), {"year": ""})
    client = client_for(world_a.bm)  # signs in afresh
    with django_assert_num_queries(4 - session_in_cache()):
        client.get(_timeliness(world_a), {"year": ""})


# --- Every kept page -----------------------------------------------------------------------------


def _plan_page(world) -> str:
    cycle, plan = plan_make(world)
    figure_add(world, plan)
    measure_add(world, plan)
    return _plan(world, cycle)


def _self_assessment(world, name: str, query: str = "") -> str:
    from tests.audits.sa_helpers import cycle_make, published_version, schools_make

    schools_make(world, 3)
    cycle = cycle_make(world, "section-175", version=published_version(world, "section-175")).cycle
    return reverse(f"audits:{name}", kwargs={"slug": world.partnership.slug, "cycle_id": cycle.pk}) + query


def _round(world, name: str) -> str:
    from tests.audits.helpers import round_make

    audit_round = round_make(world)
    return reverse(f"audits:{name}", kwargs={"slug": world.partnership.slug, "audit_round_id": audit_round.pk})


def _hub_page(world, name: str) -> str:
    from tests.learninghub.helpers import cycle_make

    cycle = cycle_make(world)
    return reverse(f"learninghub:{name}", kwargs={"slug": world.partnership.slug, "hub_cycle_id": cycle.pk})


def _audit_return(world) -> str:
    from tests.audits.helpers import first_return, round_make

    audit_return = first_return(round_make(world))
    return reverse("audits:return_detail", kwargs={"slug": world.partnership.slug, "audit_return_id": audit_return.pk})


def _school_return(world, *, standard: bool = False) -> str:
    from audits.models import ReturnStandard
    from tests.audits.sa_helpers import cycle_make, return_of

    cycle = cycle_make(world).cycle
    ret = return_of(world, cycle, world.council)
    ids = {"slug": world.partnership.slug, "return_id": ret.pk}
    if not standard:
        return reverse("audits:sa_return_detail", kwargs=ids)
    first = ReturnStandard.objects.in_partnership(world.partnership).filter(assessment_return=ret).first()
    return reverse("audits:standard_detail", kwargs={**ids, "standard_id": first.pk})


def _rapid_review(world, name: str) -> str:
    review = rapid_review_make(world, reference="SI-PAGE-1")
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, "rapid_review_id": review.pk})


def _page(world, name: str, query: str = "") -> str:
    """A page of the partnership's own (no row in its address)."""
    return reverse(name, kwargs={"slug": world.partnership.slug}) + query


def _list(world, name: str, make_a_row, query: str = "") -> str:
    """A list page with a row on it, which ``make_a_row(world)`` makes."""
    make_a_row(world)
    return _page(world, name, query)


def _a_rapid_review(world) -> None:
    _rapid_review(world, "rapid_review_detail")


def _a_cycle(world) -> None:
    _self_assessment(world, "cycle_detail")


REGISTER = "partnership:recommendation_register"

# (the page, how it is made, the reads its view makes outside the kept body (the row its title names), its status)
KEPT_PAGES = [
    ("timeliness", lambda world: _late_review(world, "SI-KEPT-1") or _timeliness(world) + "?year=", 0, 200),
    ("hub cycle", lambda world: _hub_page(world, "cycle_detail"), 1, 200),
    ("delivery plan", _plan_page, 1, 200),
    ("self-assessment cycle", lambda world: _self_assessment(world, "cycle_detail"), 1, 200),
    ("compliance matrix", lambda world: _self_assessment(world, "cycle_matrix"), 1, 200),
    ("compliance matrix, bad filter", lambda world: _self_assessment(world, "cycle_matrix", "?at_most=9"), 1, 400),
    ("case audit round", lambda world: _round(world, "round_detail"), 1, 200),
    ("case audit findings", lambda world: _round(world, "round_findings"), 1, 200),
    ("hub findings", lambda world: _hub_page(world, "cycle_findings"), 1, 200),
    ("hub members", lambda world: _hub_page(world, "cycle_members"), 1, 200),
    ("hub feedback", lambda world: _hub_page(world, "feedback"), 1, 200),
    ("recommendation register", lambda world: _list(world, REGISTER, recommendation_make), 0, 200),
    ("register, overdue only", lambda world: _list(world, REGISTER, recommendation_make, "?overdue=1"), 0, 200),
    ("member list", lambda world: _page(world, "partnership:member_list"), 0, 200),
    ("member search", lambda world: _page(world, "partnership:member_list", "?q=lead"), 0, 200),
    ("case audit return", _audit_return, 1, 200),
    ("self-assessment return", _school_return, 1, 200),
    ("standard of a return", lambda world: _school_return(world, standard=True), 2, 200),
    ("rapid review", lambda world: _rapid_review(world, "rapid_review_detail"), 1, 200),
    ("rapid review decision", lambda world: _rapid_review(world, "rapid_review_decision"), 1, 200),
    ("rapid review list", lambda world: _list(world, "reviews:rapid_review_list", _a_rapid_review), 0, 200),
    ("self-assessment cycles", lambda world: _list(world, "audits:cycle_list", _a_cycle), 0, 200),
    ("home", lambda world: _page(world, "partnership:home"), 0, 200),
    ("my tasks", lambda world: _page(world, "partnership:my_tasks"), 0, 200),
]


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main_content(html))


@pytest.mark.usefixtures("keeping")
@pytest.mark.parametrize("case", KEPT_PAGES, ids=[case[0] for case in KEPT_PAGES])
def test_every_kept_page_is_the_page_drawn_afresh(world_a, client_for, django_assert_num_queries, case):
    _page, make, outside, status = case
    url = make(world_a)
    client = client_for(world_a.bm)
    drawn = client.get(url)
    with django_assert_num_queries(4 - session_in_cache() + outside):
        kept = client.get(url)
    assert kept.status_code == drawn.status_code == status
    assert _without_tokens(kept.content.decode()) == _without_tokens(drawn.content.decode())
    assert _csrf_placeholder() not in kept.content.decode()


# --- The compliance matrix's API answer ---------------------------------------------------------------


def test_the_matrix_api_answer_is_kept_until_a_record_changes_and_a_refusal_never_is(keeping, world_a, world_b):
    from rest_framework.test import APIClient

    from audits.models import SelfAssessmentReturn
    from tests.audits.sa_helpers import cycle_make, published_version, schools_make

    schools_make(world_a, 3)
    cycle = cycle_make(world_a, "section-175", version=published_version(world_a, "section-175")).cycle
    url = reverse("audits_api:cycle_matrix", kwargs={"slug": world_a.partnership.slug, "cycle_id": cycle.pk})
    client = login(APIClient(), world_a.bm)
    with CaptureQueriesContext(connection) as first:
        drawn = client.get(url)
    with CaptureQueriesContext(connection) as again:
        kept = client.get(url)
    assert drawn.status_code == kept.status_code == 200
    assert kept.json() == drawn.json()
    assert len(again) < len(first)
    assert not any("audits_returnstandard" in q["sql"] for q in again.captured_queries)
    # A write: the next answer is worked out afresh.
    ret = SelfAssessmentReturn.objects.in_partnership(world_a.partnership).filter(cycle=cycle).first()
    SelfAssessmentReturn.objects.filter(pk=ret.pk).update(state=SelfAssessmentReturn.State.SUBMITTED)
    changed = {row["return_id"]: row["state"] for row in client.get(url).json()["results"]}
    assert changed[ret.pk] == SelfAssessmentReturn.State.SUBMITTED
    # A refused query is refused each time, with its field errors.
    assert client.get(url, {"standard": "no-such-standard"}).status_code == 400
    assert "standard" in client.get(url, {"standard": "no-such-standard"}).json()
    # Another partnership's member: 404, as for a cycle that does not exist.
    other = login(APIClient(), world_b.bm)
    assert other.get(url.replace(world_a.partnership.slug, world_b.partnership.slug)).status_code == 404
