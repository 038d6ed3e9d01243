"""The deadline engine: set, move, meet and cancel due dates; the sweep that reminds and escalates.

Other apps own their subjects (a rapid review, an agency request...) and keep
one ``Deadline`` per (subject, kind) through these services. Beat runs
``deadlines_sweep`` every few minutes (``partnership.tasks.deadlines_sweep``).

Exactly once, by the database
-----------------------------
A notice (a reminder or a breach escalation) is a ``DeadlineNotice`` row,
unique per (deadline, kind, due date). The sweep

1. inserts the notices that are due with ``INSERT ... SELECT ... ON CONFLICT DO
   NOTHING`` (PostgreSQL and SQLite alike), so two overlapping sweeps cannot
   create the same notice twice;
2. marks newly breached deadlines (one UPDATE);
3. claims unsent notices with one atomic ``UPDATE ... SET claimed_by = <this
   sweep> WHERE claimed_by = ''``: the database lets exactly one sweep take each
   notice (on PostgreSQL the second UPDATE waits for the first's row locks, then
   re-checks ``claimed_by`` and skips the row; SQLite runs one writer at a time);
4. records the claimed notices' emails in the outbox (one per person listing all
   their items, as ids: no text yet) and sets ``sent_at`` in the same transaction;
   the worker writes each email's text (``deadline_digest_body``) and sends it
   (``partnership.services.mail``), retrying while the mail server is down.

No batch: a sweep takes every notice due, so a backlog (a worker down for a day, a
bank holiday's worth of due dates) is cleared by the first sweep after it, and its
cost is measured rather than spread over later sweeps (``tests/benchmarks/sweep.py``).

No lock (Redis, advisory...) is needed: overlapping sweeps, a beat restart that
fires twice, or a redelivered task message all meet the same constraints.

The trade-off of a crashed sweep
--------------------------------
A sweep that dies between claiming and recording (worker killed, time limit)
leaves claimed, unsent notices. After ``STALE_CLAIM`` (15 minutes, far longer
than a sweep takes) another sweep may claim them again, for up to ``RETRY_FOR``
after they were created. Since the emails and ``sent_at`` commit together, a
crashed sweep recorded no email, so the retry sends no duplicate. A mail server
that is down no longer holds notices back: their emails wait in the outbox.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone

from partnership.models import Deadline, DeadlineNotice, OutboundEmail, Partnership, Person, Role
from partnership.selectors import working_day_calendar
from partnership.selectors.deadlines import (
    business_managers_by_partnership,
    deadline_notices_claimed,
    deadline_notices_for_digest,
    working_day_calendars,
)
from partnership.services.mail import outbound_emails_dispatch, outbound_emails_record_unwritten
from partnership.subjects import deadline_url, is_subject, subject_type_for

logger = logging.getLogger(__name__)

# A claim older than this with no sent_at belongs to a sweep that died: another sweep may take it.
STALE_CLAIM = timedelta(minutes=15)
# How long an undeliverable notice is retried before it is left to the operations team (logged).
RETRY_FOR = timedelta(days=3)

_OPEN = Deadline.State.OPEN
# A deadline's role: none, or one of the roles members hold.
_ROLES = frozenset({"", *Role.values})


# --- Setting, moving, meeting, cancelling -----------------------------------------------------


def _subject_key(*, partnership: Partnership, subject: models.Model) -> dict:
    if subject.pk is None:
        raise ValueError("A deadline's subject must be saved first.")
    owner = getattr(subject, "partnership_id", partnership.pk)
    if owner != partnership.pk:
        # A programming error, not bad input: never attach a deadline across tenants.
        raise ValueError("The subject belongs to another partnership.")
    return {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": subject.pk}


def _remind_on(*, partnership: Partnership, due_on: date) -> date:
    calendar = working_day_calendar(partnership=partnership)
    try:
        return calendar.subtract_working_days(due_on, partnership.reminder_working_days)
    except ValueError as exc:
        raise ValidationError({"due_on": [str(exc)]}) from exc


def _drop_pending_notices(deadlines: models.QuerySet, *, keep_due_on: date | None = None) -> None:
    """Forget notices no sweep has taken yet, for deadlines that are met, cancelled or moved.

    Claimed or sent notices stay: a sweep is working on them, or they are the record of
    what went out. Dropping a pending notice means a deadline reopened later on the same
    date is reminded again.
    """
    pending = DeadlineNotice.objects.filter(deadline__in=deadlines, sent_at__isnull=True, claimed_by="")
    if keep_due_on is not None:
        pending = pending.exclude(due_on=keep_due_on)
    pending.delete()


@transaction.atomic
def deadline_set(
    *,
    partnership: Partnership,
    subject: models.Model,
    kind: str,
    title: str,
    due_on: date,
    assignee: Person | None = None,
    assignee_role: str = "",
) -> Deadline:
    """Create or update the deadline of ``kind`` for ``subject``, and compute its reminder day.

    Who must act: ``assignee``; with none, every active member holding ``assignee_role`` (see it on their
    "my tasks"); with neither, the business managers. Both are set on every call, as given.

    ``remind_on`` is ``partnership.reminder_working_days`` working days before
    ``due_on`` on the partnership's calendar (bank holidays of its nation and its
    closure days). Moving the due date re-arms reminders and escalations (a notice
    is unique per due date, so the new date gets its own), drops notices pending
    for the old date, and clears ``breached_at`` when the new date is not past. The
    state is kept: a met deadline stays met. ``ValidationError`` (fields ``kind``,
    ``title``, ``due_on``) on bad input; nothing is written then. Where the work
    is done is not stored: the subject's declaration computes it
    (``SubjectType.deadline_url``), so a link never goes stale.
    """
    kind, title = kind.strip(), title.strip()
    errors: dict[str, list[str]] = {}
    if not kind or len(kind) > Deadline._meta.get_field("kind").max_length:
        errors["kind"] = ["A deadline needs a kind of at most 60 characters."]
    if not title:
        errors["title"] = ["A deadline needs a title."]
    elif len(title) > Deadline._meta.get_field("title").max_length:
        errors["title"] = ["Use at most 200 characters for a deadline's title."]
    if assignee_role not in _ROLES:
        errors["assignee_role"] = ["Choose one of the partnership's roles, or none."]
    if errors:
        raise ValidationError(errors)
    subject_type_for(subject)  # only a declared subject carries deadlines (LookupError otherwise)
    key = _subject_key(partnership=partnership, subject=subject)
    remind_on = _remind_on(partnership=partnership, due_on=due_on)
    values = {
        "title": title,
        "due_on": due_on,
        "remind_on": remind_on,
        "assignee": assignee,
        "assignee_role": assignee_role,
    }

    deadline = Deadline.objects.in_partnership(partnership).select_for_update().filter(kind=kind, **key).first()
    if deadline is None:
        try:
            with transaction.atomic():
                return Deadline.objects.create(partnership=partnership, kind=kind, **key, **values)
        except IntegrityError:
            # Someone created it in between (the unique constraint held): update theirs instead.
            deadline = Deadline.objects.in_partnership(partnership).select_for_update().get(kind=kind, **key)

    moved = deadline.due_on != due_on
    changed = [name for name, value in values.items() if getattr(deadline, name) != value]
    for name in changed:
        setattr(deadline, name, values[name])
    if moved and deadline.breached_at is not None and due_on >= timezone.localdate():
        deadline.breached_at = None
        changed.append("breached_at")
    if changed:
        deadline.save(update_fields=[*changed, "updated_at"])
    if moved:
        _drop_pending_notices(Deadline.objects.in_partnership(partnership).filter(pk=deadline.pk), keep_due_on=due_on)
    return deadline


class DeadlineItem(NamedTuple):
    """One deadline of ``deadlines_create_many``: its subject, title and who must act (as ``deadline_set``)."""

    subject: models.Model
    title: str
    assignee: Person | None = None
    assignee_role: str = ""


def deadlines_create_many(
    *,
    partnership: Partnership,
    kind: str,
    due_on: date,
    items: Sequence[DeadlineItem | tuple[models.Model, str, Person | None]],
) -> int:
    """The deadline of ``kind`` on ``due_on`` for each item (a ``DeadlineItem``, or a (subject, title, assignee)
    tuple), all subjects of one declared model: what ``deadline_set`` creates for one, in a fixed number of
    queries (the reminder day is computed once). A subject that has this deadline already keeps it unchanged
    (``deadline_set`` moves one). Returns how many were created. ``ValidationError`` on ``title`` when one is
    empty or too long, on ``assignee_role`` when one is not a role."""
    if not items:
        return 0
    items = [DeadlineItem(*item) for item in items]
    max_title = Deadline._meta.get_field("title").max_length
    titles = [item.title.strip() for item in items]
    if any(not title or len(title) > max_title for title in titles):
        raise ValidationError({"title": [f"Every deadline needs a title of 1 to {max_title} characters."]})
    if any(item.assignee_role not in _ROLES for item in items):
        raise ValidationError({"assignee_role": ["Choose one of the partnership's roles, or none."]})
    subject_type_for(items[0].subject)  # only a declared subject carries deadlines (LookupError otherwise)
    keys = [_subject_key(partnership=partnership, subject=item.subject) for item in items]
    subject_type = keys[0]["subject_type"]
    if any(key["subject_type"] != subject_type for key in keys):
        raise ValueError("deadlines_create_many takes subjects of one model.")
    remind_on = _remind_on(partnership=partnership, due_on=due_on)
    existing = set(
        Deadline.objects.in_partnership(partnership)
        .filter(kind=kind, subject_type=subject_type, subject_id__in=[key["subject_id"] for key in keys])
        .values_list("subject_id", flat=True)
    )
    created = Deadline.objects.in_partnership(partnership).bulk_create(
        [
            Deadline(
                partnership=partnership,
                kind=kind,
                **key,
                title=title,
                due_on=due_on,
                remind_on=remind_on,
                assignee=item.assignee,
                assignee_role=item.assignee_role,
            )
            for key, title, item in zip(keys, titles, items, strict=True)
            if key["subject_id"] not in existing
        ],
        batch_size=1000,
        ignore_conflicts=True,  # one made in between by another request stays as that request made it
    )
    return len(created)


def _subject_deadlines(*, partnership: Partnership, subject: models.Model, kind: str | None) -> models.QuerySet:
    found = Deadline.objects.in_partnership(partnership).filter(
        state=_OPEN, **_subject_key(partnership=partnership, subject=subject)
    )
    return found if kind is None else found.filter(kind=kind)


@transaction.atomic
def deadline_meet(*, partnership: Partnership, subject: models.Model, kind: str) -> None:
    """Mark the open deadline of ``kind`` for ``subject`` as met; nothing happens if there is none.

    No reminder or escalation goes out for it afterwards (pending notices are dropped).
    """
    open_ones = _subject_deadlines(partnership=partnership, subject=subject, kind=kind)
    now = timezone.now()
    ids = list(open_ones.values_list("pk", flat=True))
    if ids:
        met = Deadline.objects.in_partnership(partnership).filter(pk__in=ids)
        met.filter(state=_OPEN).update(state=Deadline.State.MET, met_at=now, updated_at=now)
        _drop_pending_notices(met)


@transaction.atomic
def deadline_reopen(*, partnership: Partnership, subject: models.Model, kind: str) -> int:
    """Open a met deadline of ``kind`` for ``subject`` again: the thing is owed once more.

    For work handed back (a return sent back to its author). Its breach mark is
    cleared, so the sweep reminds and escalates it again; a notice already sent
    for the same due date is not sent twice (notices are unique per due date).
    Returns how many were reopened (0 or 1). Cancelled deadlines stay cancelled.
    """
    now = timezone.now()
    return (
        Deadline.objects.in_partnership(partnership)
        .filter(kind=kind, state=Deadline.State.MET, **_subject_key(partnership=partnership, subject=subject))
        .update(state=_OPEN, met_at=None, breached_at=None, updated_at=now)
    )


@transaction.atomic
def deadline_cancel(*, partnership: Partnership, subject: models.Model, kind: str | None = None) -> int:
    """Cancel the open deadline of ``kind`` for ``subject`` (every open one when ``kind`` is None).

    Returns how many were cancelled. Met deadlines stay met; no notice goes out for a cancelled one.
    """
    open_ones = _subject_deadlines(partnership=partnership, subject=subject, kind=kind)
    ids = list(open_ones.values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    chosen = Deadline.objects.in_partnership(partnership).filter(pk__in=ids)
    cancelled = chosen.filter(state=_OPEN).update(state=Deadline.State.CANCELLED, updated_at=now)
    _drop_pending_notices(chosen)
    return cancelled


@transaction.atomic
def deadlines_recompute_reminders(*, partnership: Partnership, today: date | None = None) -> int:
    """Recompute ``remind_on`` of the partnership's open deadlines not yet past due.

    Call after anything that changes the calendar or the reminder setting (nation,
    closure days, ``reminder_working_days``). One UPDATE, whatever the number of
    deadlines. A reminder already sent for a due date is not sent again. Returns
    the number of deadlines whose reminder day changed.
    """
    partnership = Partnership.objects.get(pk=partnership.pk)  # the settings as saved now
    today = today or timezone.localdate()
    open_ones = Deadline.objects.in_partnership(partnership).filter(state=_OPEN, due_on__gte=today)
    due_dates = sorted(set(open_ones.values_list("due_on", flat=True)))
    if not due_dates:
        return 0
    calendar = working_day_calendar(partnership=partnership)
    days = partnership.reminder_working_days
    remind = {due: calendar.subtract_working_days(due, days) for due in due_dates}
    new_remind_on = Case(
        *(When(due_on=due, then=Value(r)) for due, r in remind.items()), output_field=models.DateField()
    )
    return (
        open_ones.annotate(new_remind_on=new_remind_on)
        .exclude(remind_on=F("new_remind_on"))
        .update(remind_on=new_remind_on, updated_at=timezone.now())
    )


# --- The sweep ---------------------------------------------------------------------------------


def _insert_notices(*, kind: str, due: Q, now: datetime) -> int:
    """``INSERT INTO notice SELECT ... FROM deadline WHERE <due> ON CONFLICT DO NOTHING``: one query.

    The NOT EXISTS spares the database re-inserting (and ignoring) the notices of every
    earlier sweep; the ON CONFLICT is what makes two overlapping sweeps safe.
    """
    already = DeadlineNotice.objects.filter(deadline=OuterRef("pk"), kind=kind, due_on=OuterRef("due_on"))
    candidates = (
        # The sweep: every partnership's deadlines at once, set-based.
        Deadline.objects.dangerously_unscoped()
        .filter(due, state=_OPEN)
        .exclude(Exists(already))
        .order_by()
        .annotate(
            notice_kind=Value(kind, output_field=models.CharField()),
            notice_created_at=Value(now, output_field=DateTimeField()),
            notice_claimed_by=Value("", output_field=models.CharField()),
        )
        .values_list("partnership_id", "id", "due_on", "notice_kind", "notice_created_at", "notice_claimed_by")
    )
    select_sql, params = candidates.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(c) for c in ("partnership_id", "deadline_id", "due_on", "kind", "created_at", "claimed_by")
    )
    sql = f"INSERT INTO {quote(DeadlineNotice._meta.db_table)} ({columns}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def deadline_notices_claim(*, sweep_id: str, now: datetime) -> int:
    """Take every unsent notice that is still due for this sweep; returns how many it took.

    One atomic ``UPDATE ... WHERE claimed_by = '' AND <its deadline still open on the same
    due date>``, whatever the backlog: no batch, so a backlog is cleared by the sweep that
    finds it. The UPDATE checks ``claimed_by`` row by row, so two sweeps cannot both take
    one: on PostgreSQL the second waits for the first's row locks, re-reads each row and
    skips it; SQLite runs one writer at a time.
    """
    stale_before = now - STALE_CLAIM
    takeable = Q(claimed_by="") | Q(claimed_at__lt=stale_before, created_at__gte=now - RETRY_FOR)
    still_due = Exists(
        # The sweep: every partnership's notices, each checked against its own deadline.
        Deadline.objects.dangerously_unscoped().filter(
            pk=OuterRef("deadline_id"), state=_OPEN, due_on=OuterRef("due_on")
        )
    )
    return (
        DeadlineNotice.objects.dangerously_unscoped()
        .filter(takeable, still_due, sent_at__isnull=True)
        .order_by()
        .update(claimed_by=sweep_id, claimed_at=now)
    )


@dataclass
class _Item:
    notice: DeadlineNotice
    working_days_left: int
    # The business managers' copy of an escalation for someone else's deadline.
    on_behalf_of: Person | None = None

    @property
    def deadline(self) -> Deadline:
        return self.notice.deadline

    @property
    def url(self) -> str:
        """Where the work is done, from the deadline's subject (loaded with the claimed notices)."""
        return deadline_url(self.notice.deadline)

    @property
    def overdue(self) -> bool:
        return self.notice.kind == DeadlineNotice.Kind.BREACH

    @property
    def working_days_overdue(self) -> int:
        return max(0, -self.working_days_left)

    @property
    def unassigned(self) -> bool:
        """No assignee able to act (none, or one who has left): the business managers' to chase."""
        return self.on_behalf_of is None and self.for_managers

    # Set for every copy sent to a business manager.
    for_managers: bool = False
    # Why someone neither assignee nor business manager is told (an overdue action's agency lead).
    told_as: str = ""


@dataclass
class _Letter:
    person: Person
    items: list[_Item] = field(default_factory=list)


def _breach_recipients(notices: list[DeadlineNotice]) -> dict[int, list[tuple[Person, str]]]:
    """The people each breach notice's subject type adds (``SubjectType.breach_recipients``), by notice id.

    One call per kind of subject with breaches in this sweep: no query for kinds that add nobody.
    """
    by_type: dict[type, list[DeadlineNotice]] = {}
    for notice in notices:
        if notice.kind != DeadlineNotice.Kind.BREACH:
            continue  # only breaches' subjects are loaded (``deadline_notices_claimed``)
        subject = notice.deadline.subject
        if subject is not None and is_subject(subject):
            by_type.setdefault(type(subject), []).append(notice)
    extra: dict[int, list[tuple[Person, str]]] = {}
    for model, of_type in by_type.items():
        found = subject_type_for(model).breach_recipients([n.deadline.subject for n in of_type])
        for notice in of_type:
            if found.get(notice.deadline.subject_id):
                extra[notice.pk] = found[notice.deadline.subject_id]
    return extra


def _letters(notices: list[DeadlineNotice], *, today: date) -> dict[int, _Letter]:
    """Who hears about what: one letter per person, with all their items.

    Two queries, plus one per kind of subject that adds recipients to its breaches (an action: its agency leads).
    """
    partnerships = {n.partnership_id: n.partnership for n in notices}
    managers = business_managers_by_partnership(partnership_ids=partnerships)
    calendars = working_day_calendars(
        partnership_ids=partnerships, nations={pid: p.nation for pid, p in partnerships.items()}
    )
    extra = _breach_recipients(notices)
    # Working days left for every notice: one walk over each partnership's calendar, not one per notice.
    by_partnership: dict[int, list[DeadlineNotice]] = {}
    for notice in notices:
        by_partnership.setdefault(notice.partnership_id, []).append(notice)
    left_of: dict[int, int] = {}
    for partnership_id, of_partnership in by_partnership.items():
        days = calendars[partnership_id].working_days_between_many(today, [n.deadline.due_on for n in of_partnership])
        left_of.update(zip((n.pk for n in of_partnership), days, strict=True))
    letters: dict[int, _Letter] = {}

    def add(person: Person, item: _Item) -> None:
        letters.setdefault(person.pk, _Letter(person)).items.append(item)

    for notice in notices:
        deadline = notice.deadline
        assignee = deadline.assignee
        if assignee is not None and not notice.assignee_can_act:
            assignee = None  # left the partnership: the business managers must hear instead
        left = left_of[notice.pk]
        if assignee is not None:
            add(assignee, _Item(notice, left))
        told = {assignee.pk} if assignee is not None else set()
        if assignee is None or notice.kind == DeadlineNotice.Kind.BREACH:
            for manager in managers.get(notice.partnership_id, []):
                if manager.pk not in told:
                    add(manager, _Item(notice, left, on_behalf_of=assignee, for_managers=True))
                    told.add(manager.pk)
        for person, capacity in extra.get(notice.pk, []):
            if person.pk not in told:
                add(person, _Item(notice, left, on_behalf_of=assignee, told_as=capacity))
                told.add(person.pk)
    return letters


def _subject_line(items: list[_Item]) -> str:
    overdue = sum(1 for i in items if i.overdue)
    due = len(items) - overdue
    parts = []
    if overdue:
        parts.append(f"{overdue} overdue")
    if due:
        parts.append(f"{due} due soon")
    return "Learning Loop: " + " and ".join(parts)


DIGEST = "deadlines.digest"


def _digest_data(letter: _Letter, *, today: date) -> dict:
    """What the worker needs to write a letter (``deadline_digest_body``): ids and numbers, no names."""
    return {
        "person": letter.person.pk,
        "today": today.isoformat(),
        # Each item: the notice, working days left, on whose behalf, as a business manager, told as.
        "items": [
            [i.notice.pk, i.working_days_left, i.on_behalf_of.pk if i.on_behalf_of else None, i.for_managers, i.told_as]
            for i in letter.items
        ],
    }


def _queue_letters(letters: dict[int, _Letter], *, today: date) -> list[int]:
    """Record one email per letter in the outbox, in one INSERT, with no body yet; the worker writes and sends it.

    Recorded in the transaction that marks the notices sent, so a notice is sent exactly
    when its email is durably on its way: a mail server that is down delays it, never loses it.
    Who hears about what is decided here; the text is rendered by the worker
    (``deadline_digest_body``), so the sweep's time does not grow with the words written.
    Returns the ids of the emails recorded.
    """
    return outbound_emails_record_unwritten(
        emails=[
            (_subject_line(letter.items), DIGEST, _digest_data(letter, today=today), [letter.person.email])
            for letter in letters.values()
        ]
    )


def deadline_digest_body(email: OutboundEmail) -> str:
    """The text of one sweep's letter to one person (``services.mail``'s builder for ``deadlines.digest``).

    Run by the worker when it first sends the email: three queries, plus one per kind of subject
    (for the links), for one letter. Overdue items first, then by due date.
    """
    data = email.body_data
    rows = data["items"]
    notices = deadline_notices_for_digest(notice_ids=[row[0] for row in rows])
    people = Person.objects.in_bulk({data["person"], *(row[2] for row in rows if row[2])})
    items = [
        _Item(
            notices[notice_id],
            left,
            on_behalf_of=people.get(behalf) if behalf else None,
            for_managers=for_managers,
            told_as=told_as,
        )
        for notice_id, left, behalf, for_managers, told_as in rows
        if notice_id in notices  # a deadline deleted since the sweep: nothing to say about it
    ]
    items.sort(key=lambda i: (not i.overdue, i.deadline.due_on, i.deadline.title, i.deadline.pk))
    person = people.get(data["person"])
    return render_to_string(
        "emails/deadlines_digest.txt",
        {
            "person": person if person is not None else {"email": email.to[0] if email.to else ""},
            "items": items,
            "site_url": settings.SITE_URL,
        },
    )


def deadlines_sweep(*, today: date | None = None) -> dict[str, int]:
    """Remind, mark breaches and escalate: each notice exactly once, in a fixed number of queries.

    Reminders go to the deadline's effective assignee (the business managers when
    there is none) from its ``remind_on`` up to its due day; a deadline still open
    after its due day is marked breached and escalated to its assignee *and* the
    partnership's business managers, and to whoever its subject's type adds
    (``SubjectType.breach_recipients``: an overdue action's agency leads), found for
    all the sweep's breaches of that kind in one query. Each person gets one email per sweep listing
    their items. Safe to run concurrently and repeatedly (see the module docstring);
    run it outside a transaction, so that its claims commit before any email goes.
    Every notice due is taken by the sweep that finds it (no batch: a backlog of 10,000
    is one sweep of seconds, ``tests/benchmarks/sweep.py``); the emails are recorded here
    and written and sent by the worker.

    Returns counts: ``reminders_created``, ``breaches_created``, ``deadlines_breached``,
    ``notices_claimed``, ``notices_sent``, ``emails_queued`` (one per person, written and sent by the worker),
    ``notices_dropped`` (claimed, but their deadline was met or moved meanwhile).
    """
    today = today or timezone.localdate()
    now = timezone.now()
    sweep_id = uuid.uuid4().hex
    counts = {
        "reminders_created": _insert_notices(
            kind=DeadlineNotice.Kind.REMINDER,
            # "not past due" rather than due_on >= today: the same rows, but SQLite (whose planner has
            # no histograms) then reads the few deadlines past their reminder day through the
            # remind_on index, instead of nearly every open deadline through the due_on index.
            # PostgreSQL rewrites NOT (a < b) as a >= b and plans both forms alike.
            due=Q(remind_on__lte=today) & ~Q(due_on__lt=today),
            now=now,
        ),
        "breaches_created": _insert_notices(kind=DeadlineNotice.Kind.BREACH, due=Q(due_on__lt=today), now=now),
        # The sweep marks every partnership's overdue deadlines.
        "deadlines_breached": Deadline.objects.dangerously_unscoped()
        .filter(state=_OPEN, due_on__lt=today, breached_at__isnull=True)
        .order_by()
        .update(breached_at=now),
        "notices_claimed": deadline_notices_claim(sweep_id=sweep_id, now=now),
        "notices_sent": 0,
        "emails_queued": 0,
        "notices_dropped": 0,
    }
    if not counts["notices_claimed"]:
        return counts

    notices = deadline_notices_claimed(claimed_by=sweep_id)
    # Met or moved between the claim and now: say nothing about it.
    moot = [n.pk for n in notices if n.deadline.state != _OPEN or n.deadline.due_on != n.due_on]
    notices = [n for n in notices if n.deadline.state == _OPEN and n.deadline.due_on == n.due_on]
    letters = _letters(notices, today=today)
    told = {item.notice.pk for letter in letters.values() for item in letter.items}
    for notice in notices:
        if notice.pk not in told:
            logger.warning("Nobody to tell about deadline %s (%s)", notice.deadline_id, notice.kind)
    # Sent: its emails are recorded (the outbox writes and delivers them, retrying while the mail server
    # is down), or there was nobody to tell. Moot ones are dropped. One transaction: both or neither.
    with transaction.atomic():
        email_ids = _queue_letters(letters, today=today)
        counts["notices_sent"] = (
            # This sweep's claim, across partnerships.
            DeadlineNotice.objects.dangerously_unscoped()
            .filter(claimed_by=sweep_id, sent_at__isnull=True)
            .exclude(pk__in=moot)
            .update(sent_at=timezone.now())
        )
    counts["emails_queued"] = len(email_ids)
    outbound_emails_dispatch(email_ids=email_ids)
    if moot:
        counts["notices_dropped"] = (
            DeadlineNotice.objects.dangerously_unscoped().filter(pk__in=moot, claimed_by=sweep_id).delete()[0]
        )
    return counts
