"""API of learning hub sessions: schedule, read, change (409 when stale), move, attendance, actions (ticked by
their owner), .ics invitations read back; roles, tenancy (404 in paths, 400 for ids in bodies), field errors."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar
from rest_framework.test import APIClient

from learninghub.models import HubSession, HubSessionAction, HubSessionAttendance
from learninghub.selectors.session_calendar import session_calendar_uid
from partnership.selectors.tasks import my_tasks
from tests.conftest import if_match, login
from tests.learninghub.helpers import cycle_make
from tests.learninghub.session_helpers import LONDON, session_make

pytestmark = pytest.mark.django_db


def _api(person) -> APIClient:
    return login(APIClient(), person)


def _url(world, name, **kwargs):
    return reverse(f"learninghub_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


BODY = {
    "kind": "month_2",
    "starts_at": "2027-03-04T10:00:00",
    "ends_at": "2027-03-04T12:00:00",
    "place": "Police HQ",
    "online_url": "https://meet.example/m2",
    "agenda": "Audit results",
}


def test_business_manager_schedules_changes_records_and_cancels_a_session(world_a):
    cycle = cycle_make(world_a)
    client = _api(world_a.bm)
    response = client.post(_url(world_a, "session_list", hub_cycle_id=cycle.pk), BODY, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Month 2 meeting: auditing"
    assert body["state"] == "scheduled"
    assert body["sequence"] == 0
    assert datetime.fromisoformat(body["starts_at"]) == datetime(2027, 3, 4, 10, 0, tzinfo=LONDON)
    sid = body["id"]
    assert [s["id"] for s in client.get(_url(world_a, "session_list", hub_cycle_id=cycle.pk)).json()] == [sid]

    detail = _url(world_a, "session_detail", hub_session_id=sid)
    response = client.patch(
        detail,
        {**BODY, "starts_at": "2027-03-11T10:00:00Z", "ends_at": "2027-03-11T12:00:00Z", "notes": "Good turnout"},
        format="json",
        **if_match(client, detail),
    )
    assert response.status_code == 200, response.content
    assert response.json()["sequence"] == 1
    assert response.json()["notes"] == "Good turnout"
    stale = {**BODY, "updated_at": "2020-01-01T00:00:00Z"}
    assert client.patch(detail, stale, format="json").status_code == 409
    assert client.patch(detail, BODY, format="json").status_code == 428

    attendance = _url(world_a, "session_attendance", hub_session_id=sid)
    response = client.put(
        attendance,
        {"attended_ids": [world_a.practitioner.pk], "apologies_ids": [world_a.health_lead.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"attended_ids": [world_a.practitioner.pk], "apologies_ids": [world_a.health_lead.pk]}
    assert client.get(detail).json()["attended_ids"] == [world_a.practitioner.pk]

    response = client.post(_url(world_a, "session_move", hub_session_id=sid), {"to": "cancelled"}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["sequence"]) == ("cancelled", 2)
    response = client.post(_url(world_a, "session_move", hub_session_id=sid), {"to": "held"}, format="json")
    assert response.status_code == 400
    response = client.post(_url(world_a, "session_move", hub_session_id=sid), {"to": "scheduled"}, format="json")
    assert response.json()["state"] == "scheduled"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"kind": "weekly"}, {"kind"}),
        ({"starts_at": "tomorrow"}, {"starts_at"}),
        ({"ends_at": "2027-03-04T09:00:00"}, {"ends_at"}),
        ({"place": "", "online_url": ""}, {"place"}),
        ({"online_url": "javascript:alert(1)"}, {"online_url"}),
        ({"title": "T" * 201}, {"title"}),
    ],
)
def test_bad_sessions_are_400_with_field_errors(world_a, changes, fields):
    cycle = cycle_make(world_a)
    response = _api(world_a.bm).post(
        _url(world_a, "session_list", hub_cycle_id=cycle.pk), {**BODY, **changes}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not HubSession.objects.in_partnership(world_a.partnership).exists()


def _action_tasks(world, membership):
    """The member's session actions on "my tasks" (the practitioners also hold the cycle's checklist tasks)."""
    tasks = my_tasks(person=membership.person, partnership=world.partnership).tasks
    return [t for t in tasks if "#action-" in t.url]


def test_actions_are_added_ticked_by_their_owner_and_removed(world_a):
    session = session_make(world_a)
    manager = _api(world_a.bm)
    actions = _url(world_a, "session_actions", hub_session_id=session.pk)
    response = manager.post(
        actions,
        {"text": "Share the audit tool", "owner_id": world_a.practitioner.pk, "due_on": "2027-02-25"},
        format="json",
    )
    assert response.status_code == 201, response.content
    action_id = response.json()["id"]
    assert [a["id"] for a in manager.get(actions).json()] == [action_id]
    assert [t.title for t in _action_tasks(world_a, world_a.practitioner)] == [
        "Month 1 meeting: scoping: Share the audit tool"
    ]
    tick = _url(world_a, "session_action_tick", hub_session_action_id=action_id)
    assert _api(world_a.police_lead.person).post(tick, {"done": True}, format="json").status_code == 403
    response = _api(world_a.practitioner.person).post(tick, {"done": True}, format="json")
    assert response.status_code == 200
    assert response.json()["done_at"] is not None
    assert _action_tasks(world_a, world_a.practitioner) == []
    assert _api(world_a.practitioner.person).post(tick, {"done": "maybe"}, format="json").status_code == 400
    one = _url(world_a, "session_action_detail", hub_session_action_id=action_id)
    assert _api(world_a.practitioner.person).get(one).json()["owner_id"] == world_a.practitioner.pk
    assert _api(world_a.practitioner.person).delete(one).status_code == 403
    assert manager.delete(one).status_code == 204
    assert not HubSessionAction.objects.in_partnership(world_a.partnership).exists()


def test_members_read_only_managers_change(world_a):
    session = session_make(world_a)
    client = _api(world_a.lay_member.person)
    assert client.get(_url(world_a, "session_detail", hub_session_id=session.pk)).status_code == 200
    assert client.get(_url(world_a, "session_attendance", hub_session_id=session.pk)).status_code == 200
    assert (
        client.post(_url(world_a, "session_list", hub_cycle_id=session.cycle_id), BODY, format="json").status_code
        == 403
    )
    for name, method, body in [
        ("session_detail", "patch", BODY),
        ("session_move", "post", {"to": "cancelled"}),
        ("session_attendance", "put", {"attended_ids": [], "apologies_ids": []}),
        ("session_actions", "post", {"text": "x", "owner_id": world_a.lay_member.pk, "due_on": "2027-03-01"}),
    ]:
        url = _url(world_a, name, hub_session_id=session.pk)
        assert getattr(client, method)(url, body, format="json").status_code == 403, name


def test_another_partnerships_ids_are_404_in_paths_and_400_in_bodies(world_a, world_b):
    session = session_make(world_a)
    theirs = session_make(world_b)
    their_action = HubSessionAction.objects.in_partnership(world_b.partnership).create(
        partnership=world_b.partnership,
        session=theirs,
        text="x",
        owner=world_b.practitioner,
        due_on=theirs.starts_at.date(),
    )
    client = _api(world_a.bm)
    for url in [
        _url(world_a, "session_list", hub_cycle_id=theirs.cycle_id),
        _url(world_a, "session_detail", hub_session_id=theirs.pk),
        _url(world_a, "session_attendance", hub_session_id=theirs.pk),
        _url(world_a, "session_actions", hub_session_id=theirs.pk),
        _url(world_a, "session_ics", hub_session_id=theirs.pk),
        _url(world_a, "session_member_ics", hub_session_id=session.pk, membership_id=world_b.practitioner.pk),
        _url(world_a, "session_action_detail", hub_session_action_id=their_action.pk),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            _url(world_a, "session_action_tick", hub_session_action_id=their_action.pk), {"done": True}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.delete(_url(world_a, "session_action_detail", hub_session_action_id=their_action.pk)).status_code == 404
    )
    response = client.put(
        _url(world_a, "session_attendance", hub_session_id=session.pk),
        {"attended_ids": [world_b.practitioner.pk], "apologies_ids": [world_a.health_lead.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"attended_ids"}
    response = client.post(
        _url(world_a, "session_actions", hub_session_id=session.pk),
        {"text": "x", "owner_id": world_b.practitioner.pk, "due_on": "2027-03-01"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"owner_id"}
    assert not HubSessionAttendance.objects.in_partnership(world_a.partnership).exists()
    # Someone outside the partnership altogether: 404 on every route.
    assert _api(world_b.bm).get(_url(world_a, "session_detail", hub_session_id=session.pk)).status_code == 404


def test_the_invitations_download_and_read_back(world_a):
    session = session_make(world_a)
    member = _api(world_a.practitioner.person)
    response = member.get(
        _url(world_a, "session_member_ics", hub_session_id=session.pk, membership_id=world_a.practitioner.pk)
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == session_calendar_uid(session)
    assert event.decoded("DTSTART") == datetime(2027, 2, 4, 10, 0, tzinfo=LONDON)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert str(event["ATTENDEE"]) == "mailto:practitioner@alpha.example"
    # Another member's invitation: not theirs to download.
    other = _url(world_a, "session_member_ics", hub_session_id=session.pk, membership_id=world_a.police_lead.pk)
    assert member.get(other).status_code == 404
    assert member.get(other).json()["detail"]
    response = member.get(_url(world_a, "session_ics", hub_session_id=session.pk), HTTP_ACCEPT="text/calendar")
    assert response.status_code == 200
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["LOCATION"]) == "Council offices, room 2"


def test_options_on_attendance_answers_without_reading_another_partnerships_session(world_a, world_b):
    session = session_make(world_a)
    response = _api(world_a.bm).options(_url(world_a, "session_attendance", hub_session_id=session.pk))
    assert response.status_code == 200
    assert "PUT" in response.json()["actions"]
    theirs = session_make(world_b)
    response = _api(world_a.bm).options(_url(world_a, "session_attendance", hub_session_id=theirs.pk))
    # DRF's metadata leaves out what cannot be read: their session is as missing.
    assert "PUT" not in response.json().get("actions", {})
