"""Actions' and plans' deadlines through the engine: reminders once only, overdue escalation, "my tasks"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnership.models import Deadline, Role
from partnership.models.recommendations import Action, Recommendation
from partnership.selectors.tasks import my_tasks
from partnership.services import mail as mail_service
from partnership.services.action_plans import DEADLINE_ACTION
from partnership.services.deadlines import deadlines_sweep
from tests.factories import membership_make
from tests.partnership.action_plan_factories import action_make, recommendation_make

pytestmark = pytest.mark.django_db
State = Recommendation.State


def overdue(action: Action, days: int = 5) -> None:
    """Move the action's due date into the past, as time passing would."""
    past = timezone.localdate() - timedelta(days=days)
    Action.objects.filter(pk=action.pk).update(due_on=past)
    Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(Action), subject_id=action.pk, kind=DEADLINE_ACTION
    ).update(due_on=past, remind_on=past - timedelta(days=3))


def told(address: str, text: str) -> int:
    return sum(1 for m in mail.outbox if address in m.to and text in m.body)


def test_an_overdue_action_escalates_to_its_lead_its_agency_leads_and_the_business_managers(world_a, world_b):
    icb_lead = membership_make(
        partnership=world_a.partnership, agency=world_a.icb, roles=[Role.AGENCY_LEAD], email="icb-lead@alpha.example"
    )
    school_lead_elsewhere = membership_make(
        partnership=world_b.partnership,
        agency=world_b.school,
        roles=[Role.AGENCY_LEAD],
        person=world_a.agency_lead.person,  # the same person leads a school in another partnership too
    )
    assert school_lead_elsewhere.partnership_id != world_a.partnership.pk
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS, actions=[{"what": "Audit referral quality"}])
    action = Action.objects.get(plan__recommendation=recommendation)
    overdue(action)
    mail.outbox.clear()

    deadlines_sweep()

    title = f"Action 1 for {recommendation.reference}"
    assert told(world_a.practitioner.person.email, title) == 1  # the lead person, its assignee
    assert told(world_a.bm.email, title) == 1
    assert told(world_a.agency_lead.person.email, title) == 1
    assert "the agency lead of Alpha Primary School" in next(
        m.body for m in mail.outbox if world_a.agency_lead.person.email in m.to
    )
    assert told(icb_lead.person.email, title) == 0
    assert told(world_a.la_lead.person.email, title) == 0


def test_reminders_and_escalations_go_once_only(world_a):
    recommendation = recommendation_make(
        world_a, state=State.IN_PROGRESS, actions=[{"what": "Soon", "due_on": timezone.localdate() + timedelta(days=1)}]
    )
    soon = Action.objects.get(plan__recommendation=recommendation)
    late = action_make(world_a, recommendation, what="Late")
    overdue(late)
    mail.outbox.clear()

    first = deadlines_sweep()
    second = deadlines_sweep()

    assert first["notices_sent"] >= 2
    assert second["notices_sent"] == 0
    assert told(world_a.practitioner.person.email, "Soon") == 1
    assert told(world_a.agency_lead.person.email, "Late") == 1
    assert soon.pk


def test_the_sweeps_queries_do_not_grow_with_overdue_actions(world_a, world_b, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(mail_service, "_dispatch", lambda email_id: None)
    for world in (world_a, world_b):
        recommendation = recommendation_make(world, state=State.IN_PROGRESS, actions=2)
        for action in Action.objects.filter(plan__recommendation=recommendation):
            overdue(action)
    with CaptureQueriesContext(connection) as few:
        deadlines_sweep()
    for world in (world_a, world_b):
        recommendation = recommendation_make(world, state=State.IN_PROGRESS, actions=10, agency=world.police)
        for action in Action.objects.filter(plan__recommendation=recommendation):
            overdue(action, days=8)

    # The same number: the agency leads of every overdue action of the sweep come from one query.
    with django_assert_num_queries(len(few.captured_queries)):
        result = deadlines_sweep()

    assert result["notices_sent"] == 20


def test_my_tasks_for_the_lead_person_the_agency_lead_and_the_plans_owner(world_a):
    planning = recommendation_make(world_a, actions=0)
    in_progress = recommendation_make(
        world_a,
        state=State.IN_PROGRESS,
        actions=[{"what": "Mine", "due_on": timezone.localdate() + timedelta(days=10)}],
    )
    mine = Action.objects.get(plan__recommendation=in_progress)
    late = action_make(world_a, in_progress, what="Late one")
    overdue(late)
    far = action_make(world_a, in_progress, due_on=timezone.localdate() + timedelta(days=200), what="Far off")
    police = action_make(world_a, in_progress, agency=world_a.police, what="Police work")

    practitioner = my_tasks(person=world_a.practitioner.person, partnership=world_a.partnership)
    agency_lead = my_tasks(person=world_a.agency_lead.person, partnership=world_a.partnership)
    owner = my_tasks(person=world_a.bm, partnership=world_a.partnership)

    practitioner_titles = " | ".join(t.title for t in practitioner.tasks)
    assert all(a.what in practitioner_titles for a in (mine, late, far, police))  # their deadlines, all of them
    lead_titles = {t.title.split(": ", 1)[1] for t in agency_lead.tasks if t.source == "agency_action"}
    assert lead_titles == {"Mine", "Late one"}  # their agency's, due within 30 days or overdue
    assert next(t.title for t in agency_lead.overdue if t.source == "agency_action").endswith("Late one")
    plan_titles = [t.title for t in owner.tasks if t.title == f"Action plan for {planning.reference}"]
    assert plan_titles  # the plan's owner (the business manager who put it to the partners)
    assert not [t for t in owner.tasks if t.title == f"Action plan for {in_progress.reference}"]  # agreed: met


def test_the_agency_leads_task_source_is_one_query(world_a, django_assert_num_queries):
    recommendation_make(
        world_a, state=State.IN_PROGRESS, actions=[{"what": f"Action {n}", "lead_person": world_a.bm} for n in range(5)]
    )
    from partnership.selectors.action_plans import _agency_action_tasks
    from partnership.selectors.tasks import TaskQuery
    from partnership.working_days import WorkingDayCalendar

    membership = world_a.agency_lead
    query = TaskQuery(
        person=membership.person,
        partnership=world_a.partnership,
        today=timezone.localdate(),
        roles=membership.role_set,
        calendar=WorkingDayCalendar(nation=world_a.partnership.nation),
        membership=membership,
    )

    with django_assert_num_queries(1):
        tasks = _agency_action_tasks(query)

    assert len(tasks) == 0  # due in 60 days: beyond the 30 days ahead
