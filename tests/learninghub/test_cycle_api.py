"""API of learning hub cycles: set up, read, change, move a phase, list, tick and give tasks, close; roles,
tenancy, field errors."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from learninghub.models import HubCycle, HubPhase, HubTask, PhaseKind
from partnership.models import Deadline, HistoryEntry, Role
from tests.conftest import if_match, login
from tests.learninghub.helpers import START, cycle_make, priority_make

pytestmark = pytest.mark.django_db


def _api(person) -> APIClient:
    return login(APIClient(), person)


def _url(world, name, **kwargs):
    return reverse(f"learninghub_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_business_manager_sets_up_reads_changes_and_closes_a_cycle(world_a):
    priority = priority_make(world_a)
    client = _api(world_a.bm)
    response = client.post(
        _url(world_a, "cycle_list"),
        {"title": "Priority 1", "priority_id": priority.pk, "starts_on": START.isoformat(), "has_pre_meet": False},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [p["kind"] for p in body["phases"]][:2] == [PhaseKind.PREPARATION, PhaseKind.SCOPING]
    assert body["next_phase_id"] == body["phases"][0]["id"]
    assert body["late_task_ids"] == []
    cycle_id = body["id"]
    assert [c["title"] for c in client.get(_url(world_a, "cycle_list")).json()["results"]] == ["Priority 1"]
    detail = _url(world_a, "cycle_detail", hub_cycle_id=cycle_id)
    response = client.patch(
        detail, {"title": "Renamed", "priority_id": priority.pk}, format="json", **if_match(client, detail)
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed"
    stale = {"title": "X", "priority_id": priority.pk, "updated_at": "2020-01-01T00:00:00Z"}
    assert client.patch(detail, stale, format="json").status_code == 409
    tasks = client.get(_url(world_a, "cycle_tasks", hub_cycle_id=cycle_id)).json()
    assert len(tasks) == HubTask.objects.in_partnership(world_a.partnership).count()
    response = client.post(_url(world_a, "cycle_move", hub_cycle_id=cycle_id), {"to": "withdrawn"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    response = client.post(_url(world_a, "cycle_move", hub_cycle_id=cycle_id), {"to": "closed"}, format="json")
    assert response.status_code == 400


def test_bad_input_is_400_with_field_errors(world_a):
    priority = priority_make(world_a)
    client = _api(world_a.bm)
    response = client.post(
        _url(world_a, "cycle_list"), {"title": "", "priority_id": "x", "starts_on": "tomorrow"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"title", "priority_id", "starts_on"}
    response = client.post(
        _url(world_a, "cycle_list"),
        {"title": "X", "priority_id": priority.pk, "starts_on": "2026-12-25"},
        format="json",
    )
    assert response.status_code == 400
    assert "Christmas Day" in response.json()["starts_on"][0]
    assert not HubCycle.objects.in_partnership(world_a.partnership).exists()


def test_moving_a_phase_answers_every_phase_that_moved(world_a):
    cycle = cycle_make(world_a)
    phase = HubPhase.objects.in_partnership(world_a.partnership).get(cycle=cycle, kind=PhaseKind.LEARNING_EVENT)
    client = _api(world_a.bm)
    url = _url(world_a, "phase_detail", hub_cycle_id=cycle.pk, hub_phase_id=phase.pk)
    assert client.get(url).json()["kind"] == PhaseKind.LEARNING_EVENT
    response = client.patch(url, {"starts_on": phase.starts_on.isoformat(), "ends_on": "not a date"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"ends_on"}
    response = client.patch(
        url, {"starts_on": phase.ends_on.isoformat(), "ends_on": phase.starts_on.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"ends_on"}
    calendar_next = HubPhase.objects.in_partnership(world_a.partnership).get(cycle=cycle, kind=PhaseKind.IMPACT_REVIEW)
    response = client.patch(
        url, {"starts_on": phase.starts_on.isoformat(), "ends_on": calendar_next.starts_on.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [p["kind"] for p in response.json()["moved"]] == [PhaseKind.LEARNING_EVENT, PhaseKind.IMPACT_REVIEW]


def test_tasks_are_ticked_by_their_owner_or_a_business_manager(world_a):
    cycle = cycle_make(world_a)
    task = HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle, owner_role=Role.PARTNER_LEAD_POLICE)[
        0
    ]
    url = _url(world_a, "task_tick", hub_task_id=task.pk)
    assert _api(world_a.health_lead.person).post(url, {"done": True}, format="json").status_code == 403
    assert _api(world_a.police_lead.person).post(url, {"done": "perhaps"}, format="json").status_code == 400
    response = _api(world_a.police_lead.person).post(url, {"done": True}, format="json")
    assert response.status_code == 200
    assert response.json()["done_by_id"] == world_a.police_lead.person.pk
    response = _api(world_a.bm).post(url, {"done": False}, format="json")
    assert response.json()["done_at"] is None


def test_members_read_managers_write(world_a):
    cycle = cycle_make(world_a)
    client = _api(world_a.practitioner.person)
    assert client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).status_code == 200
    assert client.post(_url(world_a, "cycle_list"), {}, format="json").status_code == 403
    assert client.patch(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk), {}, format="json").status_code == 403
    assert (
        client.post(_url(world_a, "cycle_move", hub_cycle_id=cycle.pk), {"to": "closed"}, format="json").status_code
        == 403
    )
    task = HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle, owner_role=Role.PRACTITIONER)[0]
    given = {"owner_member_id": world_a.practitioner.pk}
    assert client.post(_url(world_a, "task_assign", hub_task_id=task.pk), given, format="json").status_code == 403
    task.refresh_from_db()
    assert task.owner_member is None


@pytest.mark.parametrize("to", ["active", "in_progress", "reopened", "", None])
def test_a_cycle_moves_only_to_closed_or_withdrawn(world_a, to):
    cycle = cycle_make(world_a)
    response = _api(world_a.bm).post(_url(world_a, "cycle_move", hub_cycle_id=cycle.pk), {"to": to}, format="json")
    assert response.status_code == 400
    assert "to" in response.json()
    cycle.refresh_from_db()
    assert cycle.state == HubCycle.State.ACTIVE


@pytest.mark.parametrize("ended", ["closed", "withdrawn"])
def test_an_ended_cycle_moves_nowhere_over_the_api(world_a, ended):
    cycle = cycle_make(world_a)
    client = _api(world_a.bm)
    url = _url(world_a, "cycle_move", hub_cycle_id=cycle.pk)
    assert client.post(url, {"to": ended}, format="json").status_code == 200
    for to in ("closed", "withdrawn", "active"):
        assert client.post(url, {"to": to}, format="json").status_code == 400
    cycle.refresh_from_db()
    assert cycle.state == ended


def test_a_business_manager_gives_a_task_to_a_named_member(world_a):
    cycle = cycle_make(world_a)
    task = HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle, owner_role=Role.PRACTITIONER)[0]
    url = _url(world_a, "task_assign", hub_task_id=task.pk)
    response = _api(world_a.bm).post(url, {"owner_member_id": world_a.agency_lead.pk}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["owner_member_id"], response.json()["owner_role"]) == (world_a.agency_lead.pk, "")
    deadline = Deadline.objects.in_partnership(world_a.partnership).get(kind="hub_task", subject_id=task.pk)
    assert (deadline.assignee, deadline.assignee_role) == (world_a.agency_lead.person, "")
    entry = HistoryEntry.objects.in_partnership(world_a.partnership).get(
        object_id=str(task.pk), action=HistoryEntry.Action.UPDATED
    )
    assert entry.changes == {"owner": {"from": "Any practitioner", "to": "Alpha Agency Lead"}}
    # On the named owner's tasks, and no longer on the practitioners'; the owner ticks it, a practitioner no longer.
    tasks_url = reverse("api:my_tasks", kwargs={"slug": world_a.partnership.slug})
    urls = [t["url"] for t in _api(world_a.agency_lead.person).get(tasks_url).json()["results"]]
    assert any(url.endswith(f"#task-{task.pk}") for url in urls)
    urls = [t["url"] for t in _api(world_a.practitioner.person).get(tasks_url).json()["results"]]
    assert not any(url.endswith(f"#task-{task.pk}") for url in urls)
    tick = _url(world_a, "task_tick", hub_task_id=task.pk)
    assert _api(world_a.practitioner.person).post(tick, {"done": True}, format="json").status_code == 403
    assert _api(world_a.agency_lead.person).post(tick, {"done": True}, format="json").status_code == 200


@pytest.mark.parametrize("who", ["other_partnership", "former_member", "missing", "junk", "absent"])
def test_a_member_who_cannot_own_the_task_is_a_400_on_the_field(world_a, world_b, who):
    cycle = cycle_make(world_a)
    task = HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle, owner_role=Role.PRACTITIONER)[0]
    world_a.la_lead.is_active = False
    world_a.la_lead.save(update_fields=["is_active"])
    body = {
        "other_partnership": {"owner_member_id": world_b.agency_lead.pk},
        "former_member": {"owner_member_id": world_a.la_lead.pk},
        "missing": {"owner_member_id": 2**62},
        "junk": {"owner_member_id": "one"},
        "absent": {},
    }[who]
    response = _api(world_a.bm).post(_url(world_a, "task_assign", hub_task_id=task.pk), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"owner_member_id"}
    if who in ("other_partnership", "former_member", "missing"):  # the same answer: none is this partnership's
        assert response.json() == {"owner_member_id": ["Choose an active member of this partnership."]}
    task.refresh_from_db()
    assert (task.owner_member, task.owner_role) == (None, Role.PRACTITIONER)


def test_another_partnership_gets_404(world_a, world_b):
    cycle = cycle_make(world_a)
    phase = HubPhase.objects.in_partnership(world_a.partnership).filter(cycle=cycle).first()
    task = HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle).first()
    client = _api(world_b.bm)
    assert client.get(_url(world_b, "cycle_detail", hub_cycle_id=cycle.pk)).status_code == 404
    assert client.get(_url(world_b, "cycle_tasks", hub_cycle_id=cycle.pk)).status_code == 404
    assert client.get(_url(world_b, "phase_detail", hub_cycle_id=cycle.pk, hub_phase_id=phase.pk)).status_code == 404
    assert (
        client.post(_url(world_b, "task_tick", hub_task_id=task.pk), {"done": True}, format="json").status_code == 404
    )
    assert (
        client.post(_url(world_b, "cycle_move", hub_cycle_id=cycle.pk), {"to": "closed"}, format="json").status_code
        == 404
    )
    assert (
        client.post(
            _url(world_b, "task_assign", hub_task_id=task.pk),
            {"owner_member_id": world_b.practitioner.pk},
            format="json",
        ).status_code
        == 404
    )
    assert client.get(_url(world_b, "cycle_list")).json()["results"] == []
    # World A's own URL, asked by world B's manager: not a member there.
    assert client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).status_code == 404
