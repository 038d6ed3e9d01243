"""Learning hub cycles: dates on the partnership's calendar, phases moved, tasks and deadlines, ticking, closing."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from learninghub.builtin_templates import PHASES
from learninghub.models import HubCycle, HubPhase, HubTask, PhaseKind
from learninghub.services.cycles import (
    TASK_DEADLINE,
    hub_cycle_create,
    hub_cycle_move,
    hub_cycle_update,
    hub_phase_move,
    hub_task_assign,
    hub_task_tick,
)
from partnership.models import ClosureDay, Deadline, HistoryEntry, Role
from partnership.selectors.tasks import my_tasks
from partnership.services.priorities import priority_update
from tests.factories import membership_make
from tests.learninghub.helpers import START, cycle_make, priority_make

pytestmark = pytest.mark.django_db


def _phases(cycle) -> dict[str, HubPhase]:
    return {p.kind: p for p in HubPhase.objects.in_partnership(cycle.partnership).filter(cycle=cycle)}


def _deadlines(world):
    return Deadline.objects.in_partnership(world.partnership).filter(
        kind=TASK_DEADLINE, subject_type=ContentType.objects.get_for_model(HubTask)
    )


def test_phases_fall_on_the_partnerships_working_days(world_a):
    cycle = cycle_make(world_a)
    phases = _phases(cycle)
    assert [p.kind for p in sorted(phases.values(), key=lambda p: p.position)] == [t.kind for t in PHASES]
    preparation = phases[PhaseKind.PREPARATION]
    # 20 working days from Monday 21 December 2026, skipping Christmas Day, Boxing Day (substitute, Monday 28th)
    # and New Year's Day (Friday 1 January 2027).
    assert (preparation.starts_on, preparation.ends_on) == (START, date(2027, 1, 20))
    assert phases[PhaseKind.PRE_MEET].starts_on == date(2027, 1, 21)
    assert phases[PhaseKind.PRE_MEET].ends_on == date(2027, 1, 27)
    assert phases[PhaseKind.SCOPING].starts_on == date(2027, 1, 28)
    # The impact review comes months after the learning event.
    gap = (phases[PhaseKind.IMPACT_REVIEW].starts_on - phases[PhaseKind.LEARNING_EVENT].ends_on).days
    assert gap > 150


def test_a_closure_day_pushes_the_phases_back(world_a):
    ClosureDay.objects.create(partnership=world_a.partnership, date=date(2027, 1, 4), reason="Office move")
    phases = _phases(cycle_make(world_a))
    assert phases[PhaseKind.PREPARATION].ends_on == date(2027, 1, 21)


def test_without_a_pre_meet_month_1_follows_the_preparation(world_a):
    phases = _phases(cycle_make(world_a, has_pre_meet=False))
    assert PhaseKind.PRE_MEET not in phases
    assert phases[PhaseKind.SCOPING].starts_on == date(2027, 1, 21)


def test_every_checklist_task_is_created_with_its_deadline(world_a):
    cycle = cycle_make(world_a)
    tasks = list(HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle).select_related("phase"))
    assert len(tasks) == sum(len(t.tasks) for t in PHASES)
    assert all(task.due_on == task.phase.ends_on for task in tasks)
    deadlines = {d.subject_id: d for d in _deadlines(world_a)}
    assert set(deadlines) == {t.pk for t in tasks}
    assert all(deadlines[t.pk].due_on == t.due_on for t in tasks)
    assert all(deadlines[t.pk].title.startswith("Priority 1: missing children:") for t in tasks)
    # Owed by the task's role: on the "my tasks" of whoever holds it.
    assert all((deadlines[t.pk].assignee, deadlines[t.pk].assignee_role) == (None, t.owner_role) for t in tasks)
    # The seed's "nominated lead" is the lead partner's lead (the police here); the operations team is the
    # business managers; the hub's own work is its members'.
    by_text = {t.text: t for t in tasks}
    assert by_text["Select children's cases for auditing with the nominated lead"].owner_role == (
        Role.PARTNER_LEAD_POLICE
    )
    assert by_text["Present the information in the delivery plan"].owner_role == Role.BUSINESS_MANAGER
    assert by_text["Review the success measures for the priority"].owner_role == Role.PRACTITIONER
    created = HistoryEntry.objects.in_partnership(world_a.partnership).filter(
        content_type=ContentType.objects.get_for_model(HubTask)
    )
    assert created.count() == len(tasks)


def test_a_priority_led_together_gives_the_nominated_leads_work_to_the_business_managers(world_a):
    cycle = cycle_make(world_a, priority=priority_make(world_a, lead_partner=""))
    roles = set(
        HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle).values_list("owner_role", flat=True)
    )
    assert Role.PARTNER_LEAD_POLICE not in roles
    assert Role.BUSINESS_MANAGER in roles


@pytest.mark.parametrize(
    ("starts_on", "message"),
    [
        (date(2026, 12, 19), "not a working day (Weekend)"),
        (date(2026, 12, 25), "Christmas Day"),
        (None, "Enter the date the cycle starts."),
        (date(1801, 1, 5), "Working days can only be counted between"),
    ],
)
def test_a_start_on_a_day_off_is_refused_on_its_field(world_a, starts_on, message):
    priority = priority_make(world_a)
    with pytest.raises(ValidationError) as caught:
        hub_cycle_create(
            partnership=world_a.partnership, actor=world_a.bm, title="X", priority_id=priority.pk, starts_on=starts_on
        )
    assert message in " ".join(caught.value.message_dict["starts_on"])
    assert not HubCycle.objects.in_partnership(world_a.partnership).exists()


def test_another_partnerships_or_a_retired_priority_is_refused(world_a, world_b):
    theirs = priority_make(world_b)
    mine = priority_make(world_a, title="Neglect")
    priority_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        priority=mine,
        title=mine.title,
        start_year=2026,
        end_year=2027,
        is_active=False,
    )
    for priority in (theirs, mine):
        with pytest.raises(ValidationError) as caught:
            hub_cycle_create(
                partnership=world_a.partnership, actor=world_a.bm, title="", priority_id=priority.pk, starts_on=START
            )
        assert set(caught.value.message_dict) == {"priority_id", "title"}
    assert not HubCycle.objects.in_partnership(world_a.partnership).exists()


def test_moving_a_phase_moves_every_later_phase_and_their_deadlines(world_a):
    cycle = cycle_make(world_a)
    before = _phases(cycle)
    scoping = before[PhaseKind.SCOPING]
    # Month 1 ends five working days later (a week: no holidays then).
    shifts = hub_phase_move(
        partnership=world_a.partnership,
        actor=world_a.bm,
        cycle=cycle,
        phase=scoping,
        starts_on=scoping.starts_on,
        ends_on=date(2027, 3, 3),
    )
    assert shifts[0].old_ends_on == date(2027, 2, 24)
    kinds = [s.phase.kind for s in shifts]
    assert kinds == [t.kind for t in PHASES][2:]  # scoping and every phase after it; not the earlier ones
    after = _phases(cycle)
    assert after[PhaseKind.PREPARATION].ends_on == before[PhaseKind.PREPARATION].ends_on
    assert after[PhaseKind.SCOPING].ends_on == date(2027, 3, 3)
    assert after[PhaseKind.AUDITING].starts_on == date(2027, 3, 4)
    # Five working days later, over Easter 2027 (Good Friday 26 and Easter Monday 29 March): 2 April, not 31 March.
    assert after[PhaseKind.AUDITING].ends_on == date(2027, 4, 2)
    assert before[PhaseKind.AUDITING].ends_on == date(2027, 3, 24)
    deadlines = {d.subject_id: d.due_on for d in _deadlines(world_a)}
    for task in HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle).select_related("phase"):
        assert task.due_on == task.phase.ends_on
        assert deadlines[task.pk] == task.due_on
    moved = HistoryEntry.objects.in_partnership(world_a.partnership).filter(
        content_type=ContentType.objects.get_for_model(HubPhase), action=HistoryEntry.Action.UPDATED
    )
    assert moved.count() == len(shifts)
    assert moved.filter(reason="Moved with month 1: scoping").count() == len(shifts) - 1


def test_moving_the_first_phase_moves_the_cycles_start(world_a):
    cycle = cycle_make(world_a)
    preparation = _phases(cycle)[PhaseKind.PREPARATION]
    hub_phase_move(
        partnership=world_a.partnership,
        actor=world_a.bm,
        cycle=cycle,
        phase=preparation,
        starts_on=date(2026, 12, 22),
        ends_on=preparation.ends_on,
    )
    cycle.refresh_from_db()
    assert cycle.starts_on == date(2026, 12, 22)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "message"),
    [
        (date(2027, 2, 1), date(2027, 2, 6), "ends_on", "not a working day"),
        (date(2027, 2, 10), date(2027, 2, 9), "ends_on", "end on or after"),
        (date(2027, 1, 27), date(2027, 2, 24), "starts_on", "Start after pre-meet ends, on 27 January 2027"),
        (None, date(2027, 2, 24), "starts_on", "Enter a date."),
    ],
)
def test_bad_phase_dates_are_refused_on_their_fields(world_a, starts_on, ends_on, field, message):
    cycle = cycle_make(world_a)
    scoping = _phases(cycle)[PhaseKind.SCOPING]
    with pytest.raises(ValidationError) as caught:
        hub_phase_move(
            partnership=world_a.partnership,
            actor=world_a.bm,
            cycle=cycle,
            phase=scoping,
            starts_on=starts_on,
            ends_on=ends_on,
        )
    assert message in " ".join(caught.value.message_dict[field])
    assert _phases(cycle)[PhaseKind.SCOPING].ends_on == date(2027, 2, 24)


def _task(cycle, owner_role):
    return HubTask.objects.in_partnership(cycle.partnership).filter(cycle=cycle, owner_role=owner_role).first()


def test_the_owner_ticks_a_task_done_and_its_deadline_is_met(world_a):
    cycle = cycle_make(world_a)
    task = _task(cycle, Role.PARTNER_LEAD_POLICE)
    hub_task_tick(
        partnership=world_a.partnership,
        actor=world_a.police_lead.person,
        membership=world_a.police_lead,
        task=task,
        done=True,
    )
    task.refresh_from_db()
    assert task.done_by == world_a.police_lead.person
    assert task.done_at is not None
    deadline = _deadlines(world_a).get(subject_id=task.pk)
    assert deadline.state == Deadline.State.MET
    entry = HistoryEntry.objects.in_partnership(world_a.partnership).filter(
        object_id=task.pk, action=HistoryEntry.Action.UPDATED
    )
    assert entry.get().changes == {"done": {"from": False, "to": True}}
    # Ticked again: nothing changes. Unticked (by a business manager): the deadline is owed again.
    hub_task_tick(
        partnership=world_a.partnership, actor=world_a.bm, membership=world_a.business_manager, task=task, done=True
    )
    assert entry.count() == 1
    hub_task_tick(
        partnership=world_a.partnership, actor=world_a.bm, membership=world_a.business_manager, task=task, done=False
    )
    task.refresh_from_db()
    assert task.done_at is None
    assert _deadlines(world_a).get(subject_id=task.pk).state == Deadline.State.OPEN


def test_someone_else_cannot_tick_a_task(world_a):
    cycle = cycle_make(world_a)
    task = _task(cycle, Role.PARTNER_LEAD_POLICE)
    for membership in (world_a.health_lead, world_a.practitioner, world_a.observer):
        with pytest.raises(PermissionDenied):
            hub_task_tick(
                partnership=world_a.partnership, actor=membership.person, membership=membership, task=task, done=True
            )
    task.refresh_from_db()
    assert task.done_at is None


def test_closing_a_cycle_cancels_its_open_deadlines_and_freezes_it(world_a):
    cycle = cycle_make(world_a)
    done = _task(cycle, Role.BUSINESS_MANAGER)
    hub_task_tick(
        partnership=world_a.partnership, actor=world_a.bm, membership=world_a.business_manager, task=done, done=True
    )
    hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to=HubCycle.State.CLOSED)
    states = set(_deadlines(world_a).exclude(subject_id=done.pk).values_list("state", flat=True))
    assert states == {Deadline.State.CANCELLED}
    assert _deadlines(world_a).get(subject_id=done.pk).state == Deadline.State.MET
    with pytest.raises(ValidationError):
        hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to=HubCycle.State.WITHDRAWN)
    with pytest.raises(ValidationError):
        hub_task_tick(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.business_manager,
            task=done,
            done=False,
        )
    with pytest.raises(ValidationError):
        hub_cycle_update(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, title="New", priority_id=None)


def test_withdrawing_is_allowed_from_in_progress(world_a):
    cycle = cycle_make(world_a)
    hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to=HubCycle.State.WITHDRAWN)
    assert cycle.state == HubCycle.State.WITHDRAWN


# --- State moves: every allowed and refused one -----------------------------------------------------------


@pytest.mark.parametrize("to", [HubCycle.State.CLOSED, HubCycle.State.WITHDRAWN])
def test_an_ended_cycle_moves_nowhere_not_even_back_to_in_progress_or_to_where_it_is(world_a, to):
    cycle = cycle_make(world_a)
    hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to=to)
    moves = HistoryEntry.objects.in_partnership(world_a.partnership).filter(
        content_type=ContentType.objects.get_for_model(HubCycle), object_id=str(cycle.pk)
    )
    recorded = moves.count()
    for refused in HubCycle.State:
        with pytest.raises(ValidationError):
            hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to=refused)
        cycle.refresh_from_db()
        assert cycle.state == to
    assert moves.count() == recorded


def test_an_active_cycle_cannot_move_to_in_progress_again(world_a):
    cycle = cycle_make(world_a)
    with pytest.raises(ValidationError):
        hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to=HubCycle.State.ACTIVE)
    cycle.refresh_from_db()
    assert cycle.state == HubCycle.State.ACTIVE
    assert set(_deadlines(world_a).values_list("state", flat=True)) == {Deadline.State.OPEN}


# --- Tasks owned by a role, and given to a named member ---------------------------------------------------


def _task_titles(world, membership) -> set[str]:
    tasks = my_tasks(person=membership.person, partnership=world.partnership, membership=membership).tasks
    return {t.title for t in tasks if t.source == "deadline" and t.assigned_to_you}


def _title(cycle, task) -> str:
    return Deadline.objects.in_partnership(cycle.partnership).get(kind=TASK_DEADLINE, subject_id=task.pk).title


def test_a_task_owned_by_a_role_is_on_the_my_tasks_of_each_holder_and_not_of_other_roles(world_a):
    cycle = cycle_make(world_a)
    second = membership_make(
        partnership=world_a.partnership, agency=world_a.school, roles=[Role.PRACTITIONER], email="p2@alpha.example"
    )
    police = _task(cycle, Role.PARTNER_LEAD_POLICE)
    practitioners = _task(cycle, Role.PRACTITIONER)
    assert _title(cycle, police) in _task_titles(world_a, world_a.police_lead)
    assert _title(cycle, police) not in _task_titles(world_a, world_a.health_lead)
    for member in (world_a.practitioner, second):
        assert _title(cycle, practitioners) in _task_titles(world_a, member)
        assert _title(cycle, police) not in _task_titles(world_a, member)
    for member in (world_a.health_lead, world_a.agency_lead, world_a.observer, world_a.business_manager):
        assert _title(cycle, practitioners) not in _task_titles(world_a, member)


def test_a_business_manager_gives_a_task_to_a_named_member_and_its_deadline_follows(world_a):
    cycle = cycle_make(world_a)
    task = _task(cycle, Role.PRACTITIONER)
    title = _title(cycle, task)
    assigned = hub_task_assign(
        partnership=world_a.partnership, actor=world_a.bm, task=task, owner_member_id=world_a.agency_lead.pk
    )
    task.refresh_from_db()
    assert (task.owner_member, task.owner_role) == (world_a.agency_lead, "")
    assert assigned.owner_member == world_a.agency_lead
    deadline = _deadlines(world_a).get(subject_id=task.pk)
    assert (deadline.assignee, deadline.assignee_role, deadline.due_on) == (world_a.agency_lead.person, "", task.due_on)
    assert title in _task_titles(world_a, world_a.agency_lead)
    assert title not in _task_titles(world_a, world_a.practitioner)
    entry = HistoryEntry.objects.in_partnership(world_a.partnership).get(
        content_type=ContentType.objects.get_for_model(HubTask), object_id=str(task.pk), action="updated"
    )
    assert entry.changes == {"owner": {"from": "Any practitioner", "to": "Alpha Agency Lead"}}
    assert entry.actor == world_a.bm
    # Given again to the same member: nothing is recorded. To another: recorded again.
    hub_task_assign(
        partnership=world_a.partnership, actor=world_a.bm, task=task, owner_member_id=world_a.agency_lead.pk
    )
    hub_task_assign(partnership=world_a.partnership, actor=world_a.bm, task=task, owner_member_id=world_a.la_lead.pk)
    changes = HistoryEntry.objects.in_partnership(world_a.partnership).filter(
        content_type=ContentType.objects.get_for_model(HubTask), object_id=str(task.pk), action="updated"
    )
    assert [e.changes["owner"]["to"] for e in changes.order_by("pk")] == ["Alpha Agency Lead", "Alpha LA Lead"]
    assert _deadlines(world_a).get(subject_id=task.pk).assignee == world_a.la_lead.person


def test_the_named_owner_ticks_the_task_and_the_roles_holders_no_longer_do(world_a):
    cycle = cycle_make(world_a)
    task = _task(cycle, Role.PRACTITIONER)
    hub_task_assign(
        partnership=world_a.partnership, actor=world_a.bm, task=task, owner_member_id=world_a.agency_lead.pk
    )
    with pytest.raises(PermissionDenied):
        hub_task_tick(
            partnership=world_a.partnership,
            actor=world_a.practitioner.person,
            membership=world_a.practitioner,
            task=task,
            done=True,
        )
    hub_task_tick(
        partnership=world_a.partnership,
        actor=world_a.agency_lead.person,
        membership=world_a.agency_lead,
        task=task,
        done=True,
    )
    assert _deadlines(world_a).get(subject_id=task.pk).state == Deadline.State.MET


def test_moving_a_phase_keeps_each_tasks_owner_on_its_deadline(world_a):
    cycle = cycle_make(world_a)
    scoping = _phases(cycle)[PhaseKind.SCOPING]
    named = HubTask.objects.in_partnership(world_a.partnership).filter(phase=scoping).first()
    hub_task_assign(partnership=world_a.partnership, actor=world_a.bm, task=named, owner_member_id=world_a.la_lead.pk)
    hub_phase_move(
        partnership=world_a.partnership,
        actor=world_a.bm,
        cycle=cycle,
        phase=scoping,
        starts_on=scoping.starts_on,
        ends_on=date(2027, 3, 3),
    )
    deadlines = {d.subject_id: d for d in _deadlines(world_a)}
    assert deadlines[named.pk].due_on == date(2027, 3, 3)
    assert (deadlines[named.pk].assignee, deadlines[named.pk].assignee_role) == (world_a.la_lead.person, "")
    for task in HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle).exclude(pk=named.pk):
        assert (deadlines[task.pk].assignee, deadlines[task.pk].assignee_role) == (None, task.owner_role)
    assert _title(cycle, named) in _task_titles(world_a, world_a.la_lead)


@pytest.mark.parametrize("who", ["other_partnership", "former_member", "closed_account", "missing", "none"])
def test_a_member_who_cannot_own_it_is_refused_like_a_missing_one(world_a, world_b, who):
    cycle = cycle_make(world_a)
    task = _task(cycle, Role.PRACTITIONER)
    if who == "former_member":
        world_a.agency_lead.is_active = False
        world_a.agency_lead.save(update_fields=["is_active"])
    if who == "closed_account":
        world_a.agency_lead.person.is_active = False
        world_a.agency_lead.person.save(update_fields=["is_active"])
    member_id = {
        "other_partnership": world_b.agency_lead.pk,
        "missing": 2**62,
        "none": None,
    }.get(who, world_a.agency_lead.pk)
    with pytest.raises(ValidationError) as caught:
        hub_task_assign(partnership=world_a.partnership, actor=world_a.bm, task=task, owner_member_id=member_id)
    assert caught.value.message_dict == {"owner_member_id": ["Choose an active member of this partnership."]}
    task.refresh_from_db()
    assert (task.owner_member, task.owner_role) == (None, Role.PRACTITIONER)
    assert _deadlines(world_a).get(subject_id=task.pk).assignee is None


def test_a_task_of_an_ended_cycle_is_not_given_to_anyone(world_a):
    cycle = cycle_make(world_a)
    task = _task(cycle, Role.PRACTITIONER)
    hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to=HubCycle.State.CLOSED)
    with pytest.raises(ValidationError):
        hub_task_assign(
            partnership=world_a.partnership, actor=world_a.bm, task=task, owner_member_id=world_a.agency_lead.pk
        )
    task.refresh_from_db()
    assert task.owner_member is None
