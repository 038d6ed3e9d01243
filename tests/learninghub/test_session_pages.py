"""Pages of learning hub sessions: schedule, read, change, attendance, actions (and the owner's my tasks),
held / cancelled / reinstated, the .ics invitations read back; roles, tenancy, bad input, pinned query counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from learninghub.models import HubSession, HubSessionAction, HubSessionAttendance
from learninghub.selectors.session_calendar import session_calendar_uid
from learninghub.services.sessions import hub_session_action_add, hub_session_attendance_set, hub_session_move
from partnership.selectors.tasks import my_tasks
from tests.learninghub.helpers import cycle_make
from tests.learninghub.session_helpers import LONDON, session_make

pytestmark = pytest.mark.django_db


def _url(world, name, **kwargs):
    return reverse(f"learninghub:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _form(**changes):
    data = {
        "kind": "month_1",
        "title": "",
        "day": "2027-02-04",
        "starts_at": "10:00",
        "ends_at": "12:30",
        "place": "Council offices, room 2",
        "online_url": "https://meet.example/hub-1",
        "agenda": "1. Welcome",
    }
    data.update(changes)
    return data


def _action(world, session, *, owner=None, text="Bring the missing episodes data", due_on=date(2027, 2, 18)):
    return hub_session_action_add(
        partnership=world.partnership,
        actor=world.bm,
        session=session,
        text=text,
        owner_id=(owner or world.practitioner).pk,
        due_on=due_on,
    )


def _ics(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_business_manager_schedules_a_session_from_the_cycle_page(world_a, client_for):
    cycle = cycle_make(world_a)
    client = client_for(world_a.bm)
    cycle_page = client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).content.decode()
    assert _url(world_a, "session_create", hub_cycle_id=cycle.pk) in cycle_page
    assert "No session is scheduled yet." in cycle_page
    assert client.get(_url(world_a, "session_create", hub_cycle_id=cycle.pk)).status_code == 200
    response = client.post(_url(world_a, "session_create", hub_cycle_id=cycle.pk), _form())
    assert response.status_code == 302, response.content
    session = HubSession.objects.get(partnership=world_a.partnership)
    assert session.starts_at == datetime(2027, 2, 4, 10, 0, tzinfo=LONDON)
    assert session.title == "Month 1 meeting: scoping"
    page = client.get(response["Location"]).content.decode()
    assert "Thursday 4 February 2027, 10:00 to 12:30" in page
    assert "https://meet.example/hub-1" in page
    for name in ("cycle_detail", "session_list"):
        listing = client.get(_url(world_a, name, hub_cycle_id=cycle.pk)).content.decode()
        # Each session's link as {% url %} gave it, from one reverse() for the table (sessions_linked).
        assert f'<a href="{_url(world_a, "session_detail", hub_session_id=session.pk)}">' in listing


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"kind": "", "day": "", "starts_at": "", "ends_at": ""}, {"kind", "day", "starts_at", "ends_at"}),
        ({"day": "2027-02-30"}, {"day"}),
        ({"starts_at": "25:00"}, {"starts_at"}),
        ({"ends_at": "09:00"}, {"ends_at"}),
        ({"place": "", "online_url": ""}, {"place"}),
        ({"online_url": "javascript:alert(1)"}, {"online_url"}),
        ({"online_url": "not a link"}, {"online_url"}),
    ],
)
def test_bad_input_shows_field_errors_and_a_summary(world_a, client_for, changes, fields):
    cycle = cycle_make(world_a)
    response = client_for(world_a.bm).post(_url(world_a, "session_create", hub_cycle_id=cycle.pk), _form(**changes))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == fields
    assert b"error-summary" in response.content
    assert not HubSession.objects.in_partnership(world_a.partnership).exists()


def test_members_read_and_download_only_managers_change(world_a, client_for):
    session = session_make(world_a)
    action = _action(world_a, session)
    client = client_for(world_a.police_lead.person)
    page = client.get(_url(world_a, "session_detail", hub_session_id=session.pk))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-testid="action-form"' not in content
    assert 'data-testid="cancel-session"' not in content
    assert 'data-testid="tick"' not in content  # not the owner
    assert client.get(_url(world_a, "session_ics", hub_session_id=session.pk)).status_code == 200
    own = _url(world_a, "session_member_ics", hub_session_id=session.pk, membership_id=world_a.police_lead.pk)
    assert client.get(own).status_code == 200
    # Someone else's invitation: as missing to a member; the business managers download anyone's.
    other = _url(world_a, "session_member_ics", hub_session_id=session.pk, membership_id=world_a.practitioner.pk)
    assert client.get(other).status_code == 404
    assert client_for(world_a.bm).get(other).status_code == 200
    for name, method in [
        ("session_edit", "get"),
        ("session_attendance", "get"),
        ("session_action_create", "get"),
        ("session_move", "post"),
    ]:
        assert getattr(client, method)(_url(world_a, name, hub_session_id=session.pk)).status_code == 403
    assert client.get(_url(world_a, "session_create", hub_cycle_id=session.cycle_id)).status_code == 403
    assert client.post(_url(world_a, "session_action_delete", hub_session_action_id=action.pk)).status_code == 403


def test_another_partnerships_sessions_actions_and_members_are_404(world_a, world_b, client_for):
    session = session_make(world_a)
    action = _action(world_a, session)
    theirs = session_make(world_b)
    their_action = _action(world_b, theirs)
    client = client_for(world_a.bm)
    sid, cid = theirs.pk, theirs.cycle_id
    for url in [
        _url(world_a, "session_list", hub_cycle_id=cid),
        _url(world_a, "session_create", hub_cycle_id=cid),
        _url(world_a, "session_detail", hub_session_id=sid),
        _url(world_a, "session_edit", hub_session_id=sid),
        _url(world_a, "session_attendance", hub_session_id=sid),
        _url(world_a, "session_action_create", hub_session_id=sid),
        _url(world_a, "session_ics", hub_session_id=sid),
        _url(world_a, "session_member_ics", hub_session_id=sid, membership_id=world_a.practitioner.pk),
        # Our session, their member.
        _url(world_a, "session_member_ics", hub_session_id=session.pk, membership_id=world_b.practitioner.pk),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        _url(world_a, "session_move", hub_session_id=sid),
        _url(world_a, "session_action_tick", hub_session_action_id=their_action.pk),
        _url(world_a, "session_action_delete", hub_session_action_id=their_action.pk),
    ]:
        assert client.post(url, {"to": "cancelled", "done": "1"}).status_code == 404, url
    # Their members' ids in our forms: refused on the field, like missing ones.
    response = client.post(
        _url(world_a, "session_attendance", hub_session_id=session.pk), {"attended_ids": [world_b.practitioner.pk]}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"attended_ids"}
    response = client.post(
        _url(world_a, "session_action_create", hub_session_id=session.pk),
        {"text": "X", "owner_id": str(world_b.practitioner.pk), "due_on": "2027-02-18"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"owner_id"}
    assert HubSessionAction.objects.in_partnership(world_a.partnership).get() == action


def test_attendance_notes_and_rescheduling(world_a, client_for):
    session = session_make(world_a)
    client = client_for(world_a.bm)
    attendance = _url(world_a, "session_attendance", hub_session_id=session.pk)
    assert client.get(attendance).status_code == 200
    response = client.post(
        attendance,
        {"attended_ids": [world_a.practitioner.pk, world_a.police_lead.pk], "apologies_ids": [world_a.health_lead.pk]},
    )
    assert response.status_code == 302
    both = client.post(
        attendance, {"attended_ids": [world_a.practitioner.pk], "apologies_ids": [world_a.practitioner.pk]}
    )
    assert both.status_code == 400
    assert set(both.context["form"].errors) == {"apologies_ids"}
    edit = _url(world_a, "session_edit", hub_session_id=session.pk)
    version = client.get(edit).context["form"].initial["expected_updated_at"]
    base = _form(place="Council offices, room 2", online_url="", agenda=session.agenda, expected_updated_at=version)
    response = client.post(edit, {**base, "day": "2027-02-11", "notes": "We agreed the audit sample."})
    assert response.status_code == 302, response.content
    session.refresh_from_db()
    assert session.sequence == 1
    assert session.starts_at == datetime(2027, 2, 11, 10, 0, tzinfo=LONDON)
    stale = client.post(edit, {**base, "notes": "Other"})
    assert stale.status_code == 400
    assert b"saved-version" in stale.content
    page = client.get(_url(world_a, "session_detail", hub_session_id=session.pk)).content.decode()
    assert "We agreed the audit sample." in page
    assert "Health Lead" in page.split('data-testid="apologies"')[1].split("</ul>")[0]
    assert {a.status for a in HubSessionAttendance.objects.in_partnership(world_a.partnership)} == {
        "attended",
        "apologies",
    }


def _action_tasks(world, membership):
    """The member's session actions on "my tasks" (the cycle's checklist tasks of their role are there too)."""
    tasks = my_tasks(person=membership.person, partnership=world.partnership).tasks
    return [t for t in tasks if "#action-" in t.url]


def test_actions_reach_the_owners_my_tasks_and_leave_when_done(world_a, client_for):
    session = session_make(world_a)
    manager = client_for(world_a.bm)
    response = manager.post(
        _url(world_a, "session_action_create", hub_session_id=session.pk),
        {"text": "Bring the missing episodes data", "owner_id": str(world_a.practitioner.pk), "due_on": "2027-02-18"},
    )
    assert response.status_code == 302
    action = HubSessionAction.objects.in_partnership(world_a.partnership).get()
    bad = manager.post(
        _url(world_a, "session_action_create", hub_session_id=session.pk), {"text": "", "owner_id": "", "due_on": "x"}
    )
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"text", "owner_id", "due_on"}
    assert b"error-summary" in bad.content

    owner = client_for(world_a.practitioner.person)
    tasks_page = owner.get(reverse("partnership:my_tasks", kwargs={"slug": world_a.partnership.slug}))
    content = tasks_page.content.decode()
    assert "Bring the missing episodes data" in content
    assert f"{_url(world_a, 'session_detail', hub_session_id=session.pk)}#action-{action.pk}" in content
    # Not on anyone else's list (the police lead owns none of the actions).
    assert _action_tasks(world_a, world_a.police_lead) == []

    # Someone else cannot tick it; the owner can, and it leaves their tasks.
    client_for(world_a.police_lead.person).post(
        _url(world_a, "session_action_tick", hub_session_action_id=action.pk), {"done": "1"}
    )
    action.refresh_from_db()
    assert action.done_at is None
    owner.post(_url(world_a, "session_action_tick", hub_session_action_id=action.pk), {"done": "1"})
    action.refresh_from_db()
    assert action.done_at is not None
    assert _action_tasks(world_a, world_a.practitioner) == []
    tasks_page = owner.get(reverse("partnership:my_tasks", kwargs={"slug": world_a.partnership.slug}))
    assert f"#action-{action.pk}" not in tasks_page.content.decode()
    # The manager removes an action recorded by mistake.
    other = _action(world_a, session, text="Duplicate")
    assert len(_action_tasks(world_a, world_a.practitioner)) == 1
    manager.post(_url(world_a, "session_action_delete", hub_session_action_id=other.pk))
    assert _action_tasks(world_a, world_a.practitioner) == []


@pytest.mark.parametrize("count", [1, 6])
def test_my_tasks_reads_a_fixed_number_of_queries_whatever_the_actions(world_a, django_assert_num_queries, count):
    session = session_make(world_a)
    for n in range(count):
        _action(world_a, session, text=f"Action {n}")
    person = world_a.practitioner.person
    # Membership, its roles, calendar, deadlines, their subjects (two kinds: the actions, and the cycle's checklist
    # tasks the practitioners hold), sign-offs.
    with django_assert_num_queries(7):
        tasks = my_tasks(person=person, partnership=world_a.partnership)
        assert len([t for t in tasks.tasks if "#action-" in t.url]) == count
        assert len([t for t in tasks.tasks if "#task-" in t.url]) > 0


def test_the_invitations_read_back_with_london_times_a_stable_uid_and_a_growing_sequence(world_a, client_for):
    session = session_make(world_a, online_url="https://meet.example/hub-1")
    client = client_for(world_a.bm)
    whole = _url(world_a, "session_ics", hub_session_id=session.pk)
    mine = _url(world_a, "session_member_ics", hub_session_id=session.pk, membership_id=world_a.practitioner.pk)

    calendar, event = _ics(client.get(whole))
    assert calendar["METHOD"] == "PUBLISH"
    assert str(event["UID"]) == session_calendar_uid(session)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert str(start.tzinfo) == "Europe/London"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert (start, end) == (datetime(2027, 2, 4, 10, 0, tzinfo=LONDON), datetime(2027, 2, 4, 12, 30, tzinfo=LONDON))
    assert str(event["LOCATION"]) == "Council offices, room 2"
    assert str(event["URL"]) == "https://meet.example/hub-1"
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert "1. Welcome" in str(event["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert "ATTENDEE" not in event

    calendar, event = _ics(client.get(mine))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == session_calendar_uid(session)  # one event, whoever downloads it
    assert str(event["ATTENDEE"]) == "mailto:practitioner@alpha.example"
    assert str(event["ORGANIZER"]) == "mailto:bm@alpha.example"

    # Rescheduled into British Summer Time: the wall clock is kept, the sequence grows, the UID stays.
    edit = _url(world_a, "session_edit", hub_session_id=session.pk)
    version = client.get(edit).context["form"].initial["expected_updated_at"]
    response = client.post(
        edit, _form(day="2027-06-10", starts_at="14:00", ends_at="16:00", notes="", expected_updated_at=version)
    )
    assert response.status_code == 302, response.content
    _calendar, event = _ics(client.get(mine))
    assert event.decoded("DTSTART") == datetime(2027, 6, 10, 14, 0, tzinfo=LONDON)
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=1)
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == session_calendar_uid(session)

    # Cancelled: STATUS:CANCELLED and a higher sequence, so calendars remove it.
    assert client.post(_url(world_a, "session_move", hub_session_id=session.pk), {"to": "cancelled"}).status_code == 302
    calendar, event = _ics(client.get(mine))
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 2
    _calendar, event = _ics(client.get(whole))
    assert event["STATUS"] == "CANCELLED"


def _said(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_moves_from_the_page_and_refusals_as_messages(world_a, client_for):
    session = session_make(world_a)
    client = client_for(world_a.bm)
    move = _url(world_a, "session_move", hub_session_id=session.pk)
    # Not started yet: refused, said as a message.
    response = client.post(move, {"to": "held"}, follow=True)
    assert "has not started yet" in _said(response)
    client.post(move, {"to": "cancelled"})
    session.refresh_from_db()
    assert session.state == HubSession.State.CANCELLED
    page = client.get(_url(world_a, "session_detail", hub_session_id=session.pk)).content.decode()
    assert 'data-testid="reinstate-session"' in page
    assert 'data-testid="action-form"' not in page
    response = client.post(move, {"to": "held"}, follow=True)
    assert "cancelled: put it back" in _said(response)
    client.post(move, {"to": "scheduled"})
    session.refresh_from_db()
    assert (session.state, session.sequence) == (HubSession.State.SCHEDULED, 2)
    response = client.post(move, {"to": "sideways"}, follow=True)
    assert "Choose what happens" in _said(response)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_are_pinned_and_do_not_grow(world_a, client_for, django_assert_max_num_queries):
    session = session_make(world_a)
    session_make(
        world_a,
        cycle=session.cycle,
        kind="month_2",
        starts_at=session.starts_at + timedelta(days=28),
        ends_at=session.ends_at + timedelta(days=28),
    )
    _action(world_a, session)
    client = client_for(world_a.bm)
    detail = _url(world_a, "session_detail", hub_session_id=session.pk)
    listing = _url(world_a, "session_list", hub_cycle_id=session.cycle_id)
    ics = _url(world_a, "session_member_ics", hub_session_id=session.pk, membership_id=world_a.practitioner.pk)
    # Session, person, memberships, the session with its cycle, attendance, actions, history, members for the
    # action form (+ the navigation).
    with django_assert_max_num_queries(9):
        client.get(detail)
    with django_assert_max_num_queries(6):
        client.get(listing)
    with django_assert_max_num_queries(6):
        client.get(ics)
    before = (_count(client, detail), _count(client, listing))
    members = [world_a.practitioner, world_a.police_lead, world_a.health_lead, world_a.la_lead]
    hub_session_attendance_set(
        partnership=world_a.partnership,
        actor=world_a.bm,
        session=session,
        attended_ids=[m.pk for m in members[:3]],
        apologies_ids=[members[3].pk],
    )
    for n, member in enumerate(members * 3):
        _action(world_a, session, owner=member, text=f"Action {n}")
    for n in range(5):
        session_make(
            world_a,
            cycle=session.cycle,
            kind="other",
            starts_at=session.starts_at + timedelta(days=n + 1),
            ends_at=session.ends_at + timedelta(days=n + 1),
        )
    hub_session_move(partnership=world_a.partnership, actor=world_a.bm, session=session, to="cancelled")
    assert (_count(client, detail), _count(client, listing)) == before
