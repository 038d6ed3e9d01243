"""API of the rapid review meeting, decision, sign-off and Panel: roles, tenancy, refusals, conflicts, queries."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import DecisionOutcome, MeetingAttendee, RapidReview, RapidReviewDecision
from reviews.services.decision import rapid_review_decision_send_back
from tests.conftest import login
from tests.reviews.decision_helpers import (
    REASONS,
    attendee_add,
    decision_record,
    meeting_held,
    notified_review,
    ready_review,
    signed_off_review,
)

pytestmark = pytest.mark.django_db

State = RapidReview.State
NOT_FOUND = {"detail": "Not found."}


def api(person) -> APIClient:
    return login(APIClient(), person)


def url(world, name: str, review: RapidReview, **kwargs) -> str:
    return reverse(
        f"reviews_api:{name}", kwargs={"slug": world.partnership.slug, "rapid_review_id": review.pk, **kwargs}
    )


def send(client: APIClient, method: str, target: str, data: dict | None = None):
    if method == "get":
        return client.get(target)
    return getattr(client, method)(target, data=json.dumps(data or {}), content_type="application/json")


def decision_body(**overrides) -> dict:
    return {"outcome": DecisionOutcome.LCSPR, **REASONS, "immediate_actions": "", **overrides}


# --- Tenancy and roles ----------------------------------------------------------------------------

ROUTES = [
    ("rapid_review_meeting", ("get", "put")),
    ("rapid_review_attendee_list", ("get", "post")),
    ("rapid_review_attendee_detail", ("get", "delete")),
    ("rapid_review_decision", ("get", "put")),
    ("rapid_review_decision_approve", ("post",)),
    ("rapid_review_decision_send_back", ("post",)),
    ("rapid_review_sent_to_panel", ("post",)),
]


@pytest.mark.parametrize(("name", "methods"), ROUTES)
def test_every_endpoint_is_404_for_another_partnerships_member(world_a, world_b, name, methods):
    review = ready_review(world_a)
    extra = {}
    if name == "rapid_review_attendee_detail":
        extra = {"attendee_id": MeetingAttendee.objects.filter(rapid_review=review).first().pk}
    for member in (world_b.bm, world_b.police_lead.person, world_b.scrutineer.person):
        for method in methods:
            response = send(api(member), method, url(world_a, name, review, **extra), decision_body())
            assert (response.status_code, response.json()) == (404, NOT_FOUND), (name, method, member)
    assert MeetingAttendee.objects.filter(rapid_review=review).count() == 3
    assert not RapidReviewDecision.objects.exists()


def test_world_bs_own_review_with_world_as_attendee_is_404(world_a, world_b):
    mine = ready_review(world_b)
    theirs = MeetingAttendee.objects.filter(rapid_review=ready_review(world_a)).first()
    response = api(world_b.bm).delete(url(world_b, "rapid_review_attendee_detail", mine, attendee_id=theirs.pk))
    assert response.status_code == 404
    assert MeetingAttendee.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("business_manager", 200),
        ("la_lead", 200),
        ("health_lead", 200),
        ("police_lead", 200),
        ("scrutineer", 200),
        ("practitioner", 403),
        ("agency_lead", 403),
        ("lay_member", 403),
        ("observer", 403),
    ],
)
def test_reading_per_role(world_a, role, status):
    review = ready_review(world_a)
    client = api(getattr(world_a, role).person)
    for name in ("rapid_review_meeting", "rapid_review_attendee_list", "rapid_review_decision"):
        assert client.get(url(world_a, name, review)).status_code == status


@pytest.mark.parametrize("role", ["la_lead", "scrutineer", "practitioner"])
def test_only_business_managers_write(world_a, role):
    review = ready_review(world_a)
    client = api(getattr(world_a, role).person)
    assert send(client, "put", url(world_a, "rapid_review_decision", review), decision_body()).status_code == 403
    assert send(client, "post", url(world_a, "rapid_review_attendee_list", review), {"name": "X"}).status_code == 403
    sent = {"sent_on": timezone.localdate().isoformat()}
    assert send(client, "post", url(world_a, "rapid_review_sent_to_panel", review), sent).status_code == 403
    assert not RapidReviewDecision.objects.exists()


def test_business_managers_cannot_sign_off(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    response = send(api(world_a.bm), "post", url(world_a, "rapid_review_decision_approve", review))
    assert response.status_code == 403


# --- The meeting and attendees --------------------------------------------------------------------


def test_meeting_date_with_window_warning_and_stale_version(world_a):
    review = notified_review(world_a)
    client = api(world_a.bm)
    seen = client.get(url(world_a, "rapid_review_meeting", review)).json()
    assert (seen["meeting_on"], seen["quorate"], seen["missing_partners"]) == (
        None,
        False,
        ["local_authority", "health", "police"],
    )

    early = review.incident.panel_notified_on.isoformat()
    response = send(
        client,
        "put",
        url(world_a, "rapid_review_meeting", review),
        {"meeting_on": early, "updated_at": seen["updated_at"]},
    )
    assert response.status_code == 200
    assert response.json()["meeting_on"] == early
    assert "is before the meeting window" in response.json()["window_warning"]

    again = send(
        client,
        "put",
        url(world_a, "rapid_review_meeting", review),
        {"meeting_on": review.meeting_window_opens_on.isoformat(), "updated_at": seen["updated_at"]},
    )
    assert again.status_code == 409
    review.refresh_from_db()
    assert review.meeting_on.isoformat() == early


def test_attendees_list_create_and_delete(world_a):
    review = notified_review(world_a)
    client = api(world_a.bm)
    created = send(client, "post", url(world_a, "rapid_review_attendee_list", review), {"member": world_a.la_lead.pk})
    assert created.status_code == 201
    assert created.json()["represents"] == "local_authority"
    assert created.json()["agency"] == {"id": world_a.council.pk, "name": "Alpha Council"}
    assert created.json()["person"]["full_name"] == "Alpha LA Lead"

    other = send(
        client,
        "post",
        url(world_a, "rapid_review_attendee_list", review),
        {"name": "Dr Who", "job_title": "GP", "agency": world_a.icb.pk},
    )
    assert other.json()["represents"] == "health"
    listed = client.get(url(world_a, "rapid_review_attendee_list", review)).json()
    assert [a["name"] for a in listed] == ["Alpha LA Lead", "Dr Who"]

    deleted = client.delete(url(world_a, "rapid_review_attendee_detail", review, attendee_id=other.json()["id"]))
    assert deleted.status_code == 204
    assert [a["name"] for a in client.get(url(world_a, "rapid_review_attendee_list", review)).json()] == [
        "Alpha LA Lead"
    ]


def test_attendee_refusals_are_field_errors(world_a, world_b):
    review = notified_review(world_a)
    client = api(world_a.bm)
    target = url(world_a, "rapid_review_attendee_list", review)
    assert send(
        client, "post", target, {"name": "Ms Head", "agency": world_a.school.pk, "represents": "police"}
    ).json() == {
        "represents": [
            "Someone from Alpha Primary School cannot represent police: choose an agency of that kind, "
            "or none of the partners."
        ]
    }
    response = send(client, "post", target, {"name": "X", "agency": world_b.police.pk})
    assert (response.status_code, response.json()) == (400, {"agency": ["Agency not found in this partnership."]})
    response = send(client, "post", target, {"member": world_b.police_lead.pk})
    assert (response.status_code, response.json()) == (400, {"member": ["Member not found in this partnership."]})
    response = send(client, "post", target, {"name": "x" * 201, "agency": world_a.police.pk})
    assert response.status_code == 400
    assert "name" in response.json()
    assert not MeetingAttendee.objects.exists()


def test_attendees_cannot_change_once_the_decision_awaits_sign_off(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    attendee = MeetingAttendee.objects.filter(rapid_review=review).first()
    response = api(world_a.bm).delete(url(world_a, "rapid_review_attendee_detail", review, attendee_id=attendee.pk))
    assert response.status_code == 400
    assert "cannot change now" in response.json()["non_field_errors"][0]


# --- The decision ---------------------------------------------------------------------------------


def test_decision_before_any_is_recorded(world_a):
    review = ready_review(world_a)
    body = api(world_a.scrutineer.person).get(url(world_a, "rapid_review_decision", review)).json()
    assert body["decision"] is None
    assert body["sign_off"] is None
    assert (body["state"], body["quorate"], body["missing_partners"]) == ("gathering", True, [])


def test_a_decision_without_quorum_is_400_naming_the_missing_partners(world_a):
    review = notified_review(world_a)
    meeting_held(world_a, review)
    attendee_add(world_a, review, partner="local_authority")
    response = send(api(world_a.bm), "put", url(world_a, "rapid_review_decision", review), decision_body())
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The meeting is not quorate: no one attended for health and police."]
    }
    assert not RapidReviewDecision.objects.exists()


def test_decision_field_errors(world_a):
    review = ready_review(world_a)
    client = api(world_a.bm)
    target = url(world_a, "rapid_review_decision", review)
    response = send(client, "put", target, decision_body(outcome="learning_review", reason_panel_view=""))
    assert response.status_code == 400
    assert response.json() == {
        "methodology": ["Choose the methodology of the learning review."],
        "reason_panel_view": ["Give the reasons against this criterion: “The national Panel's view or likely view”."],
    }
    response = send(client, "put", target, {"outcome": "perhaps", "reason_panel_view": "x" * 5001})
    assert response.status_code == 400
    assert set(response.json()) >= {"outcome", "reason_panel_view", "reason_recurrent_themes"}
    assert not RapidReviewDecision.objects.exists()


def test_recording_then_signing_off_then_sending_to_the_panel(world_a):
    review = ready_review(world_a, working_days=12)
    target = url(world_a, "rapid_review_decision", review)
    created = send(api(world_a.bm), "put", target, decision_body(outcome="learning_review", methodology="desktop"))
    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "awaiting_sign_off"
    assert body["decision"]["methodology"] == "desktop"
    assert body["sign_off"]["state"] == "awaiting"
    assert [p["partner"] for p in body["partners"]] == ["local_authority", "health", "police"]

    for lead in (world_a.la_lead, world_a.health_lead, world_a.police_lead):
        client = api(lead.person)
        mine = [p for p in client.get(target).json()["partners"] if p["you_may_act"]]
        assert [p["partner"] for p in mine] == lead.partner_lead_for
        response = send(client, "post", url(world_a, "rapid_review_decision_approve", review))
        assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["sign_off"]["state"]) == ("signed_off", "approved")
    assert [p["action"]["action"] for p in body["partners"]] == ["approved"] * 3

    today = timezone.localdate().isoformat()
    response = send(api(world_a.bm), "post", url(world_a, "rapid_review_sent_to_panel", review), {"sent_on": today})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["working_days_taken"], response.json()["sent_to_panel_on"]) == (
        "sent_to_panel",
        12,
        today,
    )


def test_signing_off_for_another_partner_is_400_with_the_reason(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    response = send(
        api(world_a.health_lead.person),
        "post",
        url(world_a, "rapid_review_decision_approve", review),
        {"partner": "police"},
    )
    assert response.status_code == 400
    assert response.json() == {"partner": ["Only the police partner lead can sign off for the police."]}
    response = send(
        api(world_a.health_lead.person),
        "post",
        url(world_a, "rapid_review_decision_send_back", review),
        {"partner": "local_authority", "comment": "No"},
    )
    assert response.json() == {
        "partner": ["Only the local authority partner lead can sign off for the local authority."]
    }


def test_send_back_then_a_stale_put_is_409_and_a_fresh_one_starts_round_two(world_a):
    review = ready_review(world_a)
    client = api(world_a.bm)
    target = url(world_a, "rapid_review_decision", review)
    first = send(client, "put", target, decision_body()).json()
    seen = first["decision"]["updated_at"]

    refused = send(api(world_a.police_lead.person), "post", url(world_a, "rapid_review_decision_send_back", review))
    assert (refused.status_code, refused.json()) == (400, {"comment": ["This field is required."]})
    back = send(
        api(world_a.police_lead.person),
        "post",
        url(world_a, "rapid_review_decision_send_back", review),
        {"comment": "Add the police chronology."},
    )
    assert back.status_code == 200
    assert back.json()["state"] == "gathering"
    assert back.json()["sign_off_history"][-1]["comment"] == "Add the police chronology."

    # Someone else records it again meanwhile; a PUT from the first read is refused.
    decision_record(world_a, review, immediate_actions="Changed by a colleague")
    rapid_review_decision_send_back(
        partnership=world_a.partnership, membership=world_a.police_lead, rapid_review=review, comment="Again"
    )
    stale = send(client, "put", target, decision_body(updated_at=seen))
    assert stale.status_code == 409
    assert RapidReviewDecision.objects.get().immediate_actions == "Changed by a colleague"

    fresh = send(client, "put", target, decision_body(updated_at=client.get(target).json()["decision"]["updated_at"]))
    assert fresh.status_code == 200
    assert fresh.json()["sign_off"]["round"] == 3


def test_recording_while_awaiting_sign_off_is_400(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    version = RapidReviewDecision.objects.get(rapid_review=review).updated_at.isoformat()
    body = {**decision_body(), "updated_at": version}
    response = send(api(world_a.bm), "put", url(world_a, "rapid_review_decision", review), body)
    assert response.status_code == 400
    assert "with the partners for sign-off" in response.json()["non_field_errors"][0]
    # Without the version it read, a caller may only create the first decision, never overwrite one.
    blind = send(api(world_a.bm), "put", url(world_a, "rapid_review_decision", review), decision_body())
    assert blind.status_code == 409


def test_a_late_panel_submission_needs_a_reason(world_a):
    review = signed_off_review(world_a)
    target = url(world_a, "rapid_review_sent_to_panel", review)
    today = timezone.localdate().isoformat()
    response = send(api(world_a.bm), "post", target, {"sent_on": today})
    assert response.status_code == 400
    assert response.json()["delay_reason"][0].startswith("It went 20 working days after the Panel was notified")
    response = send(api(world_a.bm), "post", target, {"sent_on": "not a date"})
    assert response.status_code == 400
    assert "sent_on" in response.json()
    response = send(api(world_a.bm), "post", target, {"sent_on": today, "delay_reason": "Complex"})
    assert response.json()["delay_reason"] == "Complex"


# --- Query counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "limit"), [("rapid_review_decision", 12), ("rapid_review_attendee_list", 8)])
def test_reads_run_a_fixed_number_of_queries(world_a, django_assert_max_num_queries, name, limit):
    review = ready_review(world_a)
    decision_record(world_a, review)
    client = api(world_a.bm)
    client.get(url(world_a, name, review))
    with django_assert_max_num_queries(limit):
        assert client.get(url(world_a, name, review)).status_code == 200
    for n in range(5):
        MeetingAttendee.objects.create(
            partnership=world_a.partnership, rapid_review=review, name=f"Extra {n}", agency=world_a.school
        )
    with django_assert_max_num_queries(limit):
        assert client.get(url(world_a, name, review)).status_code == 200
