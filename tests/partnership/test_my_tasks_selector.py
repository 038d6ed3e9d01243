"""The one "my tasks" selector: every source's tasks for one person, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from partnership.models import Agency, Deadline, Role
from partnership.selectors.tasks import my_tasks
from partnership.services.deadlines import deadline_set
from partnership.subjects import SubjectType, subject_type, subject_type_for, subject_unregister
from reviews.services.decision import rapid_review_decision_approve
from tests.factories import membership_make
from tests.reviews.decision_helpers import decision_record, ready_review

pytestmark = pytest.mark.django_db


def _deadline(world, kind, *, due_on, assignee=None, assignee_role=""):
    return deadline_set(
        partnership=world.partnership,
        subject=world.school,
        kind=kind,
        title=kind,
        due_on=due_on,
        assignee=assignee,
        assignee_role=assignee_role,
    )


def _deadline_titles(world, membership) -> dict[str, bool]:
    """The person's deadline tasks: title -> whether it is theirs (False: theirs as a business manager)."""
    tasks = my_tasks(person=membership.person, partnership=world.partnership, membership=membership).tasks
    return {t.title: t.assigned_to_you for t in tasks if t.source == "deadline"}


def _awaiting_sign_off(world):
    review = ready_review(world)
    decision_record(world, review)
    return review


def test_a_health_lead_sees_the_decision_waiting_for_health(world_a):
    review = _awaiting_sign_off(world_a)
    tasks = my_tasks(person=world_a.health_lead.person, partnership=world_a.partnership)
    [task] = [t for t in tasks.tasks if t.source == "sign_off"]
    assert task.title.startswith("Sign off for health: Rapid review ")
    assert review.incident.reference in task.title
    assert task.url == reverse(
        "reviews:rapid_review_decision", kwargs={"slug": world_a.partnership.slug, "rapid_review_id": review.pk}
    )
    # Needed before the review is due with the Panel.
    assert task.due_on == review.panel_submission_due_on


def test_the_task_goes_once_that_partner_has_decided_and_stays_for_the_others(world_a):
    review = _awaiting_sign_off(world_a)
    rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.health_lead, rapid_review=review)
    health = my_tasks(person=world_a.health_lead.person, partnership=world_a.partnership)
    police = my_tasks(person=world_a.police_lead.person, partnership=world_a.partnership)
    assert [t for t in health.tasks if t.source == "sign_off"] == []
    assert [t.source for t in police.tasks if t.source == "sign_off"] == ["sign_off"]


@pytest.mark.parametrize("member", ["bm", "practitioner", "scrutineer", "lay_member", "observer"])
def test_people_who_lead_no_partner_get_no_sign_off_tasks(world_a, member):
    _awaiting_sign_off(world_a)
    person = world_a.bm if member == "bm" else getattr(world_a, member).person
    tasks = my_tasks(person=person, partnership=world_a.partnership)
    assert [t for t in tasks.tasks if t.source == "sign_off"] == []


def test_another_partnerships_sign_offs_are_not_listed(world_a, world_b):
    _awaiting_sign_off(world_b)
    assert my_tasks(person=world_a.health_lead.person, partnership=world_a.partnership).tasks == []


def test_deadlines_and_sign_offs_come_in_one_list_overdue_first(world_a):
    today = date(2026, 12, 23)
    person = world_a.health_lead.person
    _deadline(world_a, "late", due_on=date(2026, 12, 21), assignee=person)
    _deadline(world_a, "soon", due_on=date(2026, 12, 29), assignee=person)
    _deadline(world_a, "theirs", due_on=date(2026, 12, 29), assignee=world_a.observer.person)
    tasks = my_tasks(person=person, partnership=world_a.partnership, today=today)
    assert [t.title for t in tasks.overdue] == ["late"]
    assert [t.title for t in tasks.due] == ["soon"]
    assert tasks.overdue[0].working_days_overdue == 2
    assert [t.title for t in tasks.due_within(date(2026, 12, 31))] == ["soon"]


def test_a_former_member_has_no_tasks(world_a):
    person = world_a.practitioner.person
    _deadline(world_a, "return", due_on=date(2026, 12, 29), assignee=person)
    world_a.practitioner.is_active = False
    world_a.practitioner.save(update_fields=["is_active"])
    assert my_tasks(person=person, partnership=world_a.partnership).tasks == []


def test_met_deadlines_are_not_tasks(world_a):
    person = world_a.practitioner.person
    _deadline(world_a, "return", due_on=date(2026, 12, 29), assignee=person)
    Deadline.objects.filter(kind="return").update(state=Deadline.State.MET)
    assert my_tasks(person=person, partnership=world_a.partnership).tasks == []


def test_a_deadline_owed_by_a_role_reaches_every_holder_and_no_one_else(world_a):
    second = membership_make(
        partnership=world_a.partnership, agency=world_a.school, roles=[Role.PRACTITIONER], email="p2@alpha.example"
    )
    _deadline(world_a, "practitioners", due_on=date(2026, 12, 29), assignee_role=Role.PRACTITIONER)
    _deadline(world_a, "police", due_on=date(2026, 12, 29), assignee_role=Role.PARTNER_LEAD_POLICE)
    assert _deadline_titles(world_a, world_a.practitioner) == {"practitioners": True}
    assert _deadline_titles(world_a, second) == {"practitioners": True}
    assert _deadline_titles(world_a, world_a.police_lead) == {"police": True}
    for other in (world_a.health_lead, world_a.agency_lead, world_a.observer):
        assert _deadline_titles(world_a, other) == {}
    # Someone holds each role: not the business managers' to chase on their behalf.
    assert _deadline_titles(world_a, world_a.business_manager) == {}


def test_a_deadline_named_to_someone_is_theirs_alone_whatever_its_role(world_a):
    _deadline(
        world_a,
        "named",
        due_on=date(2026, 12, 29),
        assignee=world_a.agency_lead.person,
        assignee_role=Role.PRACTITIONER,
    )
    assert _deadline_titles(world_a, world_a.agency_lead) == {"named": True}
    assert _deadline_titles(world_a, world_a.practitioner) == {}


def test_a_role_no_active_member_holds_falls_to_the_business_managers(world_a):
    _deadline(world_a, "police", due_on=date(2026, 12, 29), assignee_role=Role.PARTNER_LEAD_POLICE)
    _deadline(world_a, "lay", due_on=date(2026, 12, 29), assignee_role=Role.LAY_MEMBER)
    world_a.police_lead.is_active = False
    world_a.police_lead.save(update_fields=["is_active"])
    world_a.lay_member.person.is_active = False
    world_a.lay_member.person.save(update_fields=["is_active"])
    assert _deadline_titles(world_a, world_a.business_manager) == {"lay": False, "police": False}
    # A business manager's own role: theirs as holders, not as orphans.
    _deadline(world_a, "managers", due_on=date(2026, 12, 29), assignee_role=Role.BUSINESS_MANAGER)
    assert _deadline_titles(world_a, world_a.business_manager)["managers"] is True


def test_another_partnerships_holder_of_the_role_does_not_count(world_a, world_b):
    _deadline(world_a, "police", due_on=date(2026, 12, 29), assignee_role=Role.PARTNER_LEAD_POLICE)
    world_a.police_lead.is_active = False
    world_a.police_lead.save(update_fields=["is_active"])
    membership_make(
        partnership=world_b.partnership,
        agency=world_b.police,
        roles=[Role.PARTNER_LEAD_POLICE],
        person=world_a.police_lead.person,
    )
    assert _deadline_titles(world_a, world_a.business_manager) == {"police": False}
    assert my_tasks(person=world_a.police_lead.person, partnership=world_b.partnership).tasks == []


@pytest.mark.parametrize("reviews", [1, 6])
def test_a_fixed_number_of_queries_whatever_the_count(world_a, django_assert_num_queries, reviews):
    person = world_a.health_lead.person
    for n in range(reviews):
        _awaiting_sign_off(world_a)
        _deadline(world_a, f"return-{n}", due_on=date(2026, 12, 29), assignee=person)
        _deadline(world_a, f"health-{n}", due_on=date(2026, 12, 30), assignee_role=Role.PARTNER_LEAD_HEALTH)
        _deadline(world_a, f"police-{n}", due_on=date(2026, 12, 30), assignee_role=Role.PARTNER_LEAD_POLICE)
    # Membership, its roles, calendar, deadlines (their own and their role's), sign-offs, this round's decisions,
    # one per kind of sign-off subject. The deadlines' links are built from their subjects' ids (an agency's page).
    with django_assert_num_queries(7):
        tasks = my_tasks(person=person, partnership=world_a.partnership)
        assert len([t for t in tasks.tasks if t.source == "sign_off"]) == reviews
        assert len([t for t in tasks.tasks if t.source == "deadline"]) == 2 * reviews


@pytest.mark.parametrize("deadlines", [1, 6])
def test_a_business_managers_tasks_read_a_fixed_number_of_queries_whatever_the_count(
    world_a, django_assert_num_queries, deadlines
):
    world_a.lay_member.is_active = False
    world_a.lay_member.save(update_fields=["is_active"])
    for n in range(deadlines):
        _deadline(world_a, f"mine-{n}", due_on=date(2026, 12, 29), assignee=world_a.bm)
        _deadline(world_a, f"nobodys-{n}", due_on=date(2026, 12, 29))
        _deadline(world_a, f"police-{n}", due_on=date(2026, 12, 30), assignee_role=Role.PARTNER_LEAD_POLICE)
        _deadline(world_a, f"lay-{n}", due_on=date(2026, 12, 30), assignee_role=Role.LAY_MEMBER)
    # Membership, its roles, calendar, deadlines (with those no one else can act on), sign-offs (none awaiting).
    with django_assert_num_queries(5):
        tasks = my_tasks(person=world_a.bm, partnership=world_a.partnership)
    # Their links as they are read, from the subjects' ids: an agency's page needs no more.
    with django_assert_num_queries(0):
        listed = list(tasks.tasks)
    assert sorted(t.title.split("-")[0] for t in listed) == sorted(["mine", "nobodys", "lay"] * deadlines)
    assert all(t.url for t in listed)
    # Read again, through another section: worked out once a request.
    with django_assert_num_queries(0):
        assert [t.url for t in tasks.due[:3]] == [t.url for t in listed[:3]]


@pytest.fixture
def agency_links_need_the_row():
    """Agencies declared with a page whose link is built from the loaded row (as a hub task's is, from its cycle's
    id), not from the id alone: their tasks' links load their subjects."""

    class AgencyFromItsRow(SubjectType[Agency]):
        def url(self, subject: Agency) -> str:
            return reverse(
                "partnership:agency_detail", kwargs={"slug": subject.partnership.slug, "agency_id": subject.pk}
            )

    declared = type(subject_type_for(Agency))
    subject_unregister(Agency)
    subject_type(Agency)(AgencyFromItsRow)
    yield
    subject_unregister(Agency)
    subject_type(Agency)(declared)


def test_the_links_of_most_kinds_cost_no_query(world_a, django_assert_num_queries):
    for n in range(12):
        _deadline(world_a, f"task-{n:02}", due_on=date(2026, 12, 29) + timedelta(days=n), assignee=world_a.bm)
    tasks = my_tasks(person=world_a.bm, partnership=world_a.partnership)
    with django_assert_num_queries(0):
        urls = {task.url for task in tasks.due}
    assert urls == {f"/p/{world_a.partnership.slug}/manage/agencies/{world_a.school.pk}/"}


@pytest.mark.usefixtures("agency_links_need_the_row")
def test_only_the_tasks_shown_have_their_links_worked_out(world_a, django_assert_num_queries):
    for n in range(12):
        _deadline(world_a, f"task-{n:02}", due_on=date(2026, 12, 29) + timedelta(days=n), assignee=world_a.bm)
    tasks = my_tasks(person=world_a.bm, partnership=world_a.partnership)
    due = tasks.due
    with django_assert_num_queries(1):
        tasks.link(due.window(0, 5))
    assert len(tasks.links.urls) == 5
    # The first five are read as they were worked out; a sixth is worked out when it is read.
    with django_assert_num_queries(0):
        assert all(task.url for task in due[:5])
    assert tasks.tasks.window(5, 6)[0].url == ""
    with django_assert_num_queries(1):
        assert due[5].url == due[0].url == f"/p/{world_a.partnership.slug}/manage/agencies/{world_a.school.pk}/"
    assert len(tasks.links.urls) == 6


@pytest.mark.usefixtures("agency_links_need_the_row")
def test_a_task_whose_subject_is_gone_is_listed_without_a_link(world_a, django_assert_num_queries):
    # A deadline outliving its subject (removed by hand, or a model since retired) still reaches the business
    # managers, with nowhere to go rather than an error, where its link is built from the subject's row.
    for n in range(2):
        _deadline(world_a, f"kept-{n}", due_on=date(2026, 12, 29), assignee=world_a.bm)
    gone = _deadline(world_a, "gone", due_on=date(2026, 12, 30), assignee=world_a.bm)
    Deadline.objects.filter(pk=gone.pk).update(subject_id=10**9)
    tasks = my_tasks(person=world_a.bm, partnership=world_a.partnership)
    with django_assert_num_queries(1):
        tasks.link(tasks.due.window(0, 3))
    urls = {task.title: task.url for task in tasks.due}
    assert urls == {
        "kept-0": f"/p/{world_a.partnership.slug}/manage/agencies/{world_a.school.pk}/",
        "kept-1": f"/p/{world_a.partnership.slug}/manage/agencies/{world_a.school.pk}/",
        "gone": "",
    }


def test_a_task_whose_subject_is_gone_links_to_its_page_where_the_id_is_the_link(world_a, client_for):
    # Built from the id alone, the link is not checked against the row: the page it leads to says the agency is not
    # found (the services cancel a subject's deadlines when they remove it; only a removal by hand leaves one).
    gone = _deadline(world_a, "gone", due_on=date(2026, 12, 30), assignee=world_a.bm)
    Deadline.objects.filter(pk=gone.pk).update(subject_id=10**9)
    [task] = my_tasks(person=world_a.bm, partnership=world_a.partnership).tasks
    assert task.url == f"/p/{world_a.partnership.slug}/manage/agencies/{10**9}/"
    assert client_for(world_a.bm).get(task.url).status_code == 404
