"""The deadline engine: setting, moving, meeting and cancelling due dates, and the sweep.

The sweep's promises tested here: each reminder and escalation goes out exactly
once (run twice, run concurrently, after a crashed sweep), breaches are marked
and the business managers told, a moved date re-arms, and the number of queries
does not grow with the number of deadlines. Only email (locmem outbox, or a
failing send) and the clock (``today=``) are stood in for.
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app
from partnership import services
from partnership.models import Deadline, DeadlineNotice, Nation, OutboundEmail, Role
from partnership.selectors.deadlines import deadlines_for_subject, tasks_for_person
from partnership.services import mail as mail_service
from partnership.services.deadlines import (
    STALE_CLAIM,
    deadline_cancel,
    deadline_meet,
    deadline_notices_claim,
    deadline_reopen,
    deadline_set,
    deadlines_sweep,
)
from partnership.services.mail import emails_send_due
from partnership.tasks import deadlines_sweep as deadlines_sweep_task
from partnership.working_days import WorkingDayCalendar
from tests.factories import membership_make
from tests.partnership import test_celery_worker

# The real-worker fixture (a worker thread on the configured broker, on a queue of its own).
worker = test_celery_worker.worker

ENG, WLS, SCT, NIR = Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent sweeps with row locks need PostgreSQL"
)


def set_deadline(world, kind="returns", *, due_on, assignee=None, title=None, subject=None):
    return deadline_set(
        partnership=world.partnership,
        subject=subject or world.school,
        kind=kind,
        title=title or f"{world.partnership.name}: {kind}",
        due_on=due_on,
        assignee=assignee,
    )


def sent_to(address: str) -> list[EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


def fresh(deadline: Deadline) -> Deadline:
    return Deadline.objects.get(pk=deadline.pk)


@pytest.fixture
def clock(monkeypatch):
    """Today's date as the services see it (``timezone.localdate()``); set ``clock.today``."""
    real = timezone.localdate

    class Clock:
        today = date(2026, 12, 14)

    def localdate(value=None, timezone=None):
        return Clock.today if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return Clock


# --- Counting backwards in working days ----------------------------------------------------------

# (nation, due date, working days before, reminder day). Checked against the real calendar and the
# pinned holidays package; the weekday and the holidays skipped are written beside each row.
REMINDER_TABLE = [
    # Christmas 2026: Fri 25 Dec, Boxing Day Sat 26 -> substitute Mon 28 Dec (every nation).
    (
        ENG,
        date(2026, 12, 29),
        2,
        date(2026, 12, 23),
    ),  # Tue; skips Mon 28, the weekend, Fri 25 -> Thu 24 (1), Wed 23 (2)
    (SCT, date(2026, 12, 29), 2, date(2026, 12, 23)),
    # New Year 2027: Fri 1 Jan everywhere; Scotland's 2 January (a Saturday) is made up on Mon 4 Jan.
    (ENG, date(2027, 1, 5), 2, date(2026, 12, 31)),  # Tue -> Mon 4 (1), skips 3, 2, Fri 1 -> Thu 31 (2)
    (SCT, date(2027, 1, 5), 2, date(2026, 12, 30)),  # Tue -> skips Mon 4 too -> Thu 31 (1), Wed 30 (2)
    # Easter 2026: Good Friday 3 April everywhere, Easter Monday 6 April except in Scotland.
    (ENG, date(2026, 4, 7), 2, date(2026, 4, 1)),  # Tue -> skips Mon 6, weekend, Fri 3 -> Thu 2 (1), Wed 1 (2)
    (WLS, date(2026, 4, 7), 2, date(2026, 4, 1)),
    (SCT, date(2026, 4, 7), 2, date(2026, 4, 2)),  # Tue -> Mon 6 works (1), skips Fri 3 -> Thu 2 (2)
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March (not Scotland).
    (ENG, date(2027, 3, 31), 3, date(2027, 3, 24)),  # Wed -> Tue 30 (1), skips 29..26 -> Thu 25 (2), Wed 24 (3)
    (SCT, date(2027, 3, 31), 3, date(2027, 3, 25)),  # Wed -> Tue 30 (1), Mon 29 (2), skips Fri 26 -> Thu 25 (3)
    # St Patrick's Day, Wed 17 March 2027, in Northern Ireland only.
    (NIR, date(2027, 3, 18), 1, date(2027, 3, 16)),
    (ENG, date(2027, 3, 18), 1, date(2027, 3, 17)),
    # 0: on the day itself, even when the due date is not a working day.
    (ENG, date(2026, 12, 25), 0, date(2026, 12, 25)),
    # A due date at a weekend counts back from the Friday.
    (ENG, date(2026, 11, 28), 1, date(2026, 11, 27)),  # Sat -> Fri 27 (1)
]


@pytest.mark.parametrize(("nation", "due_on", "days", "expected"), REMINDER_TABLE)
def test_subtract_working_days_across_bank_holidays(nation, due_on, days, expected):
    assert WorkingDayCalendar(nation=nation).subtract_working_days(due_on, days) == expected


@pytest.mark.parametrize("nation", [ENG, WLS, SCT, NIR])
def test_subtracting_undoes_adding_for_every_working_day_of_a_year(nation):
    calendar = WorkingDayCalendar(nation=nation, closure_days={date(2026, 12, 29)})
    day = date(2026, 1, 1)
    while day < date(2027, 1, 10):
        if calendar.is_working_day(day):
            for n in (0, 1, 2, 5, 15):
                earlier = calendar.subtract_working_days(day, n)
                assert calendar.add_working_days(earlier, n) == day, (day, n)
                assert calendar.working_days_between(earlier, day) == n
        day += timedelta(days=1)


def test_subtracting_skips_closure_days_and_refuses_nonsense():
    calendar = WorkingDayCalendar(nation=ENG, closure_days={date(2026, 12, 30)})

    assert calendar.subtract_working_days(date(2026, 12, 31), 1) == date(2026, 12, 29)
    with pytest.raises(ValueError, match="cannot be negative"):
        calendar.subtract_working_days(date(2026, 12, 31), -1)
    with pytest.raises(ValueError, match="can only be counted between"):
        calendar.subtract_working_days(date(1850, 1, 4), 1)


# --- Setting, moving, meeting, cancelling ----------------------------------------------------


@pytest.mark.parametrize(("nation", "due_on", "days", "expected"), REMINDER_TABLE[:9])
def test_deadline_set_computes_the_reminder_on_the_partnerships_calendar(world_a, nation, due_on, days, expected):
    world_a.partnership.nation = nation
    world_a.partnership.reminder_working_days = days
    world_a.partnership.save()

    deadline = set_deadline(world_a, due_on=due_on)

    assert deadline.remind_on == expected
    assert fresh(deadline).remind_on == expected


def test_the_partnerships_closure_days_move_the_reminder(world_a):
    services.closure_day_add(partnership=world_a.partnership, actor=world_a.bm, day=date(2026, 12, 23))

    deadline = set_deadline(world_a, due_on=date(2026, 12, 29))

    assert deadline.remind_on == date(2026, 12, 22)


def test_setting_twice_updates_the_one_deadline_of_that_kind(world_a):
    first = set_deadline(world_a, due_on=date(2026, 12, 10), title="First title")
    again = set_deadline(
        world_a,
        due_on=date(2026, 12, 10),
        title="Second title",
        assignee=world_a.practitioner.person,
    )
    other_kind = set_deadline(world_a, "meeting", due_on=date(2026, 12, 10))

    assert again.pk == first.pk
    assert other_kind.pk != first.pk
    saved = fresh(first)
    assert (saved.title, saved.assignee) == ("Second title", world_a.practitioner.person)
    assert Deadline.objects.filter(partnership=world_a.partnership).count() == 2


def test_deadline_set_refuses_bad_input_beside_the_field(world_a):
    with pytest.raises(ValidationError) as caught:
        deadline_set(
            partnership=world_a.partnership,
            subject=world_a.school,
            kind="",
            title="  ",
            due_on=date(2026, 12, 10),
        )
    assert set(caught.value.message_dict) == {"kind", "title"}

    with pytest.raises(ValidationError) as caught:
        set_deadline(world_a, due_on=date(1850, 1, 4))
    assert "due_on" in caught.value.message_dict
    assert not Deadline.objects.exists()


def test_a_deadline_cannot_be_attached_to_another_partnerships_subject(world_a, world_b):
    with pytest.raises(ValueError, match="another partnership"):
        set_deadline(world_a, due_on=date(2026, 12, 10), subject=world_b.school)
    assert not Deadline.objects.exists()


def test_meet_closes_the_deadline_and_nothing_is_sent_for_it(world_a):
    deadline = set_deadline(world_a, due_on=date(2026, 12, 10), assignee=world_a.practitioner.person)
    other = set_deadline(world_a, "meeting", due_on=date(2026, 12, 10), assignee=world_a.practitioner.person)

    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="returns")
    deadlines_sweep(today=date(2026, 12, 20))

    met = fresh(deadline)
    assert met.state == Deadline.State.MET
    assert met.met_at is not None
    assert met.breached_at is None
    assert fresh(other).state == Deadline.State.OPEN
    assert not DeadlineNotice.objects.filter(deadline=deadline).exists()
    [email] = sent_to("practitioner@alpha.example")
    assert "meeting" in email.body
    assert "returns" not in email.body


def test_meet_of_a_missing_deadline_is_a_no_op(world_a):
    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="nothing-here")

    assert not Deadline.objects.exists()


def test_reopen_makes_a_met_deadline_owed_again_and_the_sweep_escalates_it(world_a):
    deadline = set_deadline(world_a, due_on=date(2026, 12, 10), assignee=world_a.practitioner.person)
    cancelled = set_deadline(world_a, "meeting", due_on=date(2026, 12, 10))
    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="returns")
    deadline_cancel(partnership=world_a.partnership, subject=world_a.school, kind="meeting")

    assert deadline_reopen(partnership=world_a.partnership, subject=world_a.school, kind="returns") == 1
    assert deadline_reopen(partnership=world_a.partnership, subject=world_a.school, kind="meeting") == 0
    assert deadline_reopen(partnership=world_a.partnership, subject=world_a.school, kind="returns") == 0

    reopened = fresh(deadline)
    assert (reopened.state, reopened.met_at) == (Deadline.State.OPEN, None)
    assert fresh(cancelled).state == Deadline.State.CANCELLED
    deadlines_sweep(today=date(2026, 12, 20))
    assert fresh(deadline).breached_at is not None
    assert DeadlineNotice.objects.filter(deadline=deadline, kind=DeadlineNotice.Kind.BREACH).count() == 1


def test_reopen_leaves_another_partnerships_deadlines_alone(world_a, world_b):
    theirs = set_deadline(world_b, due_on=date(2026, 12, 10))
    deadline_meet(partnership=world_b.partnership, subject=world_b.school, kind="returns")

    with pytest.raises(ValueError, match="another partnership"):
        deadline_reopen(partnership=world_a.partnership, subject=world_b.school, kind="returns")
    assert fresh(theirs).state == Deadline.State.MET


def test_cancel_one_kind_or_every_open_deadline_of_a_subject(world_a):
    set_deadline(world_a, "a", due_on=date(2026, 12, 10))
    set_deadline(world_a, "b", due_on=date(2026, 12, 11))
    set_deadline(world_a, "c", due_on=date(2026, 12, 12))
    kept = set_deadline(world_a, "other-subject", due_on=date(2026, 12, 12), subject=world_a.council)
    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="c")

    assert deadline_cancel(partnership=world_a.partnership, subject=world_a.school, kind="a") == 1
    assert deadline_cancel(partnership=world_a.partnership, subject=world_a.school) == 1
    assert deadline_cancel(partnership=world_a.partnership, subject=world_a.school) == 0

    states = dict(Deadline.objects.filter(subject_id=world_a.school.pk).values_list("kind", "state"))
    assert states == {"a": "cancelled", "b": "cancelled", "c": "met"}
    assert fresh(kept).state == Deadline.State.OPEN
    deadlines_sweep(today=date(2026, 12, 20))
    assert DeadlineNotice.objects.get().deadline_id == kept.pk


def test_moving_the_date_keeps_the_state(world_a):
    deadline = set_deadline(world_a, due_on=date(2026, 12, 10))
    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="returns")

    set_deadline(world_a, due_on=date(2026, 12, 17))

    moved = fresh(deadline)
    assert moved.state == Deadline.State.MET
    assert moved.due_on == date(2026, 12, 17)


def test_deadlines_for_subject_lists_every_state_earliest_first(world_a, world_b):
    late = set_deadline(world_a, "late", due_on=date(2026, 12, 20))
    early = set_deadline(world_a, "early", due_on=date(2026, 12, 1))
    set_deadline(world_a, "elsewhere", due_on=date(2026, 12, 2), subject=world_a.council)
    set_deadline(world_b, "bravo", due_on=date(2026, 12, 2))
    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="late")

    found = list(deadlines_for_subject(partnership=world_a.partnership, subject=world_a.school))

    assert found == [early, late]


# --- The sweep: reminders -------------------------------------------------------------------


def test_a_reminder_goes_to_the_assignee_once_from_its_reminder_day(world_a):
    # Due Thursday 10 December 2026; 2 working days before is Tuesday 8th.
    deadline = set_deadline(
        world_a,
        due_on=date(2026, 12, 10),
        assignee=world_a.practitioner.person,
        title="Send the scoping return",
    )

    early = deadlines_sweep(today=date(2026, 12, 7))
    on_the_day = deadlines_sweep(today=date(2026, 12, 8))
    again = deadlines_sweep(today=date(2026, 12, 8))
    next_day = deadlines_sweep(today=date(2026, 12, 9))

    assert early["notices_claimed"] == 0
    assert on_the_day["reminders_created"] == on_the_day["notices_sent"] == on_the_day["emails_queued"] == 1
    assert again["notices_claimed"] == next_day["notices_claimed"] == 0
    [email] = mail.outbox
    assert email.to == ["practitioner@alpha.example"]
    assert email.subject == "Learning Loop: 1 due soon"
    assert "Send the scoping return" in email.body
    assert "Due Thursday 10 December 2026: 2 working days left." in email.body
    # The link is the subject's page, computed from its declaration (the school's page here).
    assert f"{settings.SITE_URL}/p/alpha-scp/manage/agencies/{world_a.school.pk}/" in email.body
    notice = DeadlineNotice.objects.get()
    assert (notice.deadline_id, notice.kind, notice.due_on) == (deadline.pk, "reminder", date(2026, 12, 10))
    assert notice.sent_at is not None


def test_an_unassigned_reminder_goes_to_every_active_business_manager(world_a, world_b):
    second = membership_make(
        partnership=world_a.partnership,
        agency=world_a.council,
        roles=[Role.BUSINESS_MANAGER],
        email="bm2@alpha.example",
    )
    gone = membership_make(
        partnership=world_a.partnership,
        agency=world_a.council,
        roles=[Role.BUSINESS_MANAGER],
        email="bm3@alpha.example",
    )
    gone.is_active = False
    gone.save()
    set_deadline(world_a, due_on=date(2026, 12, 10))

    deadlines_sweep(today=date(2026, 12, 9))

    assert sorted(m.to[0] for m in mail.outbox) == ["bm2@alpha.example", "bm@alpha.example"]
    assert "it is for the business managers" in sent_to(second.person.email)[0].body
    assert not sent_to("bm@bravo.example")


def test_an_assignee_who_has_left_is_replaced_by_the_business_managers(world_a):
    world_a.practitioner.is_active = False
    world_a.practitioner.save()
    set_deadline(world_a, due_on=date(2026, 12, 10), assignee=world_a.practitioner.person)

    deadlines_sweep(today=date(2026, 12, 9))

    assert [m.to for m in mail.outbox] == [["bm@alpha.example"]]


def test_one_email_per_person_lists_all_their_items(world_a, world_b):
    person = world_a.practitioner.person
    set_deadline(world_a, "one", due_on=date(2026, 12, 10), assignee=person, title="First task")
    set_deadline(world_a, "two", due_on=date(2026, 12, 9), assignee=person, title="Second task")
    set_deadline(world_a, "three", due_on=date(2026, 12, 1), assignee=person, title="Overdue task")
    # The same person in another partnership: still one email.
    membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[Role.PRACTITIONER], person=person)
    set_deadline(world_b, "four", due_on=date(2026, 12, 10), assignee=person, title="Bravo task")

    result = deadlines_sweep(today=date(2026, 12, 8))

    [email] = sent_to(person.email)
    assert result["notices_sent"] == 4
    assert email.subject == "Learning Loop: 1 overdue and 3 due soon"
    body = email.body
    # Overdue first, then by due date.
    assert body.index("OVERDUE") < body.index("Overdue task") < body.index("DUE SOON") < body.index("Second task")
    assert body.index("Second task") < body.index("First task")
    assert "Bravo Safeguarding Partnership. Due Thursday 10 December 2026" in body
    assert "Overdue task" in body
    assert "overdue by 5 working days" in body


def test_a_deadline_made_inside_its_reminder_window_is_reminded_at_the_next_sweep(world_a):
    set_deadline(world_a, due_on=date(2026, 12, 10), assignee=world_a.practitioner.person)

    result = deadlines_sweep(today=date(2026, 12, 10))

    assert result["reminders_created"] == 1
    assert "due today" in mail.outbox[0].body


# --- The sweep: breaches --------------------------------------------------------------------


def test_a_breach_is_marked_once_and_escalated_to_the_assignee_and_business_managers(world_a):
    deadline = set_deadline(
        world_a, due_on=date(2026, 12, 10), assignee=world_a.practitioner.person, title="Agency return"
    )

    on_the_day = deadlines_sweep(today=date(2026, 12, 10))
    mail.outbox.clear()
    after = deadlines_sweep(today=date(2026, 12, 11))
    breached_at = fresh(deadline).breached_at
    again = deadlines_sweep(today=date(2026, 12, 14))

    assert on_the_day["deadlines_breached"] == 0
    assert after["deadlines_breached"] == after["breaches_created"] == 1
    assert after["emails_queued"] == 2
    assert breached_at is not None
    assert again["deadlines_breached"] == again["notices_claimed"] == 0
    assert fresh(deadline).breached_at == breached_at
    assert len(mail.outbox) == 2
    [to_assignee] = sent_to("practitioner@alpha.example")
    [to_manager] = sent_to("bm@alpha.example")
    assert to_assignee.subject == to_manager.subject == "Learning Loop: 1 overdue"
    assert "Due Thursday 10 December 2026: overdue by 1 working day." in to_assignee.body
    assert "Assigned to Alpha Practitioner; you are told as a business manager." in to_manager.body


def test_an_unassigned_breach_goes_to_the_business_managers_once_each(world_a):
    set_deadline(world_a, due_on=date(2026, 12, 10))

    deadlines_sweep(today=date(2026, 12, 14))

    assert [m.to for m in mail.outbox] == [["bm@alpha.example"]]
    assert "OVERDUE" in mail.outbox[0].body


def test_a_business_manager_who_is_the_assignee_gets_one_copy(world_a):
    set_deadline(world_a, due_on=date(2026, 12, 10), assignee=world_a.bm)

    deadlines_sweep(today=date(2026, 12, 14))

    [email] = mail.outbox
    assert email.body.count("Alpha Safeguarding Partnership. Due") == 1


def test_met_and_cancelled_deadlines_are_not_breached(world_a):
    met = set_deadline(world_a, "met", due_on=date(2026, 12, 10))
    cancelled = set_deadline(world_a, "cancelled", due_on=date(2026, 12, 10))
    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="met")
    deadline_cancel(partnership=world_a.partnership, subject=world_a.school, kind="cancelled")

    result = deadlines_sweep(today=date(2026, 12, 20))

    assert result["deadlines_breached"] == result["notices_claimed"] == 0
    assert fresh(met).breached_at is None
    assert fresh(cancelled).breached_at is None
    assert not mail.outbox


# --- Moving a date re-arms ------------------------------------------------------------------


def test_moving_the_date_rearms_the_reminder_and_clears_the_breach(world_a, clock):
    person = world_a.practitioner.person
    deadline = set_deadline(world_a, due_on=date(2026, 12, 10), assignee=person)
    deadlines_sweep(today=date(2026, 12, 8))  # reminded
    deadlines_sweep(today=date(2026, 12, 11))  # breached
    assert fresh(deadline).breached_at is not None
    assert len(sent_to(person.email)) == 2

    # Given more time (moved on 14 December, while it is overdue): a new date, a new reminder.
    clock.today = date(2026, 12, 14)
    moved = set_deadline(world_a, due_on=date(2026, 12, 22), assignee=person)

    assert moved.breached_at is None
    assert moved.remind_on == date(2026, 12, 18)
    assert deadlines_sweep(today=date(2026, 12, 17))["notices_claimed"] == 0
    assert deadlines_sweep(today=date(2026, 12, 18))["reminders_created"] == 1
    assert len(sent_to(person.email)) == 3
    assert "Due Tuesday 22 December 2026: 2 working days left." in sent_to(person.email)[-1].body
    # And it can breach again on the new date.
    assert deadlines_sweep(today=date(2026, 12, 23))["deadlines_breached"] == 1
    kinds = list(DeadlineNotice.objects.order_by("id").values_list("kind", "due_on"))
    assert kinds == [
        ("reminder", date(2026, 12, 10)),
        ("breach", date(2026, 12, 10)),
        ("reminder", date(2026, 12, 22)),
        ("breach", date(2026, 12, 22)),
    ]


def test_moving_to_a_date_already_past_keeps_the_breach(world_a, clock):
    deadline = set_deadline(world_a, due_on=date(2026, 11, 2))
    deadlines_sweep(today=date(2026, 11, 4))
    first_breach = fresh(deadline).breached_at
    clock.today = date(2026, 11, 5)

    set_deadline(world_a, due_on=date(2026, 11, 3))

    assert fresh(deadline).breached_at == first_breach


def test_a_pending_notice_for_the_old_date_is_dropped_when_the_date_moves(world_a):
    deadline = set_deadline(world_a, due_on=date(2026, 12, 10), assignee=world_a.practitioner.person)
    # The notice was inserted, but no sweep had claimed it when the date moved.
    DeadlineNotice.objects.create(
        partnership=world_a.partnership, deadline=deadline, kind="reminder", due_on=date(2026, 12, 10)
    )

    set_deadline(world_a, due_on=date(2027, 1, 20), assignee=world_a.practitioner.person)
    result = deadlines_sweep(today=date(2026, 12, 9))

    assert result["notices_claimed"] == 0
    assert not DeadlineNotice.objects.exists()
    assert not mail.outbox


def test_changing_the_reminder_setting_or_the_calendar_moves_open_reminders(world_a):
    open_one = set_deadline(world_a, "open", due_on=date(2027, 1, 14))
    met = set_deadline(world_a, "met", due_on=date(2027, 1, 14))
    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="met")
    assert fresh(open_one).remind_on == date(2027, 1, 12)

    services.partnership_update_settings(
        partnership=world_a.partnership,
        actor=world_a.bm,
        name=world_a.partnership.name,
        nation=Nation.ENGLAND,
        reminder_working_days=5,
    )
    assert fresh(open_one).remind_on == date(2027, 1, 7)
    assert fresh(met).remind_on == date(2027, 1, 12)

    services.closure_day_add(partnership=world_a.partnership, actor=world_a.bm, day=date(2027, 1, 8))
    assert fresh(open_one).remind_on == date(2027, 1, 6)

    services.closure_day_remove(
        partnership=world_a.partnership,
        actor=world_a.bm,
        closure_day=world_a.partnership.closure_days.get(),
    )
    assert fresh(open_one).remind_on == date(2027, 1, 7)

    services.partnership_update_settings(
        partnership=world_a.partnership, actor=world_a.bm, name=world_a.partnership.name, nation=Nation.SCOTLAND
    )
    # No Scottish holiday between 7 and 14 January; counting back from 8 January skips Scotland's
    # Monday 4 January (2 January was a Saturday) as well as New Year's Day.
    assert fresh(open_one).remind_on == date(2027, 1, 7)
    world_a.partnership.refresh_from_db()
    due_after_new_year = set_deadline(world_a, "new-year", due_on=date(2027, 1, 8))
    assert due_after_new_year.remind_on == date(2026, 12, 30)


def test_the_reminder_setting_is_validated(world_a):
    for bad in (-1, 11):
        with pytest.raises(ValidationError) as caught:
            services.partnership_update_settings(
                partnership=world_a.partnership,
                actor=world_a.bm,
                name=world_a.partnership.name,
                nation=Nation.ENGLAND,
                reminder_working_days=bad,
            )
        assert caught.value.message_dict == {"reminder_working_days": ["Enter a number of working days from 0 to 10."]}
    world_a.partnership.refresh_from_db()
    assert world_a.partnership.reminder_working_days == 2


# --- Exactly once: crashed sweeps, races, mail failures --------------------------------------


def test_two_claims_cannot_take_the_same_notice(world_a):
    for n in range(3):
        set_deadline(world_a, f"k{n}", due_on=date(2026, 12, 10))
    # Insert the notices the way a sweep does, then let two "sweeps" race for them.
    DeadlineNotice.objects.bulk_create(
        [
            DeadlineNotice(partnership=world_a.partnership, deadline=d, kind="reminder", due_on=d.due_on)
            for d in Deadline.objects.all()
        ]
    )
    now = timezone.now()

    first = deadline_notices_claim(sweep_id="sweep-one", now=now)
    second = deadline_notices_claim(sweep_id="sweep-two", now=now)

    assert (first, second) == (3, 0)
    assert set(DeadlineNotice.objects.values_list("claimed_by", flat=True)) == {"sweep-one"}


def test_a_crashed_sweeps_claims_are_taken_over_once_stale(world_a):
    set_deadline(world_a, due_on=date(2026, 12, 10), assignee=world_a.practitioner.person)
    DeadlineNotice.objects.create(
        partnership=world_a.partnership, deadline=Deadline.objects.get(), kind="reminder", due_on=date(2026, 12, 10)
    )
    # A sweep claims the notice and dies before sending.
    assert deadline_notices_claim(sweep_id="crashed", now=timezone.now()) == 1

    while_fresh = deadlines_sweep(today=date(2026, 12, 9))
    DeadlineNotice.objects.update(claimed_at=timezone.now() - STALE_CLAIM - timedelta(seconds=1))
    once_stale = deadlines_sweep(today=date(2026, 12, 9))
    afterwards = deadlines_sweep(today=date(2026, 12, 9))

    assert while_fresh["notices_claimed"] == 0
    assert once_stale["notices_claimed"] == once_stale["notices_sent"] == 1
    assert afterwards["notices_claimed"] == 0
    assert len(mail.outbox) == 1


def test_a_mail_failure_does_not_stop_the_rest_and_the_email_waits_in_the_outbox(world_a, monkeypatch):
    refused = "practitioner@alpha.example"
    real_send = EmailMessage.send

    def send(message, fail_silently=False):
        if refused in message.to:
            raise ConnectionRefusedError("mail server refused")
        return real_send(message, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMessage, "send", send)
    reminder = set_deadline(world_a, "reminder", due_on=date(2026, 12, 10), assignee=world_a.practitioner.person)
    breach = set_deadline(world_a, "breach", due_on=date(2026, 12, 1), assignee=world_a.practitioner.person)
    other = set_deadline(world_a, "other", due_on=date(2026, 12, 10), assignee=world_a.agency_lead.person)

    result = deadlines_sweep(today=date(2026, 12, 9))

    assert result["emails_queued"] == 3  # the practitioner's, the agency lead's and the manager's
    assert len(mail.outbox) == 2  # the refused one waits
    # Every notice is sent: its email is durably recorded, and the outbox keeps trying.
    sent = dict(DeadlineNotice.objects.values_list("deadline_id", "sent_at"))
    assert all(sent[d.pk] is not None for d in (reminder, breach, other))
    waiting = OutboundEmail.objects.exclude(state=OutboundEmail.State.SENT).get()
    assert waiting.to == [refused]
    assert waiting.state == OutboundEmail.State.PENDING
    assert waiting.attempts == 1
    assert "mail server refused" in waiting.last_error

    monkeypatch.setattr(EmailMessage, "send", real_send)
    # The sweep does not send it again; the outbox does, once its back-off has passed.
    assert deadlines_sweep(today=date(2026, 12, 9))["notices_claimed"] == 0
    assert emails_send_due()["claimed"] == 0
    assert emails_send_due(now=waiting.next_attempt_at)["sent"] == 1

    [email] = sent_to(refused)
    assert "reminder" in email.body
    assert "breach" in email.body
    assert len(sent_to("bm@alpha.example")) == 1
    assert emails_send_due(now=waiting.next_attempt_at + timedelta(hours=1))["claimed"] == 0
    assert len(sent_to(refused)) == 1


def test_a_notice_whose_deadline_was_met_after_insertion_is_not_sent(world_a):
    deadline = set_deadline(world_a, due_on=date(2026, 12, 10), assignee=world_a.practitioner.person)
    notice = DeadlineNotice.objects.create(
        partnership=world_a.partnership, deadline=deadline, kind="reminder", due_on=date(2026, 12, 10)
    )
    # Claimed by a sweep that then stalled; meanwhile the deadline is met.
    deadline_notices_claim(sweep_id="stalled", now=timezone.now() - STALE_CLAIM - timedelta(minutes=1))
    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="returns")

    result = deadlines_sweep(today=date(2026, 12, 9))

    assert result["notices_claimed"] == 0
    assert DeadlineNotice.objects.get(pk=notice.pk).sent_at is None
    assert not mail.outbox


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_second_claim_waits_for_the_first_and_then_takes_nothing(world_a):
    for n in range(5):
        deadline = set_deadline(world_a, f"k{n}", due_on=date(2026, 12, 10))
        DeadlineNotice.objects.create(
            partnership=world_a.partnership, deadline=deadline, kind="reminder", due_on=deadline.due_on
        )
    claimed_by_first = threading.Event()
    let_first_commit = threading.Event()
    results: dict[str, int] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = deadline_notices_claim(sweep_id="first", now=timezone.now())
                claimed_by_first.set()
                let_first_commit.wait(10)
        finally:
            connection.close()

    def second() -> None:
        try:
            results["second"] = deadline_notices_claim(sweep_id="second", now=timezone.now())
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert claimed_by_first.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.5)
    # The database holds the second claim on the first one's row locks.
    assert two.is_alive()
    let_first_commit.set()
    one.join(10)
    two.join(10)

    assert results == {"first": 5, "second": 0}
    assert set(DeadlineNotice.objects.values_list("claimed_by", flat=True)) == {"first"}


def _sweep_concurrently(count: int, *, today: date) -> tuple[list[dict], list[BaseException]]:
    """Start ``count`` sweeps at the same moment, each on its own database connection."""
    start = threading.Barrier(count)
    results: list[dict] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            start.wait(10)
            results.append(deadlines_sweep(today=today))
        except BaseException as exc:  # reported by the test, in its own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_overlapping_sweeps_send_each_notice_exactly_once(world_a, world_b):
    people = [world_a.practitioner.person, world_a.agency_lead.person, None]
    for n in range(60):
        world = world_a if n % 2 else world_b
        assignee = people[n % 3] if world is world_a else None
        # Half reminders, half breaches (of unassigned and assigned deadlines in both partnerships).
        due_on = date(2026, 12, 10) if n % 4 in (2, 3) else date(2026, 12, 1)
        set_deadline(world, f"k{n}", due_on=due_on, assignee=assignee, title=f"Item {n:02d}")
    for _round in range(3):  # overlap in different interleavings
        DeadlineNotice.objects.all().delete()
        Deadline.objects.update(breached_at=None)
        mail.outbox.clear()
        results, errors = _sweep_concurrently(4, today=date(2026, 12, 9))

        assert not errors
        assert sum(r["reminders_created"] for r in results) == 30
        assert sum(r["breaches_created"] for r in results) == 30
        assert sum(r["deadlines_breached"] for r in results) == 30
        assert sum(r["notices_sent"] for r in results) == 60
        assert DeadlineNotice.objects.filter(sent_at__isnull=True).count() == 0
        # Each person saw each of their items exactly once, whichever sweep sent it.
        seen: dict[tuple[str, str], int] = {}
        for message in mail.outbox:
            for n in range(60):
                if f"Item {n:02d}\n" in message.body:
                    key = (message.to[0], f"Item {n:02d}")
                    seen[key] = seen.get(key, 0) + 1
        # 30 reminders to one person each; 30 breaches to the manager, 10 of them also to their assignee.
        assert len(seen) == 30 + 30 + 10
        assert set(seen.values()) == {1}


# --- Set-based: the number of queries does not grow ------------------------------------------


def _many_deadlines(world_a, world_b, count: int, *, prefix: str) -> None:
    assignees = [world_a.practitioner.person, None, world_a.agency_lead.person, world_a.bm]
    for n in range(count):
        world = (world_a, world_b)[n % 2]
        due_on = (date(2026, 12, 10), date(2026, 12, 1), date(2027, 2, 1))[n % 3]  # reminder, breach, not yet
        assignee = assignees[n // 2 % 4] if world is world_a else None
        set_deadline(world, f"{prefix}{n}", due_on=due_on, assignee=assignee)


def test_the_sweep_runs_the_same_queries_for_10_or_200_deadlines(
    world_a, world_b, django_assert_num_queries, monkeypatch
):
    # The sweep's own queries: its emails go to the broker (counted here), not sent in this process.
    dispatched = []
    monkeypatch.setattr(mail_service, "_dispatch", dispatched.append)
    _many_deadlines(world_a, world_b, 10, prefix="small")
    with CaptureQueriesContext(connection) as small:
        small_result = deadlines_sweep(today=date(2026, 12, 9))
    dispatched.clear()
    _many_deadlines(world_a, world_b, 200, prefix="large")

    with django_assert_num_queries(len(small.captured_queries)):
        large_result = deadlines_sweep(today=date(2026, 12, 9))

    assert small_result["notices_sent"] == 7
    assert large_result["notices_sent"] == 134
    # 10, plus the outbox's one INSERT and the savepoint pair of its transaction (a test runs in one),
    # plus one load of the deadlines' subjects for the emails' links (one per kind of subject).
    assert len(small.captured_queries) <= 13
    # One email per person, however many items.
    recipients = OutboundEmail.objects.filter(pk__in=dispatched).values_list("to", flat=True)
    assert len(dispatched) == len({to[0] for to in recipients}) == 4


def test_a_quiet_sweep_is_four_queries(world_a, django_assert_num_queries):
    set_deadline(world_a, due_on=date(2027, 2, 1))

    with django_assert_num_queries(4):
        result = deadlines_sweep(today=date(2026, 12, 9))

    assert result["notices_claimed"] == 0


def test_one_sweep_takes_the_whole_backlog_with_one_email_per_person(world_a, world_b):
    # No batch: every notice due is taken by the sweep that finds it (issue 13: a backlog of 10,000 in one beat).
    people = [world_a.practitioner.person, world_a.agency_lead.person, None]
    for n in range(45):
        due_on = (date(2026, 12, 10), date(2026, 12, 1))[n % 2]
        set_deadline(world_a, f"k{n}", due_on=due_on, assignee=people[n % 3], title=f"Item {n:02d}")

    first = deadlines_sweep(today=date(2026, 12, 9))
    second = deadlines_sweep(today=date(2026, 12, 9))

    assert first["notices_claimed"] == first["notices_sent"] == 45
    assert second["notices_claimed"] == 0
    assert not DeadlineNotice.objects.filter(sent_at__isnull=True).exists()
    # The practitioner, the agency lead and the business manager: one email each, every item once.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "agency-lead@alpha.example",
        "bm@alpha.example",
        "practitioner@alpha.example",
    ]
    [to_practitioner] = sent_to("practitioner@alpha.example")
    assert [n for n in range(45) if f"Item {n:02d}\n" in to_practitioner.body] == list(range(0, 45, 3))


def test_the_sweep_records_who_hears_what_and_the_worker_writes_the_text(world_a, monkeypatch):
    dispatched: list[int] = []
    monkeypatch.setattr(mail_service, "_dispatch", dispatched.append)
    set_deadline(world_a, "soon", due_on=date(2026, 12, 10), assignee=world_a.practitioner.person, title="Soon")
    set_deadline(world_a, "late", due_on=date(2026, 12, 1), assignee=world_a.practitioner.person, title="Late")

    result = deadlines_sweep(today=date(2026, 12, 9))

    # Recorded with no text: ids and numbers only (nothing about a case in clear in body_data).
    [email] = OutboundEmail.objects.filter(pk__in=dispatched, to=["practitioner@alpha.example"])
    assert result["emails_queued"] == len(dispatched) == 2  # and the business manager's copy of the breach
    assert email.body == ""
    assert email.body_builder == "deadlines.digest"
    assert email.subject == "Learning Loop: 1 overdue and 1 due soon"
    assert "Soon" not in str(email.body_data)
    assert not mail.outbox

    assert mail_service.outbound_email_send(email_id=email.pk).state == OutboundEmail.State.SENT

    [sent] = mail.outbox
    assert sent.body.index("OVERDUE") < sent.body.index("Late") < sent.body.index("DUE SOON") < sent.body.index("Soon")
    assert "Due Thursday 10 December 2026: 1 working day left." in sent.body
    # The text sent is kept with the row (encrypted), so a retry would send the same words.
    assert OutboundEmail.objects.get(pk=email.pk).body == sent.body


def test_writing_a_letter_takes_the_same_queries_for_2_or_40_items(world_a, monkeypatch, django_assert_num_queries):
    dispatched: list[int] = []
    monkeypatch.setattr(mail_service, "_dispatch", dispatched.append)
    person = world_a.practitioner.person
    for n in range(2):
        set_deadline(world_a, f"small{n}", due_on=date(2026, 12, 10), assignee=person)
    deadlines_sweep(today=date(2026, 12, 9))
    [small] = dispatched
    dispatched.clear()
    for n in range(40):
        set_deadline(world_a, f"large{n}", due_on=date(2026, 12, 10), assignee=person)
    deadlines_sweep(today=date(2026, 12, 9))
    [large] = dispatched
    with CaptureQueriesContext(connection) as small_queries:
        mail_service.outbound_email_send(email_id=small)

    with django_assert_num_queries(len(small_queries.captured_queries)):
        mail_service.outbound_email_send(email_id=large)

    # Claim, load, the notices, the people, the subjects (one kind), store the text, mark sent.
    assert len(small_queries.captured_queries) <= 8
    assert mail.outbox[-1].body.count("\n* ") == 40


def test_a_letter_that_cannot_be_written_waits_in_the_outbox_like_a_refused_one(world_a, monkeypatch):
    dispatched: list[int] = []
    monkeypatch.setattr(mail_service, "_dispatch", dispatched.append)
    set_deadline(world_a, due_on=date(2026, 12, 10), assignee=world_a.practitioner.person, title="Send it")
    deadlines_sweep(today=date(2026, 12, 9))
    [email_id] = dispatched

    def broken(email):
        raise RuntimeError("template missing")

    with monkeypatch.context() as patched:
        patched.setattr("partnership.services.deadlines.deadline_digest_body", broken)
        outcome = mail_service.outbound_email_send(email_id=email_id)

    waiting = OutboundEmail.objects.get(pk=email_id)
    assert outcome.state == waiting.state == OutboundEmail.State.PENDING
    assert "template missing" in waiting.last_error
    assert waiting.body == ""
    assert not mail.outbox

    assert emails_send_due(now=waiting.next_attempt_at)["sent"] == 1
    assert "Send it" in mail.outbox[0].body


# --- Tasks for a person -------------------------------------------------------------------------


def test_tasks_for_a_person_are_theirs_open_and_in_this_partnership(world_a, world_b):
    person = world_a.practitioner.person
    mine_late = set_deadline(world_a, "late", due_on=date(2026, 12, 29), assignee=person)
    mine_overdue = set_deadline(world_a, "overdue", due_on=date(2026, 12, 21), assignee=person)
    set_deadline(world_a, "met", due_on=date(2026, 12, 21), assignee=person)
    deadline_meet(partnership=world_a.partnership, subject=world_a.school, kind="met")
    set_deadline(world_a, "someone-else", due_on=date(2026, 12, 21), assignee=world_a.agency_lead.person)
    set_deadline(world_a, "unassigned", due_on=date(2026, 12, 21))
    membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[Role.PRACTITIONER], person=person)
    set_deadline(world_b, "bravo", due_on=date(2026, 12, 21), assignee=person)

    tasks = tasks_for_person(person=person, partnership=world_a.partnership, today=date(2026, 12, 23))

    assert [t.deadline for t in tasks] == [mine_overdue, mine_late]
    overdue, late = tasks
    assert overdue.overdue
    assert overdue.working_days_overdue == 2
    assert overdue.assigned_to_you
    # Wed 23 -> Thu 24 (1), Fri 25 and Mon 28 are bank holidays, Tue 29 (2).
    assert not late.overdue
    assert late.working_days_left == 2


def test_business_managers_also_get_the_deadlines_no_one_else_can_act_on(world_a):
    unassigned = set_deadline(world_a, "unassigned", due_on=date(2026, 12, 21))
    orphaned = set_deadline(world_a, "orphaned", due_on=date(2026, 12, 22), assignee=world_a.observer.person)
    set_deadline(world_a, "practitioner", due_on=date(2026, 12, 23), assignee=world_a.practitioner.person)
    world_a.observer.is_active = False
    world_a.observer.save()

    tasks = tasks_for_person(person=world_a.bm, partnership=world_a.partnership, today=date(2026, 12, 21))
    practitioner_tasks = tasks_for_person(
        person=world_a.practitioner.person, partnership=world_a.partnership, today=date(2026, 12, 21)
    )

    assert [t.deadline for t in tasks] == [unassigned, orphaned]
    assert not any(t.assigned_to_you for t in tasks)
    assert tasks[0].due_today
    assert [t.deadline.kind for t in practitioner_tasks] == ["practitioner"]


# --- Celery: the beat entry and a real worker -----------------------------------------------------


def test_beat_runs_the_sweep_every_five_minutes():
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "partnership.tasks.deadlines_sweep"]
    assert entry["schedule"] == 5 * 60
    app.loader.import_default_modules()
    assert "partnership.tasks.deadlines_sweep" in app.tasks


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sweep_once(worker, world_a):
    today = timezone.localdate()
    calendar = WorkingDayCalendar(nation=world_a.partnership.nation)
    due_soon = set_deadline(
        world_a, "soon", due_on=calendar.add_working_days(today, 1), assignee=world_a.practitioner.person
    )
    overdue = set_deadline(world_a, "overdue", due_on=today - timedelta(days=10), assignee=world_a.agency_lead.person)

    first = worker.run(deadlines_sweep_task)
    second = worker.run(deadlines_sweep_task)

    assert first["reminders_created"] == first["breaches_created"] == first["deadlines_breached"] == 1
    assert first["notices_sent"] == 2
    assert second["notices_claimed"] == second["emails_queued"] == 0
    # Read back from the database, as the worker wrote it.
    assert fresh(overdue).breached_at is not None
    assert set(DeadlineNotice.objects.values_list("deadline_id", "kind")) == {
        (due_soon.pk, "reminder"),
        (overdue.pk, "breach"),
    }
    assert not DeadlineNotice.objects.filter(sent_at__isnull=True).exists()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "agency-lead@alpha.example",
        "bm@alpha.example",
        "practitioner@alpha.example",
    ]
