"""The scrutiny plan's pages: the scrutineer writes, leadership reads, others are refused; bad input beside the
field with an error summary; a stale edit shows the saved version; another partnership's plan is a 404; query counts
pinned."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from scrutiny.models import PlanActivity, ScrutinyPlan
from tests.reviews.test_timeliness import _review
from tests.scrutiny.plan_helpers import activity_make, plan_make

pytestmark = pytest.mark.django_db


def _url(name: str, world, **kwargs) -> str:
    return reverse(f"scrutiny:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_the_scrutineer_starts_a_plan_and_adds_an_activity(world_a, client_for):
    client = client_for(world_a.scrutineer.person)
    page = client.get(_url("plan_list", world_a))
    assert page.status_code == 200
    assert b'data-testid="plan-start"' in page.content
    response = client.post(_url("plan_start", world_a), {"year": "2026"})
    plan = ScrutinyPlan.objects.in_partnership(world_a.partnership).get()
    assert response.status_code == 302
    assert response["Location"] == _url("plan_detail", world_a, scrutiny_plan_id=plan.pk)
    refused = client.post(_url("plan_activity_add", world_a, scrutiny_plan_id=plan.pk), {"title": "", "quarter": "9"})
    assert refused.status_code == 400
    content = refused.content.decode()
    assert "There is a problem" in content
    assert "Enter a title." in content
    assert 'aria-invalid="true"' in content
    response = client.post(
        _url("plan_activity_add", world_a, scrutiny_plan_id=plan.pk),
        {"title": "Thresholds and referrals deep dive", "quarter": "2", "kind": "deep_dive", "theme_id": ""},
    )
    activity = PlanActivity.objects.in_partnership(world_a.partnership).get()
    assert response["Location"] == _url("plan_activity", world_a, plan_activity_id=activity.pk)
    assert activity.quarter == 2


def test_leadership_reads_without_forms_and_others_are_refused(world_a, client_for):
    activity = activity_make(world_a)
    bm = client_for(world_a.bm)
    page = bm.get(_url("plan_activity", world_a, plan_activity_id=activity.pk))
    assert page.status_code == 200
    assert b"Deep dive: missing children" in page.content
    assert b'data-testid="activity-edit"' not in page.content
    assert bm.post(_url("plan_start", world_a), {"year": "2027"}).status_code == 403
    assert bm.post(_url("plan_activity", world_a, plan_activity_id=activity.pk), {"title": "x"}).status_code == 403
    practitioner = client_for(world_a.practitioner.person)
    assert practitioner.get(_url("plan_list", world_a)).status_code == 403
    agency_lead = client_for(world_a.agency_lead.person)
    assert agency_lead.get(_url("plan_activity", world_a, plan_activity_id=activity.pk)).status_code == 403


def test_another_partnerships_plan_is_missing(world_a, world_b, client_for):
    activity = activity_make(world_a)
    client = client_for(world_b.scrutineer.person)
    assert client.get(_url("plan_activity", world_b, plan_activity_id=activity.pk)).status_code == 404
    assert client.get(_url("plan_detail", world_b, scrutiny_plan_id=activity.plan_id)).status_code == 404
    response = client.post(
        _url("plan_evidence_add", world_b, plan_activity_id=activity.pk), {"kind": "rapid_review", "record_id": "1"}
    )
    assert response.status_code == 404


def test_findings_evidence_and_a_stale_edit(world_a, world_b, client_for):
    activity = activity_make(world_a)
    review = _review(world_a, date(2026, 5, 4), reference="SI-26-4")
    foreign = _review(world_b, date(2026, 5, 4), reference="SI-26-5")
    client = client_for(world_a.scrutineer.person)
    page = client.get(_url("plan_activity", world_a, plan_activity_id=activity.pk))
    version = page.context["edit_form"]["expected_updated_at"].value()
    edit = {"title": activity.title, "quarter": "1", "kind": "deep_dive", "theme_id": str(activity.theme_id)}
    response = client.post(
        _url("plan_activity", world_a, plan_activity_id=activity.pk),
        {**edit, "findings": "Return interviews late in 6 of 10 cases.", "expected_updated_at": version},
    )
    assert response.status_code == 302
    stale = client.post(
        _url("plan_activity", world_a, plan_activity_id=activity.pk),
        {**edit, "findings": "Something else.", "expected_updated_at": version},
    )
    assert stale.status_code == 400
    assert b'data-testid="saved-version"' in stale.content
    assert b"Return interviews late in 6 of 10 cases." in stale.content
    refused = client.post(
        _url("plan_evidence_add", world_a, plan_activity_id=activity.pk),
        {"kind": "rapid_review", "record_id": str(foreign.pk)},
    )
    assert refused.status_code == 400
    assert b"No record of that kind in this partnership" in refused.content
    client.post(
        _url("plan_evidence_add", world_a, plan_activity_id=activity.pk),
        {"kind": "rapid_review", "record_id": str(review.pk), "note": "Sent on day 21"},
    )
    page = client.get(_url("plan_activity", world_a, plan_activity_id=activity.pk))
    assert (
        reverse("reviews:rapid_review_detail", kwargs={"slug": "alpha-scp", "rapid_review_id": review.pk}).encode()
        in page.content
    )
    response = client.post(
        _url("plan_recommendation_raise", world_a, plan_activity_id=activity.pk),
        {"text": "Offer return interviews within 72 hours.", "lead_partner": "police"},
    )
    assert response.status_code == 302
    assert b"REC-" in client.get(_url("plan_activity", world_a, plan_activity_id=activity.pk)).content


def test_page_query_counts(world_a, client_for, django_assert_max_num_queries):
    plan = plan_make(world_a)
    for quarter in (1, 2, 3, 4, 1):
        activity = activity_make(world_a, plan, quarter=quarter)
    client = client_for(world_a.scrutineer.person)
    client.get(_url("plan_list", world_a))  # the session's first request does its own one-off work
    # Session, person, second factor, membership; then the plan, its activities (one query), the themes.
    with django_assert_max_num_queries(7):
        assert client.get(_url("plan_detail", world_a, scrutiny_plan_id=plan.pk)).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(_url("plan_list", world_a)).status_code == 200
    # The activity, its evidence, its recommendations, its challenges, the themes.
    with django_assert_max_num_queries(9):
        response = client.get(_url("plan_activity", world_a, plan_activity_id=activity.pk))
        assert response.status_code == 200


def test_challenges_raised_from_an_activity_are_listed_on_it(world_a, world_b, client_for):
    from scrutiny.services import challenges as challenge_services

    plan = plan_make(world_a)
    activity = activity_make(world_a, plan)
    other = activity_make(world_a, plan, quarter=2)
    client = client_for(world_a.scrutineer.person)
    page = _url("plan_activity", world_a, plan_activity_id=activity.pk)
    link = client.get(page).content.decode()
    assert 'data-testid="activity-challenge"' in link
    raise_form = client.get(_url("challenge_raise", world_a) + f"?about={page}&label=Deep+dive")
    assert page in raise_form.content.decode()

    def raise_about(path: str, question: str):
        return challenge_services.challenge_raise(
            partnership=world_a.partnership,
            actor=world_a.scrutineer.person,
            membership=world_a.scrutineer,
            agency_id=world_a.school.pk,
            subject_path=path,
            subject_label="Deep dive",
            question=question,
        )

    mine = raise_about(page, "What changed after the deep dive?")
    raise_about(_url("plan_activity", world_a, plan_activity_id=other.pk), "About another activity")
    content = client.get(page).content.decode()
    assert mine.reference in content
    assert content.count("/scrutiny/challenges/") >= 1
    assert "About another activity" not in content
    # Partner leads read the list but are not offered the link.
    lead_view = client_for(world_a.police_lead.person).get(page).content.decode()
    assert mine.reference in lead_view
    assert 'data-testid="activity-challenge"' not in lead_view
