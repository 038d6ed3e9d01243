"""The incident, rapid review and information request API: tenancy, roles, identities, validation, concurrency."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import IdentityView, InformationRequest, SeriousIncident
from reviews.services.incidents import NOTIFIED_BEFORE_AWARE, TOO_MANY_CHILDREN
from tests.conftest import login
from tests.reviews.factories import CHILD_ADDRESS, CHILD_NAME, child_data, information_request_make, rapid_review_make

NOT_FOUND = {"detail": "Not found."}
IDENTITY_KEYS = {"name", "date_of_birth", "address"}


@pytest.fixture
def api_for():
    def make(person) -> APIClient:
        return login(APIClient(), person)

    return make


def api(world, name, **kwargs) -> str:
    return reverse(f"reviews_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _create_body(world, **overrides):
    body = {
        "incident_on": "2023-05-01",
        "la_aware_on": "2023-05-02",
        "panel_notified_on": "2023-05-03",
        "outcome": "death",
        "child_looked_after": True,
        "summary": "Without identifying details.",
        "referring_agency": world.council.pk,
        "agencies": [world.icb.pk, world.police.pk],
        "children": [{"name": CHILD_NAME, "date_of_birth": "2015-03-27", "address": CHILD_ADDRESS}],
    }
    body.update(overrides)
    return body


# --- Incidents --------------------------------------------------------------------------------------


def test_a_business_manager_records_an_incident_and_its_rapid_review_opens(world_a, api_for):
    response = api_for(world_a.bm).post(api(world_a, "incident_list"), _create_body(world_a), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["reference"] == "SI-2023-001"
    assert data["notification_working_days"] == 1
    assert data["notified_late"] is False
    # The referring council is added to the agencies sent; listed by name.
    assert [a["name"] for a in data["agencies"]] == ["Alpha Council", "Alpha ICB", "Alpha Police"]
    # The answer to the recording carries pseudonyms only.
    assert data["children"] == [{"id": data["children"][0]["id"], "position": 1, "pseudonym": "Child A"}]
    review = api_for(world_a.bm).get(api(world_a, "rapid_review_detail", rapid_review_id=data["rapid_review_id"]))
    assert review.json()["milestones"] == {
        "scoping_due_on": "2023-05-05",
        "returns_due_on": "2023-05-11",
        "meeting_window_opens_on": "2023-05-15",
        "meeting_window_closes_on": "2023-05-23",
        "panel_submission_due_on": "2023-05-25",
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"la_aware_on": "2023-05-04"}, "panel_notified_on", NOTIFIED_BEFORE_AWARE),
        ({"children": [{"name": f"C{i}"} for i in range(5)]}, "children", TOO_MANY_CHILDREN),
        ({"children": []}, "children", "Name at least one child."),
        ({"summary": "x" * 5001}, "summary", None),
    ],
    ids=["dates in the wrong order", "a fifth child", "no child", "oversized summary"],
)
def test_bad_input_is_a_400_with_field_errors(world_a, api_for, overrides, field, message):
    response = api_for(world_a.bm).post(
        api(world_a, "incident_list"), _create_body(world_a, **overrides), format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    if message:
        assert message in errors[field]
    assert not SeriousIncident.objects.exists()


def test_another_partnerships_agency_is_not_found_in_this_one(world_a, world_b, api_for):
    body = _create_body(world_a, referring_agency=world_b.council.pk)
    response = api_for(world_a.bm).post(api(world_a, "incident_list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["referring_agency"] == ["Agency not found in this partnership."]


@pytest.mark.parametrize("role", ["la_lead", "scrutineer", "practitioner"])
def test_only_business_managers_record(world_a, api_for, role):
    response = api_for(getattr(world_a, role).person).post(
        api(world_a, "incident_list"), _create_body(world_a), format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["business_manager", "la_lead", "health_lead", "police_lead"])
def test_identities_appear_for_managers_and_partner_leads_and_are_logged(world_a, api_for, role):
    review = rapid_review_make(world_a, children=child_data(2))
    person = getattr(world_a, role).person
    response = api_for(person).get(api(world_a, "incident_detail", incident_id=review.incident_id))
    assert response.status_code == 200
    children = response.json()["children"]
    assert children[0]["name"] == CHILD_NAME
    assert children[0]["date_of_birth"] == "2015-03-27"
    assert children[0]["address"] == CHILD_ADDRESS
    assert IdentityView.objects.filter(viewer=person, context__startswith="API: incident").count() == 2


@pytest.mark.parametrize("role", ["scrutineer"])
def test_identity_fields_are_absent_for_other_readers(world_a, api_for, role):
    review = rapid_review_make(world_a)
    response = api_for(getattr(world_a, role).person).get(
        api(world_a, "incident_detail", incident_id=review.incident_id)
    )
    assert response.status_code == 200
    [child] = response.json()["children"]
    assert set(child) == {"id", "position", "pseudonym"}  # absent, not null
    assert CHILD_NAME not in response.content.decode()
    assert not IdentityView.objects.exists()


@pytest.mark.parametrize("role", ["practitioner", "agency_lead", "lay_member", "observer"])
def test_non_readers_get_403_on_incidents_and_reviews(world_a, api_for, role):
    review = rapid_review_make(world_a)
    client = api_for(getattr(world_a, role).person)
    for path in (
        api(world_a, "incident_list"),
        api(world_a, "incident_detail", incident_id=review.incident_id),
        api(world_a, "rapid_review_list"),
        api(world_a, "rapid_review_detail", rapid_review_id=review.pk),
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert CHILD_NAME not in response.content.decode()


def test_the_incident_list_never_carries_identities_even_for_managers(world_a, api_for):
    rapid_review_make(world_a)
    response = api_for(world_a.bm).get(api(world_a, "incident_list"))
    assert response.status_code == 200
    assert CHILD_NAME not in response.content.decode()
    assert set(response.json()["results"][0]["children"][0]) == {"id", "position", "pseudonym"}
    assert not IdentityView.objects.exists()


def test_patch_moves_the_notification_and_the_milestones(world_a, api_for):
    review = rapid_review_make(world_a)
    client = api_for(world_a.bm)
    read = client.get(api(world_a, "incident_detail", incident_id=review.incident_id)).json()
    response = client.patch(
        api(world_a, "incident_detail", incident_id=review.incident_id),
        {
            "incident_on": "2022-09-13",
            "la_aware_on": "2022-09-13",
            "panel_notified_on": "2022-09-14",
            "updated_at": read["updated_at"],
        },
        format="json",
    )
    assert response.status_code == 200
    milestones = client.get(api(world_a, "rapid_review_detail", rapid_review_id=review.pk)).json()["milestones"]
    assert milestones["panel_submission_due_on"] == "2022-10-06"


def test_patch_with_an_old_updated_at_is_a_409_and_writes_nothing(world_a, api_for):
    review = rapid_review_make(world_a)
    client = api_for(world_a.bm)
    read = client.get(api(world_a, "incident_detail", incident_id=review.incident_id)).json()
    first = client.patch(
        api(world_a, "incident_detail", incident_id=review.incident_id),
        {"summary": "First", "updated_at": read["updated_at"]},
        format="json",
    )
    assert first.status_code == 200
    second = client.patch(
        api(world_a, "incident_detail", incident_id=review.incident_id),
        {"summary": "Second", "updated_at": read["updated_at"]},
        format="json",
    )
    assert second.status_code == 409
    assert SeriousIncident.objects.get().summary == "First"


def test_an_incident_patch_without_a_version_is_a_428_and_saves_nothing(world_a, api_for):
    review = rapid_review_make(world_a)
    response = api_for(world_a.bm).patch(
        api(world_a, "incident_detail", incident_id=review.incident_id), {"summary": "Written blind"}, format="json"
    )
    assert response.status_code == 428
    assert response.json()["updated_at"][0].startswith("Send back the updated_at you read")
    review.incident.refresh_from_db()
    assert review.incident.summary != "Written blind"


def test_patch_with_dates_out_of_order_is_a_400(world_a, api_for):
    review = rapid_review_make(world_a)
    response = api_for(world_a.bm).patch(
        api(world_a, "incident_detail", incident_id=review.incident_id),
        {
            "la_aware_on": "2023-05-04",
            "panel_notified_on": "2023-05-03",
            "incident_on": "2023-05-01",
            "updated_at": review.incident.updated_at.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert NOTIFIED_BEFORE_AWARE in response.json()["panel_notified_on"]


# --- Rapid reviews -----------------------------------------------------------------------------------


def test_rapid_review_list_has_milestones_and_working_days_left(world_a, api_for):
    review = rapid_review_make(
        world_a, incident_on=date(2023, 5, 1), la_aware_on=date(2023, 5, 2), panel_notified_on=date(2023, 5, 3)
    )
    response = api_for(world_a.scrutineer.person).get(api(world_a, "rapid_review_list"))
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == review.pk
    assert row["incident"]["reference"] == "SI-2023-001"
    assert row["milestones"]["returns_due_on"] == "2023-05-11"
    assert row["overdue"] is True
    assert row["days_remaining"] < 0


def test_rapid_review_detail_has_the_timeline(world_a, api_for):
    review = rapid_review_make(world_a)
    information_request_make(world_a, rapid_review=review)
    data = api_for(world_a.la_lead.person).get(api(world_a, "rapid_review_detail", rapid_review_id=review.pk)).json()
    steps = {s["key"]: s for s in data["timeline"]}
    assert steps["scoping"]["done"] is True
    assert steps["returns"]["done"] is False
    assert steps["panel"]["days_remaining"] == 15
    assert data["request_count"] == 1


def test_rapid_review_list_query_count_is_fixed(world_a, api_for, django_assert_max_num_queries):
    for _ in range(8):
        information_request_make(world_a, rapid_review=rapid_review_make(world_a))
    client = api_for(world_a.bm)
    client.get(api(world_a, "rapid_review_list"))
    with django_assert_max_num_queries(7):
        assert client.get(api(world_a, "rapid_review_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(api(world_a, "incident_list")).status_code == 200


# --- Information requests ----------------------------------------------------------------------------


def test_the_business_manager_asks_an_agency_through_the_api(world_a, api_for):
    review = rapid_review_make(world_a)
    response = api_for(world_a.bm).post(
        api(world_a, "rapid_review_request_list", rapid_review_id=review.pk),
        {"agency": world_a.school.pk, "assignee": world_a.practitioner.person.pk},
        format="json",
    )
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "requested"
    assert data["due_on"] == review.returns_due_on.isoformat()
    assert data["days_remaining"] == 5
    listing = api_for(world_a.health_lead.person).get(
        api(world_a, "rapid_review_request_list", rapid_review_id=review.pk)
    )
    assert [r["id"] for r in listing.json()["results"]] == [data["id"]]


def test_asking_someone_outside_the_agency_is_a_400(world_a, api_for):
    review = rapid_review_make(world_a)
    response = api_for(world_a.bm).post(
        api(world_a, "rapid_review_request_list", rapid_review_id=review.pk),
        {"agency": world_a.school.pk, "assignee": world_a.police_lead.person.pk},
        format="json",
    )
    assert response.status_code == 400
    assert f"assignee_{world_a.school.pk}" in response.json()


def test_the_assignee_drafts_and_submits_and_a_second_submission_is_refused(world_a, api_for):
    request = information_request_make(world_a)
    client = api_for(world_a.practitioner.person)
    read = client.get(api(world_a, "request_detail", request_id=request.pk)).json()
    draft = client.patch(
        api(world_a, "request_detail", request_id=request.pk),
        {"involvement": "Seen weekly.", "updated_at": read["updated_at"]},
        format="json",
    )
    assert draft.status_code == 200
    assert draft.json()["state"] == "draft"
    stale = client.patch(
        api(world_a, "request_detail", request_id=request.pk),
        {"involvement": "From an old tab", "updated_at": read["updated_at"]},
        format="json",
    )
    assert stale.status_code == 409
    submitted = client.post(
        api(world_a, "request_submit", request_id=request.pk),
        {"updated_at": draft.json()["updated_at"]},
        format="json",
    )
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["involvement"] == "Seen weekly."
    again = client.post(
        api(world_a, "request_submit", request_id=request.pk),
        {"involvement": "x", "updated_at": submitted.json()["updated_at"]},
        format="json",
    )
    assert again.status_code == 400
    assert again.json()["non_field_errors"][0].startswith("This return has already been submitted.")


def test_an_oversized_answer_is_a_field_error(world_a, api_for):
    request = information_request_make(world_a)
    response = api_for(world_a.practitioner.person).patch(
        api(world_a, "request_detail", request_id=request.pk),
        {"good_practice": "x" * 20001, "updated_at": request.updated_at.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"good_practice": ["Use at most 20,000 characters (you used 20,001)."]}


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("practitioner", 200, 200),
        ("business_manager", 200, 403),
        ("la_lead", 200, 403),
        ("scrutineer", 404, 404),
        ("agency_lead", 404, 404),
        ("observer", 404, 404),
    ],
)
def test_who_reads_and_writes_a_return(world_a, api_for, role, read, write):
    request = information_request_make(world_a)
    client = api_for(getattr(world_a, role).person)
    assert client.get(api(world_a, "request_detail", request_id=request.pk)).status_code == read
    body = {"involvement": "x", "updated_at": request.updated_at.isoformat()}
    response = client.patch(api(world_a, "request_detail", request_id=request.pk), body, format="json")
    assert response.status_code == write


def test_send_back_through_the_api(world_a, api_for):
    request = information_request_make(world_a)
    api_for(world_a.practitioner.person).post(
        api(world_a, "request_submit", request_id=request.pk),
        {"involvement": "Some", "updated_at": request.updated_at.isoformat()},
        format="json",
    )
    missing = api_for(world_a.bm).post(api(world_a, "request_send_back", request_id=request.pk), {}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()
    not_a_manager = api_for(world_a.la_lead.person).post(
        api(world_a, "request_send_back", request_id=request.pk), {"reason": "x"}, format="json"
    )
    assert not_a_manager.status_code == 403
    response = api_for(world_a.bm).post(
        api(world_a, "request_send_back", request_id=request.pk), {"reason": "Add the visit."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "sent_back"
    assert InformationRequest.objects.get(pk=request.pk).sent_back_reason == "Add the visit."


def test_my_requests_through_the_api(world_a, api_for):
    request = information_request_make(world_a)
    data = api_for(world_a.practitioner.person).get(api(world_a, "my_request_list")).json()
    assert [r["id"] for r in data["results"]] == [request.pk]
    assert api_for(world_a.observer.person).get(api(world_a, "my_request_list")).json()["results"] == []


# --- Tenancy --------------------------------------------------------------------------------------------


def test_every_endpoint_is_404_for_another_partnerships_member(world_a, world_b, api_for):
    review = rapid_review_make(world_a)
    request = information_request_make(world_a, rapid_review=review)
    client = api_for(world_b.bm)
    paths = [
        api(world_a, "incident_list"),
        api(world_a, "incident_detail", incident_id=review.incident_id),
        api(world_a, "rapid_review_list"),
        api(world_a, "rapid_review_detail", rapid_review_id=review.pk),
        api(world_a, "rapid_review_request_list", rapid_review_id=review.pk),
        api(world_a, "my_request_list"),
        api(world_a, "request_detail", request_id=request.pk),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == NOT_FOUND
    # world_b's own slug with world_a's ids: 404 as well.
    for name, kwargs in (
        ("incident_detail", {"incident_id": review.incident_id}),
        ("rapid_review_detail", {"rapid_review_id": review.pk}),
        ("request_detail", {"request_id": request.pk}),
    ):
        assert client.get(api(world_b, name, **kwargs)).status_code == 404
    assert client.post(api(world_b, "request_submit", request_id=request.pk), {}, format="json").status_code == 404
    assert (
        client.post(
            api(world_b, "request_send_back", request_id=request.pk), {"reason": "x"}, format="json"
        ).status_code
        == 404
    )


def test_the_schema_documents_the_endpoints(world_a):
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = set(schema["paths"])
    assert "/api/v1/partnerships/{slug}/incidents/" in paths
    assert "/api/v1/partnerships/{slug}/incidents/{incident_id}/" in paths
    assert "/api/v1/partnerships/{slug}/rapid-reviews/{rapid_review_id}/requests/" in paths
    assert "/api/v1/partnerships/{slug}/requests/{request_id}/submit/" in paths
    child = schema["components"]["schemas"]["Child"]
    assert set(child["required"]) == {"id", "position", "pseudonym"}  # identities optional: absent for most
