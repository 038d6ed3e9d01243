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
from partnership.models import Deadline, HistoryEntry, Role
from partnership.selectors import working_day_calendar
from partnership.selectors.tasks import my_tasks
from tests.factories import membership_make
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
        task = HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle).first()
        given = {"owner_member_id": str(membership.pk)}
        assert client.post(_url(world_a, "task_assign", hub_task_id=task.pk), given).status_code == 403
        assert client.get(_url(world_a, "task_assign", hub_task_id=task.pk)).status_code == 403
        assert b'data-testid="assign"' not in client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).content
    assert not HubTask.objects.in_partnership(world_a.partnership).filter(owner_member__isnull=False).exists()
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
    given = {"owner_member_id": str(world_b.practitioner.pk)}
    assert client.post(_url(world_b, "task_assign", hub_task_id=task.pk), given).status_code == 404
    assert client.get(_url(world_b, "task_assign", hub_task_id=task.pk)).status_code == 404
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


def _practitioners_task(world, cycle):
    return HubTask.objects.in_partnership(world.partnership).filter(cycle=cycle, owner_role=Role.PRACTITIONER)[0]


def test_a_business_manager_gives_a_task_to_a_named_member_on_its_page(world_a, client_for):
    cycle = cycle_make(world_a)
    task = _practitioners_task(world_a, cycle)
    client = client_for(world_a.bm)
    assign = _url(world_a, "task_assign", hub_task_id=task.pk)
    page = client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).content.decode()
    row = page[page.index(f'id="task-{task.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'<a href="{assign}" data-testid="assign">Give to a member' in row
    assert "<select" not in page  # the members are listed on the task's own page, not beside every task
    form = client.get(assign).content.decode()
    assert f'<select name="owner_member_id" class="select" required id="task-{task.pk}-owner_member_id">' in form
    assert f'<option value="{world_a.agency_lead.pk}">Alpha Agency Lead</option>' in form
    assert task.text in form
    response = client.post(
        _url(world_a, "task_assign", hub_task_id=task.pk), {"owner_member_id": str(world_a.agency_lead.pk)}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#task-{task.pk}")
    task.refresh_from_db()
    assert (task.owner_member, task.owner_role) == (world_a.agency_lead, "")
    deadline = Deadline.objects.in_partnership(world_a.partnership).get(kind="hub_task", subject_id=task.pk)
    assert deadline.assignee == world_a.agency_lead.person
    page = client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk))
    assert page.context["page"].history[0].changes == {"owner": {"from": "Any practitioner", "to": "Alpha Agency Lead"}}
    assert f'<option value="{world_a.agency_lead.pk}" selected>' in client.get(assign).content.decode()
    # The new owner finds it on their tasks, and ticks it from the cycle's page.
    owner = client_for(world_a.agency_lead.person)
    mine = owner.get(reverse("partnership:my_tasks", kwargs={"slug": world_a.partnership.slug})).content.decode()
    assert f"#task-{task.pk}" in mine
    assert task.pk in owner.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).context["page"].tickable
    assert owner.post(_url(world_a, "task_tick", hub_task_id=task.pk), {"done": "1"}).status_code == 302
    task.refresh_from_db()
    assert task.done_by == world_a.agency_lead.person


@pytest.mark.parametrize("who", ["other_partnership", "former_member", "missing", "none", "junk"])
def test_a_member_who_cannot_own_the_task_is_refused_beside_the_field(world_a, world_b, client_for, who):
    cycle = cycle_make(world_a)
    task = _practitioners_task(world_a, cycle)
    world_a.la_lead.is_active = False
    world_a.la_lead.save(update_fields=["is_active"])
    sent = {
        "other_partnership": str(world_b.agency_lead.pk),
        "former_member": str(world_a.la_lead.pk),
        "missing": "999999999",
        "none": "",
        "junk": "one",
    }[who]
    response = client_for(world_a.bm).post(_url(world_a, "task_assign", hub_task_id=task.pk), {"owner_member_id": sent})
    assert response.status_code == 400
    content = response.content.decode()
    error = f'<p class="error-message" id="task-{task.pk}-owner_member_id-error">'
    assert error in content
    message = "Choose the member who owns it." if who == "none" else "Choose an active member of this partnership."
    assert message in content[content.index(error) :][:300]
    assert f'href="#task-{task.pk}-owner_member_id"' in content  # the summary at the top links to the field
    assert "<title>Error: " in content
    assert 'aria-invalid="true"' in content
    task.refresh_from_db()
    assert (task.owner_member, task.owner_role) == (None, Role.PRACTITIONER)
    assert not HistoryEntry.objects.in_partnership(world_a.partnership).filter(
        object_id=str(task.pk), action=HistoryEntry.Action.UPDATED
    )


def test_a_task_is_refused_to_a_new_owner_once_the_cycle_has_ended(world_a, client_for):
    cycle = cycle_make(world_a)
    task = _practitioners_task(world_a, cycle)
    client = client_for(world_a.bm)
    client.post(_url(world_a, "cycle_close", hub_cycle_id=cycle.pk), {"to": "closed"})
    assert b'data-testid="assign"' not in client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).content
    for method in (client.get, client.post):
        response = method(
            _url(world_a, "task_assign", hub_task_id=task.pk),
            {"owner_member_id": str(world_a.agency_lead.pk)},
            follow=True,
        )
        assert "can no longer change hands" in str(next(iter(response.context["messages"])))
    task.refresh_from_db()
    assert task.owner_member is None


def test_a_task_owned_by_a_role_is_on_each_holders_tasks_and_not_on_other_roles(world_a, client_for):
    cycle = cycle_make(world_a)
    task = _practitioners_task(world_a, cycle)
    second = membership_make(
        partnership=world_a.partnership, agency=world_a.school, roles=[Role.PRACTITIONER], email="p2@alpha.example"
    )
    tasks_url = reverse("partnership:my_tasks", kwargs={"slug": world_a.partnership.slug})
    for membership in (world_a.practitioner, second):
        assert f"#task-{task.pk}" in client_for(membership.person).get(tasks_url).content.decode()
    for membership in (world_a.police_lead, world_a.agency_lead, world_a.business_manager):
        assert f"#task-{task.pk}" not in client_for(membership.person).get(tasks_url).content.decode()
    police = HubTask.objects.in_partnership(world_a.partnership).filter(owner_role=Role.PARTNER_LEAD_POLICE)[0]
    titles = {t.title for t in my_tasks(person=world_a.police_lead.person, partnership=world_a.partnership).tasks}
    assert any(police.text[:40] in title for title in titles)


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


def test_query_counts_are_pinned_and_do_not_grow_with_the_checklist(
    drawn_afresh, world_a, client_for, django_assert_max_num_queries
):
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


def test_a_business_managers_cycle_page_reads_a_fixed_number_of_queries_with_its_tasks_given(
    drawn_afresh, world_a, client_for, django_assert_max_num_queries
):
    cycle = _running_cycle(world_a)
    client = client_for(world_a.bm)
    detail = _url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)
    # Session, person, second factor, memberships, the cycle, phases, tasks with owners, history, its sessions,
    # its observers (one: there are none, so no grant is read).
    with django_assert_max_num_queries(10):
        client.get(detail)
    before = _count(client, detail)
    tasks = list(HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle, done_at__isnull=True)[:5])
    for n, task in enumerate(tasks):
        member = membership_make(
            partnership=world_a.partnership, agency=world_a.school, roles=[Role.PRACTITIONER], email=f"m{n}@a.example"
        )
        client.post(_url(world_a, "task_assign", hub_task_id=task.pk), {"owner_member_id": str(member.pk)})
    assert _count(client, detail) == before
