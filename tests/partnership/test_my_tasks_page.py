"""The deadline engine's pages: "My tasks" for every member, and the reminder setting in Settings."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import Deadline, Role
from partnership.services.deadlines import deadline_meet, deadline_set
from partnership.views.tasks import TASKS_PER_PAGE
from tests.factories import membership_make

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 23)  # a Wednesday, with Christmas and its substitute day ahead
ROLES = [
    "business_manager",
    "la_lead",
    "health_lead",
    "police_lead",
    "practitioner",
    "agency_lead",
    "scrutineer",
    "lay_member",
    "observer",
]


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The pages read today's date with ``timezone.localdate()``: pin it."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def tasks_url(world) -> str:
    return reverse("partnership:my_tasks", kwargs={"slug": world.partnership.slug})


def settings_url(world) -> str:
    return reverse("partnership:settings", kwargs={"slug": world.partnership.slug})


def text(response) -> str:
    return response.content.decode()


def section(response, testid: str) -> str:
    html = text(response)
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</table>", start)]


def task(world, kind, *, due_on, assignee=None, title=None, assignee_role=""):
    return deadline_set(
        partnership=world.partnership,
        subject=world.school,
        kind=kind,
        title=title or kind,
        due_on=due_on,
        assignee=assignee,
        assignee_role=assignee_role,
    )


# --- My tasks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ROLES)
def test_every_member_sees_their_own_tasks(world_a, client_for, member):
    person = getattr(world_a, member).person
    task(world_a, f"for-{member}", due_on=date(2026, 12, 29), assignee=person, title=f"Task for {member}")
    task(world_a, "for-someone-else", due_on=date(2026, 12, 29), assignee=world_a.observer.person, title="Not yours")
    if member == "observer":
        Deadline.objects.filter(kind="for-someone-else").update(assignee=world_a.lay_member.person)

    response = client_for(person).get(tasks_url(world_a))

    assert response.status_code == 200
    due = section(response, "due-tasks")
    assert f"Task for {member}" in due
    assert "Not yours" not in text(response)
    assert "2 working days left" in due  # Thu 24, then Tue 29 (Fri 25 and Mon 28 are bank holidays)


def test_overdue_and_due_items_are_sorted_marked_in_words_and_linked(world_a, client_for):
    person = world_a.practitioner.person
    task(world_a, "later", due_on=date(2027, 1, 6), assignee=person, title="Later task")
    task(world_a, "today", due_on=TODAY, assignee=person, title="Today task")
    task(world_a, "late", due_on=date(2026, 12, 18), assignee=person, title="Late task")
    task(world_a, "later-still", due_on=date(2027, 1, 20), assignee=person, title="Later still")
    task(world_a, "weekend", due_on=date(2026, 12, 20), assignee=person, title="Weekend task")
    task(world_a, "done", due_on=date(2026, 12, 18), assignee=person, title="Done task")
    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="done")

    response = client_for(person).get(tasks_url(world_a))

    html = text(response)
    overdue = section(response, "overdue-tasks")
    due = section(response, "due-tasks")
    assert "Overdue (2)" in html
    assert "Due (3)" in html
    assert overdue.index("Late task") < overdue.index("Weekend task")
    # Not colour alone: the word, and how late in working days (Fri 18 -> Mon 21, Tue 22, Wed 23).
    assert re.search(r'<strong class="tag tag-warning">Overdue</strong> by 3 working days', overdue)
    # Each links to where its work is done: its subject's page, computed (the school's page here).
    school = f"/p/alpha-scp/manage/agencies/{world_a.school.pk}/"
    assert f'<a href="{school}">Late task</a>' in overdue
    assert "Friday 18 December 2026" in overdue
    assert due.index("Today task") < due.index("Later task") < due.index("Later still")
    assert "<strong>Due today</strong>" in due
    assert f'<a href="{school}">Later task</a>' in due
    # Wed 23 -> Thu 24, Tue 29, Wed 30, Thu 31, Mon 4, Tue 5, Wed 6 January.
    assert "7 working days left" in due
    assert "Done task" not in html


def test_a_business_manager_also_sees_unassigned_deadlines(world_a, client_for):
    task(world_a, "unassigned", due_on=date(2026, 12, 29), title="Nobody's task")

    manager = text(client_for(world_a.bm).get(tasks_url(world_a)))
    practitioner = text(client_for(world_a.practitioner.person).get(tasks_url(world_a)))

    assert "Nobody&#x27;s task" in manager
    assert "No one: for the business managers" in manager
    assert "Nobody&#x27;s task" not in practitioner
    assert 'data-testid="no-tasks"' in practitioner


def test_a_task_owed_by_a_role_is_on_each_holders_page_as_theirs(world_a, client_for):
    second = membership_make(
        partnership=world_a.partnership, agency=world_a.police, roles=[Role.PARTNER_LEAD_POLICE], email="p2@a.example"
    )
    task(
        world_a, "police", due_on=date(2026, 12, 29), title="Police lead's task", assignee_role=Role.PARTNER_LEAD_POLICE
    )

    for person in (world_a.police_lead.person, second.person):
        mine = section(client_for(person).get(tasks_url(world_a)), "due-tasks")
        assert "Police lead&#x27;s task" in mine
        assert "You" in mine
    for person in (world_a.bm, world_a.health_lead.person):
        assert "Police lead&#x27;s task" not in text(client_for(person).get(tasks_url(world_a)))


def test_another_partnerships_member_gets_404(world_a, world_b, client_for):
    task(world_a, "alpha", due_on=date(2026, 12, 29), title="Alpha secret task")

    for person in (world_b.bm, world_b.practitioner.person):
        response = client_for(person).get(tasks_url(world_a))
        assert response.status_code == 404
        assert "Alpha secret task" not in text(response)


def test_a_person_in_two_partnerships_sees_only_this_ones_tasks(world_a, world_b, client_for):
    person = world_a.practitioner.person
    membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[Role.PRACTITIONER], person=person)
    task(world_a, "alpha", due_on=date(2026, 12, 29), assignee=person, title="Alpha task")
    task(world_b, "bravo", due_on=date(2026, 12, 29), assignee=person, title="Bravo task")

    html = text(client_for(person).get(tasks_url(world_b)))

    assert "Bravo task" in html
    assert "Alpha task" not in html


def test_signed_out_visitors_are_sent_to_sign_in(world_a, client):
    response = client.get(tasks_url(world_a))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:login"))


def test_every_member_reaches_it_from_the_navigation(world_a, client_for):
    for member in ROLES:
        response = client_for(getattr(world_a, member).person).get(tasks_url(world_a))
        assert f'<a href="{tasks_url(world_a)}" aria-current="page">My tasks</a>' in text(response), member


def test_query_count_is_fixed(world_a, client_for, django_assert_num_queries, django_assert_max_num_queries):
    client = client_for(world_a.bm)
    for n in range(3):
        task(world_a, f"small-{n}", due_on=date(2026, 12, 18 + n), assignee=world_a.bm)
    client.get(tasks_url(world_a))  # sessions and caches warm
    # 7 (6 where Redis holds the sessions): the page, the tasks' links built from their subjects' ids (an
    # agency's page needs no more: no query).
    with django_assert_max_num_queries(7) as few:
        client.get(tasks_url(world_a))
    few_count = len(few.captured_queries)  # read now: the next request resets the connection's query log
    for n in range(60):
        assignee = (world_a.bm, None, world_a.observer.person)[n % 3]
        task(world_a, f"large-{n}", due_on=date(2027, 1, 4 + n % 20), assignee=assignee)
    # Owed by a role: the police lead's are theirs; no active member is a lay member, so those are the managers'.
    for n in range(20):
        role = (Role.PARTNER_LEAD_POLICE, Role.LAY_MEMBER)[n % 2]
        task(world_a, f"role-{n}", due_on=date(2027, 1, 4 + n), assignee_role=role)
    world_a.observer.is_active = False
    world_a.observer.save()
    world_a.lay_member.is_active = False
    world_a.lay_member.save()
    # Warm again: the writes moved on what the cache keeps of the partnership (its closure days, where Redis is).
    client.get(tasks_url(world_a))
    with django_assert_num_queries(few_count):
        response = client.get(tasks_url(world_a))

    assert "Overdue (3)" in text(response)
    assert "Due (70)" in text(response)
    assert text(response).count('data-testid="task"') == 3 + TASKS_PER_PAGE  # the due section a page at a time


# --- The reminder setting -------------------------------------------------------------------


def settings_form(world, **changes) -> dict:
    world.partnership.refresh_from_db()
    return {
        "form": "settings",
        "name": world.partnership.name,
        "nation": world.partnership.nation,
        "reminder_working_days": world.partnership.reminder_working_days,
        "expected_updated_at": world.partnership.updated_at.isoformat(),
        **changes,
    }


def test_the_business_manager_changes_the_reminder_days(world_a, client_for):
    deadline = task(world_a, "open", due_on=date(2027, 1, 14))
    client = client_for(world_a.bm)
    page = text(client.get(settings_url(world_a)))
    assert re.search(r'name="reminder_working_days" value="2"', page)

    response = client.post(settings_url(world_a), settings_form(world_a, reminder_working_days="5"), follow=True)

    assert "Saved the settings." in text(response)
    world_a.partnership.refresh_from_db()
    assert world_a.partnership.reminder_working_days == 5
    assert Deadline.objects.get(pk=deadline.pk).remind_on == date(2027, 1, 7)
    history = text(response).split('data-testid="history"', 1)[1]
    assert "Reminder working days" in history


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("11", "Enter a number of working days from 0 to 10."),
        ("-1", "Enter a number of working days from 0 to 10."),
        ("two", "Enter a whole number of working days from 0 to 10, like 2."),
        ("", "Enter a number of working days from 0 to 10."),
    ],
)
def test_a_bad_reminder_setting_is_refused_beside_the_field(world_a, client_for, typed, message):
    response = client_for(world_a.bm).post(
        settings_url(world_a), settings_form(world_a, name="Alpha Renamed", reminder_working_days=typed)
    )

    assert response.status_code == 400
    html = text(response)
    group_start = html.rindex('<div class="form-group', 0, html.index('id="id_reminder_working_days"'))
    assert message in html[group_start : html.index('id="id_reminder_working_days"')]
    assert f'<a href="#id_reminder_working_days">{message}</a>' in html
    assert 'value="Alpha Renamed"' in html  # nothing typed is lost
    world_a.partnership.refresh_from_db()
    assert world_a.partnership.reminder_working_days == 2
    assert world_a.partnership.name == "Alpha Safeguarding Partnership"


def test_a_stale_settings_form_does_not_overwrite_the_reminder_days(world_a, client_for):
    client = client_for(world_a.bm)
    drawn = settings_form(world_a)
    client.post(settings_url(world_a), settings_form(world_a, reminder_working_days="4"))

    response = client.post(settings_url(world_a), {**drawn, "reminder_working_days": "1"})

    assert response.status_code == 400
    panel = text(response).split('data-testid="saved-version"', 1)[1].split("</div>", 1)[0]
    assert "4 working days before the due date" in panel
    world_a.partnership.refresh_from_db()
    assert world_a.partnership.reminder_working_days == 4


def test_each_section_pages_on_its_own(world_a, client_for):
    person = world_a.practitioner.person
    for n in range(53):
        task(world_a, f"late.{n}", due_on=date(2026, 11, 2) + timedelta(days=n % 40), assignee=person)
    task(world_a, "soon", due_on=date(2027, 1, 8), assignee=person)
    client = client_for(person)

    first = client.get(tasks_url(world_a))
    assert "Overdue (53)" in text(first)
    assert TASKS_PER_PAGE == 25
    assert section(first, "overdue-tasks").count('data-testid="task"') == 25
    assert section(first, "due-tasks").count('data-testid="task"') == 1
    assert "Page 1 of 3" in text(first)

    last = client.get(tasks_url(world_a) + "?overdue_page=3")
    assert section(last, "overdue-tasks").count('data-testid="task"') == 3
    assert "Page 3 of 3" in text(last)
    assert section(last, "due-tasks").count('data-testid="task"') == 1  # the other sections stay on their first

    assert client.get(tasks_url(world_a) + "?overdue_page=x").status_code == 200
    assert (
        section(client.get(tasks_url(world_a) + "?overdue_page=99"), "overdue-tasks").count('data-testid="task"') == 3
    )
