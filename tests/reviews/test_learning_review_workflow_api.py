"""A learning review's workflow over the API: contributors, agency requests, the state moves, its PDFs and
documents (rendered for real and downloaded, each download logged). The same access as the pages: 404 for
a member who may not see the review (and for another partnership), 403 for one whose part does not include
the action, 400 with the reason for a move the state does not allow."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partnership.models import Deadline, DocumentDownload, DocumentVersion
from partnership.services.documents import document_render_version
from reviews.models import Contributor, InformationRequest, LearningReview, OutcomesForm
from reviews.services import learning_review as services
from tests.reviews.learning_review_factories import contributor_make, learning_review_make

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}
State = LearningReview.State


def api(world, name: str, review=None, **kwargs) -> str:
    if review is not None:
        kwargs["learning_review_id"] = review.pk
    return reverse(f"reviews_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def send(client, method: str, target: str, body: dict | None = None):
    return getattr(client, method)(target, data=json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def review(world_a) -> LearningReview:
    review = learning_review_make(world_a)
    contributor_make(world_a, review)  # the agency lead
    return review


def _state(review) -> str:
    return LearningReview.objects.get(pk=review.pk).state


def _write_the_form(world, review) -> None:
    form = OutcomesForm.objects.get(learning_review=review)
    services.outcomes_form_update(
        partnership=world.partnership,
        actor=world.bm,
        learning_review=review,
        fields={"synopsis": "What happened, briefly.", "key_findings": "What we learned."},
        recommendations=[],
        expected_updated_at=form.updated_at,
    )


# --- Contributors -------------------------------------------------------------------------------------------


def test_the_lead_author_adds_updates_and_removes_a_contributor(world_a, review, client_for):
    client = client_for(world_a.practitioner.person)  # the lead author
    target = api(world_a, "learning_review_contributor_list", review)

    added = send(client, "post", target, {"person": world_a.health_lead.person.pk, "attended_event": True})

    assert added.status_code == 201, added.content
    row = added.json()
    assert (row["person"]["id"], row["agency"]["id"], row["attended_event"]) == (
        world_a.health_lead.person.pk,
        world_a.icb.pk,
        True,
    )
    assert client.get(target).json()["count"] == 2
    one = api(world_a, "learning_review_contributor_detail", review, contributor_id=row["id"])

    no_version = send(client, "patch", one, {"unable_to_contribute": True})
    assert no_version.status_code == 428  # an update says which version it was based on
    changed = send(client, "patch", one, {"unable_to_contribute": True, "updated_at": row["updated_at"]})
    assert changed.json()["unable_to_contribute"] is True
    assert changed.json()["attended_event"] is True  # left out: kept

    assert client.delete(one).status_code == 204
    assert not Contributor.objects.filter(pk=row["id"]).exists()


def test_adding_a_contributor_twice_or_a_stranger_is_400(world_a, world_b, review, client_for):
    client = client_for(world_a.bm)
    target = api(world_a, "learning_review_contributor_list", review)

    twice = send(client, "post", target, {"person": world_a.agency_lead.person.pk})
    stranger = send(client, "post", target, {"person": world_b.practitioner.person.pk})
    junk = send(client, "post", target, {"person": "someone"})

    assert (twice.status_code, stranger.status_code, junk.status_code) == (400, 400, 400)
    assert "person" in twice.json()
    assert "person" in stranger.json()
    assert "person" in junk.json()
    assert Contributor.objects.filter(learning_review=review).count() == 1


@pytest.mark.parametrize("who", ["la_lead", "scrutineer", "agency_lead"])
def test_only_the_lead_author_and_business_managers_change_contributors(world_a, review, client_for, who):
    client = client_for(getattr(world_a, who).person)
    contributor = Contributor.objects.get(learning_review=review)

    assert client.get(api(world_a, "learning_review_contributor_list", review)).status_code == 200
    added = send(client, "post", api(world_a, "learning_review_contributor_list", review), {"person": world_a.bm.pk})
    removed = client.delete(api(world_a, "learning_review_contributor_detail", review, contributor_id=contributor.pk))

    assert (added.status_code, removed.status_code) == (403, 403)
    assert Contributor.objects.filter(learning_review=review).count() == 1


def test_a_member_taking_no_part_and_another_partnership_get_404(world_a, world_b, review, client_for):
    contributor = Contributor.objects.get(learning_review=review)
    for client, world in ((client_for(world_a.lay_member.person), world_a), (client_for(world_b.bm), world_b)):
        assert client.get(api(world, "learning_review_contributor_list", review)).json() == NOT_FOUND
        gone = client.delete(api(world, "learning_review_contributor_detail", review, contributor_id=contributor.pk))
        assert gone.json() == NOT_FOUND
    assert Contributor.objects.filter(pk=contributor.pk).exists()


# --- Agency information requests ----------------------------------------------------------------------------


def test_the_business_manager_asks_an_agency_and_the_assignee_is_emailed(
    world_a, review, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client_for(world_a.bm),
            "post",
            api(world_a, "learning_review_requests", review),
            {"agency": world_a.school.pk, "assignee": world_a.practitioner.person.pk},
        )

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["learning_review_id"], data["due_on"]) == (review.pk, str(review.information_due_on))
    assert [m.to for m in mail.outbox] == [[world_a.practitioner.person.email]]
    listed = client_for(world_a.bm).get(api(world_a, "learning_review_requests", review)).json()
    assert [r["id"] for r in listed["results"]] == [data["id"]]


def test_a_bad_request_is_400_with_the_field(world_a, world_b, review, client_for):
    client = client_for(world_a.bm)
    target = api(world_a, "learning_review_requests", review)
    yesterday = str(timezone.localdate() - timedelta(days=1))

    other_agency = send(
        client, "post", target, {"agency": world_b.school.pk, "assignee": world_a.practitioner.person.pk}
    )
    past = send(
        client,
        "post",
        target,
        {"agency": world_a.school.pk, "assignee": world_a.practitioner.person.pk, "due_on": yesterday},
    )

    assert other_agency.status_code == 400
    assert "agency" in other_agency.json()
    assert past.status_code == 400
    assert "due_on" in past.json()
    assert not InformationRequest.objects.filter(learning_review=review).exists()


def test_only_the_business_manager_asks_agencies(world_a, review, client_for):
    body = {"agency": world_a.school.pk, "assignee": world_a.practitioner.person.pk}

    response = send(
        client_for(world_a.practitioner.person), "post", api(world_a, "learning_review_requests", review), body
    )

    assert response.status_code == 403
    assert not InformationRequest.objects.filter(learning_review=review).exists()


# --- The state moves ------------------------------------------------------------------------------------------


def test_the_whole_workflow_over_the_api(world_a, review, client_for, django_capture_on_commit_callbacks):
    author = client_for(world_a.practitioner.person)
    due = str(timezone.localdate() + timedelta(days=7))

    drafting = send(author, "post", api(world_a, "learning_review_start_drafting", review))
    assert drafting.status_code == 200, drafting.content
    assert drafting.json()["state"] == State.DRAFTING
    _write_the_form(world_a, review)

    with django_capture_on_commit_callbacks(execute=True):
        out = send(
            author,
            "post",
            api(world_a, "learning_review_circulate", review),
            {"comments_due_on": due, "message": "Thanks"},
        )
    assert out.json()["state"] == State.OUT_FOR_COMMENT
    assert [m.to for m in mail.outbox] == [[world_a.agency_lead.person.email]]
    assert Deadline.objects.filter(kind="lr.comments", state=Deadline.State.OPEN).count() == 1

    back = send(
        author, "post", api(world_a, "learning_review_take_back", review), {"reason": "Working the comments in"}
    )
    assert back.json()["state"] == State.DRAFTING
    assert Deadline.objects.filter(kind="lr.comments", state=Deadline.State.OPEN).count() == 0

    final = send(client_for(world_a.bm), "post", api(world_a, "learning_review_finalise", review))
    assert final.status_code == 200, final.content
    assert final.json()["review"]["state"] == State.FINAL
    assert final.json()["document"]["state"] == DocumentVersion.State.QUEUED
    assert _state(review) == State.FINAL


def test_a_move_the_state_does_not_allow_is_400_with_the_reason(world_a, review, client_for):
    client = client_for(world_a.bm)

    take_back = send(client, "post", api(world_a, "learning_review_take_back", review))
    finalise = send(client, "post", api(world_a, "learning_review_finalise", review))

    assert take_back.status_code == 400
    assert take_back.json() == {
        "non_field_errors": ["The draft is not out for comment: there is nothing to take back."]
    }
    assert finalise.status_code == 400
    assert _state(review) == State.PLANNING


def test_finalising_an_empty_form_is_400_on_its_fields(world_a, review, client_for):
    client = client_for(world_a.bm)
    send(client, "post", api(world_a, "learning_review_start_drafting", review))

    response = send(client, "post", api(world_a, "learning_review_finalise", review))

    assert response.status_code == 400
    assert {"synopsis", "key_findings"} <= set(response.json())
    assert _state(review) == State.DRAFTING


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "comments_due_on"),
        ({"comments_due_on": "2000-01-01"}, "comments_due_on"),
        ({"comments_due_on": "soon"}, "comments_due_on"),
    ],
)
def test_circulating_with_a_bad_date_is_400(world_a, review, client_for, body, field):
    client = client_for(world_a.bm)
    send(client, "post", api(world_a, "learning_review_start_drafting", review))

    response = send(client, "post", api(world_a, "learning_review_circulate", review), body)

    assert response.status_code == 400
    assert field in response.json()
    assert _state(review) == State.DRAFTING


@pytest.mark.parametrize(
    "name", ["learning_review_start_drafting", "learning_review_finalise", "learning_review_take_back"]
)
@pytest.mark.parametrize("who", ["la_lead", "scrutineer", "agency_lead"])
def test_only_the_lead_author_and_business_managers_move_the_review(world_a, review, client_for, name, who):
    response = send(client_for(getattr(world_a, who).person), "post", api(world_a, name, review))

    assert response.status_code == 403
    assert _state(review) == State.PLANNING


@pytest.mark.parametrize(
    "name", ["learning_review_start_drafting", "learning_review_circulate", "learning_review_finalise"]
)
def test_another_partnership_cannot_move_the_review(world_a, world_b, review, client_for, name):
    for client, world in ((client_for(world_b.bm), world_b), (client_for(world_b.bm), world_a)):
        assert send(client, "post", api(world, name, review), {"comments_due_on": "2099-01-01"}).json() == NOT_FOUND
    assert _state(review) == State.PLANNING


# --- PDFs and documents ---------------------------------------------------------------------------------------


def test_render_poll_and_download_the_outcomes_form(world_a, review, client_for):
    contributor_make(world_a, review, membership=world_a.la_lead)  # a partner lead taking part: in the audience
    client = client_for(world_a.la_lead.person)

    asked = send(client, "post", api(world_a, "learning_review_pdf", review))

    assert asked.status_code == 202, asked.content
    version = asked.json()
    assert version["state"] == DocumentVersion.State.QUEUED
    assert client.get(version["download_url"]).status_code == 409  # not ready: nothing to download yet
    assert not DocumentDownload.objects.exists()

    document_render_version(version_id=version["id"])  # what the worker does, for real
    status = client.get(version["status_url"]).json()
    assert status["state"] == DocumentVersion.State.READY
    assert status["downloads"] is None  # only business managers see who downloaded
    download = client.get(version["download_url"])

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.getvalue().startswith(b"%PDF")
    assert "no-store" in download["Cache-Control"]
    assert DocumentDownload.objects.filter(person=world_a.la_lead.person, version_id=version["id"]).count() == 1
    # Business managers see the download in the status, as on the page.
    as_manager = client_for(world_a.bm).get(version["status_url"]).json()
    assert [d["person_id"] for d in as_manager["downloads"]] == [world_a.la_lead.person.pk]
    documents = client_for(world_a.bm).get(api(world_a, "learning_review_documents", review)).json()
    assert [(d["kind"], d["latest"]["id"]) for d in documents] == [("lr.outcomes_form", version["id"])]


def test_the_full_forms_pdf_is_refused_outside_its_audience(world_a, review, client_for):
    # The lead author (a practitioner) reads the form itself, not its PDF: as on the page.
    response = send(client_for(world_a.practitioner.person), "post", api(world_a, "learning_review_pdf", review))

    assert response.status_code == 403
    assert not DocumentVersion.objects.exists()


def test_a_version_outside_your_audience_or_of_another_partnership_is_404(world_a, world_b, review, client_for):
    version_id = send(client_for(world_a.bm), "post", api(world_a, "learning_review_pdf", review)).json()["id"]
    document_render_version(version_id=version_id)
    kwargs = {"version_id": version_id}

    for client, world in (
        (client_for(world_a.practitioner.person), world_a),  # not in the outcomes form's audience
        (client_for(world_b.bm), world_b),
        (client_for(world_b.bm), world_a),
    ):
        for name in ("document_version", "document_download"):
            target = reverse(f"api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})
            assert client.get(target).json() == NOT_FOUND
    assert not DocumentDownload.objects.exists()


def test_the_public_summary_is_made_only_from_a_final_form(world_a, review, client_for):
    client = client_for(world_a.agency_lead.person)  # a contributor: any member who sees the review

    refused = send(client, "post", api(world_a, "learning_review_public_summary_pdf", review))
    assert refused.status_code == 400
    assert "non_field_errors" in refused.json()

    services.learning_review_start_drafting(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    _write_the_form(world_a, review)
    services.learning_review_finalise(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    asked = send(client, "post", api(world_a, "learning_review_public_summary_pdf", review))

    assert asked.status_code == 202
    assert asked.json()["document"]["kind"] == "lr.public_summary"


def test_the_document_list_runs_a_fixed_number_of_queries(world_a, review, client_for, django_assert_max_num_queries):
    client = client_for(world_a.bm)
    send(client, "post", api(world_a, "learning_review_pdf", review))

    with django_assert_max_num_queries(9):
        assert len(client.get(api(world_a, "learning_review_documents", review)).json()) == 1


def test_the_contributors_and_a_documents_status_run_a_fixed_number_of_queries(
    world_a, review, client_for, django_assert_max_num_queries
):
    for who in ("la_lead", "health_lead", "police_lead", "scrutineer"):
        contributor_make(world_a, review, membership=getattr(world_a, who))
    client = client_for(world_a.bm)
    version = send(client, "post", api(world_a, "learning_review_pdf", review)).json()

    with django_assert_max_num_queries(9):
        assert client.get(api(world_a, "learning_review_contributor_list", review)).json()["count"] == 5
    with django_assert_max_num_queries(9):
        assert client.get(version["status_url"]).json()["downloads"] == []


def test_a_client_that_accepts_only_pdf_gets_the_pdf_and_json_errors(world_a, review, client_for):
    client = client_for(world_a.bm)
    version = send(client, "post", api(world_a, "learning_review_pdf", review)).json()

    not_ready = client.get(version["download_url"], HTTP_ACCEPT="application/pdf")
    document_render_version(version_id=version["id"])
    ready = client.get(version["download_url"], HTTP_ACCEPT="application/pdf")

    assert not_ready.status_code == 409
    assert not_ready["Content-Type"] == "application/json"
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"
