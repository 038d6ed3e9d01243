"""The challenge log's API: the list and its filter, raising, one challenge, its moves, recommendations, who may
do what, another partnership, bad input and versions (409 stale, 428 without one)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import if_match, login
from tests.scrutiny.challenge_helpers import State, challenge_make, challenge_moved, dashboard_path

pytestmark = pytest.mark.django_db


def api(world, name: str, challenge=None) -> str:
    kwargs = {"slug": world.partnership.slug}
    if challenge is not None:
        kwargs["challenge_id"] = challenge.pk
    return reverse(f"scrutiny_api:{name}", kwargs=kwargs)


def client(person) -> APIClient:
    return login(APIClient(), person)


def test_the_scrutineer_raises_and_the_list_shows_it(world_a):
    scrutineer = client(world_a.scrutineer.person)
    response = scrutineer.post(
        api(world_a, "challenge_list"),
        {
            "agency_id": world_a.icb.pk,
            "subject_path": dashboard_path(world_a),
            "subject_label": "Overdue actions by lead agency",
            "question": "Why are three health actions overdue?",
        },
        format="json",
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["state"], data["agency"], data["reference"]) == ("open", world_a.icb.name, data["reference"])
    assert response["ETag"]
    listed = scrutineer.get(api(world_a, "challenge_list")).json()
    assert listed["count"] == 1
    assert listed["results"][0]["id"] == data["id"]
    assert scrutineer.get(api(world_a, "challenge_list"), {"state": "closed"}).json()["count"] == 0
    assert scrutineer.get(api(world_a, "challenge_list"), {"state": "junk"}).status_code == 400


def test_bad_input_is_a_400_on_its_fields(world_a, world_b):
    response = client(world_a.scrutineer.person).post(
        api(world_a, "challenge_list"),
        {
            "agency_id": world_b.school.pk,
            "subject_path": "/p/bravo-scp/scrutiny/",
            "subject_label": "x",
            "question": "y",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"agency_id", "subject_path"}
    response = client(world_a.scrutineer.person).post(
        api(world_a, "challenge_list"), {"agency_id": "x", "due_on": "soon"}, format="json"
    )
    assert response.status_code == 400
    assert {"agency_id", "subject_path", "subject_label", "question", "due_on"} <= set(response.json())


def test_the_whole_journey_through_the_api(world_a):
    challenge = challenge_make(world_a)
    lead = client(world_a.agency_lead.person)
    detail = api(world_a, "challenge_detail", challenge)
    response = lead.post(
        api(world_a, "challenge_respond", challenge),
        {"response": "Chasing on day 3."},
        format="json",
        **if_match(lead, detail),
    )
    assert response.status_code == 200
    assert response.json()["state"] == "responded"
    scrutineer = client(world_a.scrutineer.person)
    version = scrutineer.get(detail).json()["updated_at"]
    response = scrutineer.post(
        api(world_a, "challenge_escalate", challenge), {"reason": "No date.", "updated_at": version}, format="json"
    )
    assert response.json()["escalation_reason"] == "No date."
    response = scrutineer.post(
        api(world_a, "challenge_recommendations", challenge),
        {"text": "Give every answer a date.", "lead_partner": "health"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["reference"].startswith("REC-")
    assert len(scrutineer.get(api(world_a, "challenge_recommendations", challenge)).json()) == 1
    response = scrutineer.post(
        api(world_a, "challenge_close", challenge),
        {"outcome": "To the board."},
        format="json",
        **if_match(scrutineer, detail),
    )
    assert response.json()["state"] == "closed"


def test_a_change_without_a_version_is_428_and_a_stale_one_409(world_a):
    challenge = challenge_make(world_a)
    scrutineer = client(world_a.scrutineer.person)
    detail = api(world_a, "challenge_detail", challenge)
    stale = scrutineer.get(detail).json()["updated_at"]
    body = {"subject_label": "A", "question": "Q?", "due_on": challenge.due_on.isoformat()}
    assert scrutineer.patch(detail, body, format="json").status_code == 428
    assert scrutineer.patch(detail, {**body, "updated_at": stale}, format="json").status_code == 200
    assert scrutineer.patch(detail, {**body, "question": "B?", "updated_at": stale}, format="json").status_code == 409
    lead = client(world_a.agency_lead.person)
    respond = api(world_a, "challenge_respond", challenge)
    assert lead.post(respond, {"response": "x"}, format="json").status_code == 428
    assert lead.post(respond, {"response": "x", "updated_at": stale}, format="json").status_code == 409
    assert scrutineer.get(detail).json()["question"] == "Q?"


def test_a_refused_move_is_a_400(world_a):
    challenge = challenge_make(world_a)
    scrutineer = client(world_a.scrutineer.person)
    response = scrutineer.post(
        api(world_a, "challenge_accept", challenge),
        {},
        format="json",
        **if_match(scrutineer, api(world_a, "challenge_detail", challenge)),
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.parametrize(
    ("role", "read", "write", "respond"),
    [
        ("scrutineer", 200, 400, 403),
        ("business_manager", 200, 403, 403),
        ("la_lead", 200, 403, 403),
        ("agency_lead", 200, 403, 200),
        ("practitioner", 403, 403, 403),
        ("lay_member", 403, 403, 403),
    ],
)
def test_who_may_do_what(world_a, role, read, write, respond):
    challenge = challenge_make(world_a)
    caller = client(getattr(world_a, role).person)
    assert caller.get(api(world_a, "challenge_detail", challenge)).status_code == read
    version = {"updated_at": challenge.updated_at.isoformat()}
    # The scrutineer gets past the roles to the service (nothing answered yet: a 400); everyone else stops at 403.
    assert caller.post(api(world_a, "challenge_accept", challenge), version, format="json").status_code == write
    answered = caller.post(api(world_a, "challenge_respond", challenge), {"response": "x", **version}, format="json")
    assert answered.status_code == respond


def test_another_partnerships_challenge_is_a_404(world_a, world_b):
    challenge = challenge_moved(world_a, State.ACCEPTED)
    caller = client(world_b.scrutineer.person)
    assert caller.get(api(world_b, "challenge_detail", challenge)).status_code == 404
    for name in (
        "challenge_respond",
        "challenge_accept",
        "challenge_escalate",
        "challenge_close",
        "challenge_recommendations",
    ):
        assert caller.post(api(world_b, name, challenge), {}, format="json").status_code == 404
    assert caller.get(api(world_a, "challenge_list")).status_code == 404
    assert caller.get(api(world_b, "challenge_list")).json()["count"] == 0


def test_an_agency_lead_reads_only_their_agencys(world_a):
    challenge_make(world_a)
    police = challenge_make(world_a, agency=world_a.police)
    lead = client(world_a.agency_lead.person)
    assert lead.get(api(world_a, "challenge_list")).json()["count"] == 1
    assert lead.get(api(world_a, "challenge_detail", police)).status_code == 404


def test_the_list_runs_a_fixed_number_of_queries(world_a, django_assert_max_num_queries):
    caller = client(world_a.scrutineer.person)
    for _ in range(3):
        challenge_make(world_a)
    with django_assert_max_num_queries(9):
        assert caller.get(api(world_a, "challenge_list")).status_code == 200
    for _ in range(20):
        challenge_make(world_a)
    with django_assert_max_num_queries(9):
        assert caller.get(api(world_a, "challenge_list")).status_code == 200
