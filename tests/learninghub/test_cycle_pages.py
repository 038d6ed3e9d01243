"""Pages of learning hub cycles: set up, read, change, move a phase, tick, close; roles, tenancy, bad input,
query counts that do not grow with the checklist."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learninghub.models import HubCycle, HubPhase, HubTask, PhaseKind
from partnership.models import Role
from partnership.selectors import working_day_calendar
from tests.learninghub.helpers import START, cycle_make, priority_make

pytestmark = pytest.mark.django_db


def _url(world, name, **kwargs):
    return reverse(f"learninghub:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _running_cycle(world):
    """A cycle that started 60 working days ago: month 2 (auditing) now, the earlier phases' tasks late."""
    calendar = working_day_calendar(partnership=world.partnership)
    return cycle_make(world, starts_on=calendar.subtract_working_days(timezone.localdate(), 60))


def test_business_manager_sets_up_a_cycle_and_sees_its_checklist(world_a, client_for):
    priority = priority_make(world_a)
    client = client_for(world_a.bm)
    assert client.get(_url(world_a, "cycle_create")).status_code == 200
    response = client.post(
        _url(world_a, "cycle_create"),
        {"title": "Priority 1", "priority_id": str(priority.pk), "starts_on": START.isoformat(), "has_pre_meet": "on"},
    )
    assert response.status_code == 302, response.content
    cycle = HubCycle.objects.get(partnership=world_a.partnership)
    page = client.get(response["Location"])
    content = page.content.decode()
    assert "Select children&#x27;s cases for auditing with the nominated lead" in content
    assert "Any partner lead (police)" in content
    assert "Not started yet" in content
    assert page.context["page"].next_phase.kind == PhaseKind.PREPARATION
    assert "Nothing is late." in content
    listing = client.get(_url(world_a, "cycle_list")).content.decode()
    assert "Priority 1" in listing
    assert f"0 of {HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle).count()}" in listing


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"title": "", "priority_id": "", "starts_on": ""}, {"title", "priority_id", "starts_on"}),
        ({"title": "X", "priority_id": "PRIORITY", "starts_on": "2026-12-19"}, {"starts_on"}),
        ({"title": "X", "priority_id": "PRIORITY", "starts_on": "2026-02-30"}, {"starts_on"}),
        ({"title": "X", "priority_id": "999999", "starts_on": "2026-12-21"}, {"priority_id"}),
    ],
)
def test_bad_input_shows_field_errors(world_a, client_for, data, fields):
    priority = priority_make(world_a)
    data = {k: (str(priority.pk) if v == "PRIORITY" else v) for k, v in data.items()}
    response = client_for(world_a.bm).post(_url(world_a, "cycle_create"), data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == fields
    assert b"error-summary" in response.content
    assert not HubCycle.objects.in_partnership(world_a.partnership).exists()


def test_the_page_shows_where_the_cycle_is_what_is_late_and_what_comes_next(world_a, client_for):
    cycle = _running_cycle(world_a)
    response = client_for(world_a.practitioner.person).get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk))
    page = response.context["page"]
    assert page.current.kind == PhaseKind.AUDITING
    assert page.next_phase.kind == PhaseKind.FEEDBACK
    late_phases = {t.phase_id for t in page.late}
    kinds = dict(HubPhase.objects.in_partnership(world_a.partnership).values_list("pk", "kind"))
    assert {kinds[p] for p in late_phases} == {PhaseKind.PREPARATION, PhaseKind.PRE_MEET, PhaseKind.SCOPING}
    assert all(t.due_on >= timezone.localdate() for t in page.coming)
    content = response.content.decode()
    assert 'data-testid="late-tasks"' in content
    assert "Month 2: auditing, until" in content
    # The move form shows the phase's dates as a date input reads them (ISO), not as the locale draws them.
    phase = page.current
    move = client_for(world_a.bm).get(_url(world_a, "phase_move", hub_cycle_id=cycle.pk, hub_phase_id=phase.pk))
    assert f'value="{phase.starts_on.isoformat()}"' in move.content.decode()


def test_members_read_only_managers_change(world_a, client_for):
    cycle = cycle_make(world_a)
    phase = HubPhase.objects.in_partnership(world_a.partnership).get(cycle=cycle, kind=PhaseKind.SCOPING)
    for membership in (world_a.practitioner, world_a.observer, world_a.police_lead):
        client = client_for(membership.person)
        listing = client.get(_url(world_a, "cycle_list"))
        assert listing.status_code == 200
        assert "Learning hub" in [item["label"] for item in listing.context["nav_items"]]
        assert client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).status_code == 200
        assert client.get(_url(world_a, "cycle_create")).status_code == 403
        assert client.get(_url(world_a, "cycle_edit", hub_cycle_id=cycle.pk)).status_code == 403
        assert client.get(_url(world_a, "phase_move", hub_cycle_id=cycle.pk, hub_phase_id=phase.pk)).status_code == 403
        assert client.post(_url(world_a, "cycle_close", hub_cycle_id=cycle.pk), {"to": "closed"}).status_code == 403
    cycle.refresh_from_db()
    assert cycle.state == HubCycle.State.ACTIVE


def test_another_partnerships_cycle_phase_and_task_are_404(world_a, world_b, client_for):
    cycle = cycle_make(world_a)
    phase = HubPhase.objects.in_partnership(world_a.partnership).filter(cycle=cycle).first()
    task = HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle).first()
    client = client_for(world_b.bm)
    for name, kwargs in [
        ("cycle_detail", {"hub_cycle_id": cycle.pk}),
        ("cycle_edit", {"hub_cycle_id": cycle.pk}),
        ("phase_move", {"hub_cycle_id": cycle.pk, "hub_phase_id": phase.pk}),
    ]:
        assert client.get(_url(world_b, name, **kwargs)).status_code == 404
    assert client.post(_url(world_b, "task_tick", hub_task_id=task.pk), {"done": "1"}).status_code == 404
    assert client.post(_url(world_b, "cycle_close", hub_cycle_id=cycle.pk), {"to": "closed"}).status_code == 404
    # A phase of one of world A's cycles under another of its cycles' URLs is missing too.
    other = cycle_make(world_a, priority=priority_make(world_a, title="Neglect"))
    response = client_for(world_a.bm).get(_url(world_a, "phase_move", hub_cycle_id=other.pk, hub_phase_id=phase.pk))
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_owner_ticks_a_task_and_others_cannot(world_a, client_for):
    cycle = cycle_make(world_a)
    task = HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle, owner_role=Role.PRACTITIONER)[0]
    detail = client_for(world_a.observer.person).get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk))
    assert task.pk not in detail.context["page"].tickable
    assert (
        client_for(world_a.observer.person)
        .post(_url(world_a, "task_tick", hub_task_id=task.pk), {"done": "1"})
        .status_code
        == 403
    )
    client = client_for(world_a.practitioner.person)
    assert task.pk in client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).context["page"].tickable
    response = client.post(_url(world_a, "task_tick", hub_task_id=task.pk), {"done": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#task-{task.pk}")
    task.refresh_from_db()
    assert task.done_by == world_a.practitioner.person
    history = client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).context["page"].history
    assert history[0].object_id == task.pk
    # Bad input: nothing changes.
    client.post(_url(world_a, "task_tick", hub_task_id=task.pk), {"done": "maybe"})
    task.refresh_from_db()
    assert task.done_at is not None


def test_moving_a_phase_says_what_else_moved(world_a, client_for):
    cycle = cycle_make(world_a)
    phase = HubPhase.objects.in_partnership(world_a.partnership).get(cycle=cycle, kind=PhaseKind.FINDINGS)
    client = client_for(world_a.bm)
    page = client.get(_url(world_a, "phase_move", hub_cycle_id=cycle.pk, hub_phase_id=phase.pk))
    assert [p.kind for p in page.context["later"]] == [
        PhaseKind.BOARD_SIGN_OFF,
        PhaseKind.ACTION_PLAN,
        PhaseKind.LEARNING_EVENT,
        PhaseKind.IMPACT_REVIEW,
    ]
    url = _url(world_a, "phase_move", hub_cycle_id=cycle.pk, hub_phase_id=phase.pk)
    response = client.post(url, {"starts_on": phase.starts_on.isoformat(), "ends_on": "2027-06-32"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"ends_on"}
    response = client.post(url, {"starts_on": phase.starts_on.isoformat(), "ends_on": "2027-05-31"})  # bank holiday
    assert response.status_code == 400
    assert "Spring Bank Holiday" in response.context["form"].errors["ends_on"][0]
    response = client.post(url, {"starts_on": phase.starts_on.isoformat(), "ends_on": "2027-06-04"}, follow=True)
    message = str(next(iter(response.context["messages"])))
    assert message.startswith("Moved 5 phases.")
    assert "Board sign-off:" in message
    assert "Impact review:" in message


def test_edit_and_close(world_a, client_for):
    cycle = cycle_make(world_a)
    client = client_for(world_a.bm)
    edit = _url(world_a, "cycle_edit", hub_cycle_id=cycle.pk)
    version = client.get(edit).context["form"].initial["expected_updated_at"]
    response = client.post(edit, {"title": "", "priority_id": str(cycle.priority_id), "expected_updated_at": version})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title"}
    response = client.post(
        edit, {"title": "Renamed", "priority_id": str(cycle.priority_id), "expected_updated_at": version}
    )
    assert response.status_code == 302
    # The same stale page again: refused, the saved version shown.
    response = client.post(
        edit, {"title": "Other", "priority_id": str(cycle.priority_id), "expected_updated_at": version}
    )
    assert response.status_code == 400
    assert b"saved-version" in response.content
    response = client.post(_url(world_a, "cycle_close", hub_cycle_id=cycle.pk), {"to": "closed", "reason": "Done"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.title == "Renamed"
    assert cycle.state == HubCycle.State.CLOSED
    content = client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).content.decode()
    assert 'data-testid="tick"' not in content
    assert 'data-testid="close-form"' not in content


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_are_pinned_and_do_not_grow_with_the_checklist(world_a, client_for, django_assert_max_num_queries):
    cycle = _running_cycle(world_a)
    cycle_make(world_a, priority=priority_make(world_a, title="Neglect"))
    client = client_for(world_a.practitioner.person)
    detail = _url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)
    listing = _url(world_a, "cycle_list")
    # Session, person, memberships, the cycle, phases, tasks with owners, history, its sessions (+ the navigation).
    with django_assert_max_num_queries(9):
        client.get(detail)
    with django_assert_max_num_queries(5):
        client.get(listing)
    before = (_count(client, detail), _count(client, listing))
    phase = HubPhase.objects.in_partnership(world_a.partnership).filter(cycle=cycle).first()
    HubTask.objects.in_partnership(world_a.partnership).bulk_create(
        [
            HubTask(
                partnership=world_a.partnership,
                cycle=cycle,
                phase=phase,
                text=f"Extra task {n}",
                owner_member=world_a.practitioner if n % 2 else None,
                owner_role="" if n % 2 else Role.BUSINESS_MANAGER,
                due_on=date(2027, 1, 4),
                position=100 + n,
            )
            for n in range(30)
        ]
    )
    assert (_count(client, detail), _count(client, listing)) == before
