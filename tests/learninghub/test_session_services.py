"""Learning hub sessions: scheduling, rescheduling (sequence), every state move allowed and refused, attendance
from the partnership's members only, actions with owners and their deadlines."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from learninghub.models import HubSession, HubSessionAction, HubSessionAttendance, SessionKind
from learninghub.services.cycles import hub_cycle_move
from learninghub.services.sessions import (
    ACTION_DEADLINE,
    hub_session_action_add,
    hub_session_action_delete,
    hub_session_action_tick,
    hub_session_attendance_set,
    hub_session_create,
    hub_session_move,
    hub_session_update,
)
from partnership.models import Deadline, HistoryEntry
from partnership.services.states import REFUSED_MOVE
from tests.learninghub.helpers import cycle_make
from tests.learninghub.session_helpers import ENDS, LONDON, STARTS, session_make

pytestmark = pytest.mark.django_db
S = HubSession.State


def _update(world, session, **changes):
    data = {
        "kind": session.kind,
        "title": session.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "online_url": session.online_url,
        "agenda": session.agenda,
        "notes": session.notes,
        **changes,
    }
    return hub_session_update(partnership=world.partnership, actor=world.bm, session=session, **data)


def _deadline(world, action):
    return (
        Deadline.objects.in_partnership(world.partnership)
        .filter(kind=ACTION_DEADLINE, subject_type=ContentType.objects.get_for_model(HubSessionAction))
        .get(subject_id=action.pk)
    )


def _action(world, session, *, owner=None, due_on=date(2027, 2, 18), text="Bring the missing episodes data"):
    return hub_session_action_add(
        partnership=world.partnership,
        actor=world.bm,
        session=session,
        text=text,
        owner_id=(owner or world.practitioner).pk,
        due_on=due_on,
    )


def test_a_session_is_scheduled_with_its_details_and_history(world_a):
    session = session_make(world_a, online_url="https://meet.example/hub-1")
    session.refresh_from_db()
    assert session.title == "Month 1 meeting: scoping"  # the kind's name when no title is given
    assert session.state == S.SCHEDULED
    assert session.sequence == 0
    assert (session.starts_at, session.ends_at) == (STARTS, ENDS)
    assert session.online_url == "https://meet.example/hub-1"
    assert (
        HistoryEntry.objects.in_partnership(world_a.partnership)
        .filter(object_id=str(session.pk), action=HistoryEntry.Action.CREATED)
        .exists()
    )


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"kind": "monthly"}, {"kind"}),
        ({"ends_at": STARTS}, {"ends_at"}),
        ({"ends_at": STARTS - timedelta(hours=1)}, {"ends_at"}),
        ({"starts_at": None, "ends_at": None}, {"starts_at", "ends_at"}),
        ({"starts_at": STARTS.replace(year=366), "ends_at": ENDS.replace(year=2100)}, {"starts_at", "ends_at"}),
        ({"place": "", "online_url": ""}, {"place"}),
        ({"place": "", "online_url": "javascript:alert(1)"}, {"online_url"}),
        ({"online_url": "ftp://files.example/agenda"}, {"online_url"}),
        ({"online_url": "meet.example/hub"}, {"online_url"}),
        ({"online_url": "https://" + "a" * 500 + ".example"}, {"online_url"}),
        ({"title": "T" * 201}, {"title"}),
        ({"agenda": "A" * 10_001}, {"agenda"}),
    ],
)
def test_bad_details_are_refused_by_field(world_a, changes, fields):
    cycle = cycle_make(world_a)
    with pytest.raises(ValidationError) as caught:
        session_make(world_a, cycle=cycle, **changes)
    assert set(caught.value.message_dict) == fields
    assert not HubSession.objects.in_partnership(world_a.partnership).exists()


def test_a_pre_meet_needs_a_cycle_with_one(world_a):
    cycle = cycle_make(world_a, has_pre_meet=False)
    with pytest.raises(ValidationError) as caught:
        session_make(world_a, cycle=cycle, kind=SessionKind.PRE_MEET)
    assert set(caught.value.message_dict) == {"kind"}


def test_a_closed_cycle_takes_no_new_session(world_a):
    cycle = cycle_make(world_a)
    hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to="closed")
    with pytest.raises(ValidationError, match="closed"):
        session_make(world_a, cycle=cycle)


def test_rescheduling_raises_the_sequence_but_notes_do_not(world_a):
    session = session_make(world_a)
    _update(world_a, session, notes="We agreed the audit sample.", agenda="1. Welcome")
    session.refresh_from_db()
    assert session.sequence == 0
    assert session.notes == "We agreed the audit sample."
    _update(world_a, session, starts_at=STARTS + timedelta(days=7), ends_at=ENDS + timedelta(days=7))
    session.refresh_from_db()
    assert session.sequence == 1
    assert session.starts_at == STARTS + timedelta(days=7)
    _update(world_a, session, online_url="https://meet.example/new")
    session.refresh_from_db()
    assert session.sequence == 2


def test_a_stale_change_is_refused(world_a):
    session = session_make(world_a)
    read = session.updated_at
    _update(world_a, session, notes="First")
    with pytest.raises(ValidationError) as caught:
        hub_session_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            session=session,
            kind=session.kind,
            starts_at=STARTS,
            ends_at=ENDS,
            place="Here",
            expected_updated_at=read,
        )
    assert caught.value.code == "stale"


def test_a_cancelled_session_cannot_be_changed_and_a_held_one_keeps_its_time(world_a):
    session = session_make(world_a)
    hub_session_move(partnership=world_a.partnership, actor=world_a.bm, session=session, to=S.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        _update(world_a, session, notes="x")
    hub_session_move(partnership=world_a.partnership, actor=world_a.bm, session=session, to=S.SCHEDULED)
    hub_session_move(
        partnership=world_a.partnership, actor=world_a.bm, session=session, to=S.HELD, now=ENDS + timedelta(hours=1)
    )
    session.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _update(world_a, session, starts_at=STARTS + timedelta(days=1), ends_at=ENDS + timedelta(days=1))
    assert set(caught.value.message_dict) == {"starts_at"}
    _update(world_a, session, notes="Held as planned.")  # notes are still written after the meeting
    session.refresh_from_db()
    assert session.notes == "Held as planned."


# Every pair of states: (from, to, allowed).
MOVES = [(a, b, b in HubSession.ALLOWED_MOVES[a]) for a in S.values for b in S.values]


def _put_in(world, session, state):
    after = ENDS + timedelta(hours=1)
    if state == S.HELD:
        hub_session_move(partnership=world.partnership, actor=world.bm, session=session, to=S.HELD, now=after)
    elif state == S.CANCELLED:
        hub_session_move(partnership=world.partnership, actor=world.bm, session=session, to=S.CANCELLED)


@pytest.mark.parametrize(("start", "to", "allowed"), MOVES)
def test_every_state_move_is_allowed_or_refused_by_the_table(world_a, start, to, allowed):
    session = session_make(world_a)
    _put_in(world_a, session, start)
    session.refresh_from_db()
    sequence = session.sequence
    if allowed:
        hub_session_move(
            partnership=world_a.partnership, actor=world_a.bm, session=session, to=to, now=ENDS + timedelta(hours=1)
        )
        session.refresh_from_db()
        assert session.state == to
        # Cancelling and reinstating change the invitation (a new revision); held does not.
        assert session.sequence == sequence + (0 if to == S.HELD else 1)
        entry = HistoryEntry.objects.in_partnership(world_a.partnership).filter(object_id=str(session.pk)).first()
        assert entry.changes["state"] == {"from": S(start).label, "to": S(to).label}
    else:
        with pytest.raises(ValidationError) as caught:
            hub_session_move(
                partnership=world_a.partnership,
                actor=world_a.bm,
                session=session,
                to=to,
                now=ENDS + timedelta(hours=1),
            )
        assert caught.value.code == REFUSED_MOVE
        session.refresh_from_db()
        assert (session.state, session.sequence) == (start, sequence)


def test_a_session_is_held_only_once_it_has_started(world_a):
    session = session_make(world_a)
    with pytest.raises(ValidationError, match="not started"):
        hub_session_move(
            partnership=world_a.partnership,
            actor=world_a.bm,
            session=session,
            to=S.HELD,
            now=STARTS - timedelta(minutes=1),
        )
    hub_session_move(partnership=world_a.partnership, actor=world_a.bm, session=session, to=S.HELD, now=STARTS)
    assert session.state == S.HELD


def test_attendance_is_recorded_and_replaced(world_a):
    session = session_make(world_a)
    hub_session_attendance_set(
        partnership=world_a.partnership,
        actor=world_a.bm,
        session=session,
        attended_ids=[world_a.practitioner.pk, world_a.police_lead.pk],
        apologies_ids=[world_a.health_lead.pk],
    )
    rows = HubSessionAttendance.objects.in_partnership(world_a.partnership).filter(session=session)
    assert {(r.member_id, r.status) for r in rows} == {
        (world_a.practitioner.pk, "attended"),
        (world_a.police_lead.pk, "attended"),
        (world_a.health_lead.pk, "apologies"),
    }
    hub_session_attendance_set(
        partnership=world_a.partnership,
        actor=world_a.bm,
        session=session,
        attended_ids=[world_a.health_lead.pk],
        apologies_ids=[],
    )
    assert {(r.member_id, r.status) for r in rows.all()} == {(world_a.health_lead.pk, "attended")}
    entry = HistoryEntry.objects.in_partnership(world_a.partnership).filter(object_id=str(session.pk)).first()
    assert entry.changes["attended"]["to"] == [str(world_a.health_lead.pk)]


def test_attendance_refuses_another_partnerships_or_a_former_member_as_missing(world_a, world_b):
    session = session_make(world_a)
    world_a.observer.is_active = False
    world_a.observer.save(update_fields=["is_active"])
    for attended, apologies, field in [
        ([world_b.practitioner.pk], [], "attended_ids"),
        ([], [world_b.health_lead.pk], "apologies_ids"),
        ([world_a.observer.pk], [], "attended_ids"),
        ([999_999], [], "attended_ids"),
        ([world_a.practitioner.pk], [world_a.practitioner.pk], "apologies_ids"),
    ]:
        with pytest.raises(ValidationError) as caught:
            hub_session_attendance_set(
                partnership=world_a.partnership,
                actor=world_a.bm,
                session=session,
                attended_ids=attended,
                apologies_ids=apologies,
            )
        assert set(caught.value.message_dict) == {field}
    assert not HubSessionAttendance.objects.in_partnership(world_a.partnership).exists()


def test_a_cancelled_session_has_no_attendance_or_new_actions(world_a):
    session = session_make(world_a)
    hub_session_move(partnership=world_a.partnership, actor=world_a.bm, session=session, to=S.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        hub_session_attendance_set(
            partnership=world_a.partnership,
            actor=world_a.bm,
            session=session,
            attended_ids=[world_a.practitioner.pk],
            apologies_ids=[],
        )
    with pytest.raises(ValidationError, match="cancelled"):
        _action(world_a, session)


def test_an_action_is_chased_by_a_deadline_assigned_to_its_owner(world_a):
    session = session_make(world_a)
    action = _action(world_a, session)
    deadline = _deadline(world_a, action)
    assert deadline.assignee == world_a.practitioner.person
    assert deadline.due_on == date(2027, 2, 18)
    assert deadline.state == Deadline.State.OPEN
    assert deadline.title == "Month 1 meeting: scoping: Bring the missing episodes data"


@pytest.mark.parametrize(
    ("given", "fields"),
    [
        (("other", date(2027, 2, 18), "Do it"), {"owner_id"}),
        ((None, date(2027, 2, 18), "Do it"), {"owner_id"}),
        (("mine", date(2027, 2, 3), "Do it"), {"due_on"}),
        (("mine", None, ""), {"due_on", "text"}),
        (("mine", date(2027, 2, 18), "x" * 501), {"text"}),
    ],
)
def test_bad_actions_are_refused_by_field(world_a, world_b, given, fields):
    owner, due_on, text = given
    session = session_make(world_a)
    owner_id = {"other": world_b.practitioner.pk, "mine": world_a.practitioner.pk, None: None}[owner]
    with pytest.raises(ValidationError) as caught:
        hub_session_action_add(
            partnership=world_a.partnership,
            actor=world_a.bm,
            session=session,
            text=text,
            owner_id=owner_id,
            due_on=due_on,
        )
    assert set(caught.value.message_dict) == fields
    assert not HubSessionAction.objects.in_partnership(world_a.partnership).exists()


def test_the_owner_ticks_an_action_and_its_deadline_is_met_then_reopened(world_a):
    action = _action(world_a, session_make(world_a))
    with pytest.raises(PermissionDenied):
        hub_session_action_tick(
            partnership=world_a.partnership,
            actor=world_a.police_lead.person,
            membership=world_a.police_lead,
            action=action,
            done=True,
        )
    hub_session_action_tick(
        partnership=world_a.partnership,
        actor=world_a.practitioner.person,
        membership=world_a.practitioner,
        action=action,
        done=True,
    )
    action.refresh_from_db()
    assert action.done_by == world_a.practitioner.person
    assert _deadline(world_a, action).state == Deadline.State.MET
    hub_session_action_tick(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=world_a.business_manager,
        action=action,
        done=False,
    )
    action.refresh_from_db()
    assert action.done_at is None
    assert _deadline(world_a, action).state == Deadline.State.OPEN


def test_deleting_an_action_takes_its_deadline_and_keeps_its_history(world_a):
    action = _action(world_a, session_make(world_a))
    pk = action.pk
    hub_session_action_delete(partnership=world_a.partnership, actor=world_a.bm, action=action, reason="Duplicate")
    assert not HubSessionAction.objects.in_partnership(world_a.partnership).filter(pk=pk).exists()
    assert not Deadline.objects.in_partnership(world_a.partnership).filter(kind=ACTION_DEADLINE).exists()
    assert (
        HistoryEntry.objects.in_partnership(world_a.partnership)
        .filter(object_id=str(pk), action=HistoryEntry.Action.DELETED)
        .exists()
    )


def test_closing_the_cycle_stops_chasing_its_open_actions(world_a):
    session = session_make(world_a)
    open_action = _action(world_a, session)
    done_action = _action(world_a, session, text="Done already")
    hub_session_action_tick(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=world_a.business_manager,
        action=done_action,
        done=True,
    )
    hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=session.cycle, to="withdrawn")
    assert _deadline(world_a, open_action).state == Deadline.State.CANCELLED
    assert _deadline(world_a, done_action).state == Deadline.State.MET
    with pytest.raises(ValidationError, match="withdrawn"):
        hub_session_action_tick(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.business_manager,
            action=open_action,
            done=True,
        )


def test_times_are_kept_as_london_wall_clock_across_the_clocks_change(world_a):
    cycle = cycle_make(world_a)
    summer = datetime(2027, 6, 10, 14, 0, tzinfo=LONDON)
    session = hub_session_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        cycle=cycle,
        kind=SessionKind.LEARNING_EVENT,
        starts_at=summer,
        ends_at=summer + timedelta(hours=3),
        place="Town hall",
    )
    session.refresh_from_db()
    assert session.starts_at.astimezone(LONDON).hour == 14
    assert session.starts_at.utcoffset() == timedelta(0)  # stored in UTC: 13:00 BST
    assert session.starts_at.hour == 13


def test_the_findings_report_lists_the_sessions_held(world_a):
    from learninghub.report_sections import report_sections_for

    session = session_make(world_a)
    cycle = session.cycle
    assert "sessions" not in [s.key for s in report_sections_for(cycle)]  # none held yet
    hub_session_attendance_set(
        partnership=world_a.partnership,
        actor=world_a.bm,
        session=session,
        attended_ids=[world_a.practitioner.pk, world_a.police_lead.pk],
        apologies_ids=[world_a.health_lead.pk],
    )
    _action(world_a, session)
    hub_session_move(
        partnership=world_a.partnership, actor=world_a.bm, session=session, to=S.HELD, now=ENDS + timedelta(hours=1)
    )
    session_make(world_a, cycle=cycle, kind=SessionKind.MONTH_2)  # scheduled, not held: not in the report
    (section,) = [s for s in report_sections_for(cycle) if s.key == "sessions"]
    assert section.paragraphs == ("The hub met 1 time during the cycle.",)
    assert section.tables[0].rows == (("4 February 2027", "Month 1 meeting: scoping", "2", "1", "0 of 1"),)
