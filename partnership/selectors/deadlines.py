"""Reads of the deadline engine: a subject's deadlines, a person's tasks, and what the sweep needs.

Every read here runs a fixed number of queries, however many deadlines there
are: the sweep and the "my tasks" page rely on it.

Who must act on a deadline (its *effective assignee*): the assignee while they
are an active member of the deadline's partnership (and their account is
active); otherwise, the partnership's active business managers. An assignee who
has left cannot act in the system, so their reminders and their place on the
"my tasks" page pass to the business managers.

A deadline with no assignee may name a role instead (``assignee_role``: a
checklist task owned by "the police lead"): it is on the "my tasks" page of
every active member holding that role, and the business managers' only when no
one holds it. The sweep does not read the role: its reminders and escalations
go to the business managers, as for any deadline without an assignee.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from partnership.figures_cache import figures_cached
from partnership.models import (
    ClosureDay,
    Deadline,
    DeadlineNotice,
    Membership,
    MembershipRole,
    Partnership,
    Person,
    Role,
)
from partnership.subjects import deadline_url, subjects_load
from partnership.working_days import WorkingDayCalendar


def deadlines_for_subject(*, partnership: Partnership, subject: Model) -> QuerySet[Deadline]:
    """Every deadline of ``subject`` (open, met and cancelled), earliest due first, assignees loaded."""
    return (
        Deadline.objects.in_partnership(partnership)
        .filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
        .select_related("assignee")
        .order_by("due_on", "id")
    )


def deadline_subjects_load(deadlines: list[Deadline], *, partnerships: dict[int, Partnership]) -> None:
    """Load the deadlines' subjects (one query per kind of subject) for their links, partnerships set.

    A subject's link needs its partnership's slug: the caller passes the
    partnerships it has loaded already, so no query runs per deadline.
    """
    # Unordered: the subjects are matched to their deadlines by id. A model's default ordering was a third of
    # building each query ("my tasks" loads up to six kinds of subject for a page: issue 13).
    subjects = subjects_load(
        ((deadline.subject_type_id, deadline.subject_id) for deadline in deadlines),
        queryset_for=lambda model, ids: model._base_manager.filter(pk__in=ids).order_by(),
    )
    subject_field = Deadline._meta.get_field("subject")
    for deadline in deadlines:
        subject = subjects.get((deadline.subject_type_id, deadline.subject_id))
        if subject is not None and subject.partnership_id in partnerships:
            subject.partnership = partnerships[subject.partnership_id]
        subject_field.set_cached_value(deadline, subject)  # as prefetching "subject" would: None for a removed one


def _assignee_cannot_act(partnership_ref) -> Q:
    """The deadline's assignee has closed their account, or is no longer an active member of the partnership.

    Two tests, not one membership test joined to the person: PostgreSQL hashed that join over every person in the
    database (4.6 ms of the 6.6 ms deadline query at national volume, growing with it). The closed accounts are
    read from their own small index (``person_inactive``), the memberships from the partnership's.
    """
    return Exists(Person.objects.filter(pk=OuterRef("assignee"), is_active=False)) | ~Exists(
        Membership.objects.filter(partnership=partnership_ref, person=OuterRef("assignee"), is_active=True)
    )


def _role_is_held(partnership_ref) -> Exists:
    """Some active member (active account) holds the deadline's ``assignee_role``."""
    return Exists(
        MembershipRole.objects.filter(
            membership__partnership=partnership_ref,
            membership__is_active=True,
            membership__person__is_active=True,
            role=OuterRef("assignee_role"),
        )
    )


def _no_one_can_act(partnership_ref) -> Q:
    """The deadlines that fall to the business managers: no assignee able to act, and no holder of its role."""
    return (Q(assignee__isnull=False) & _assignee_cannot_act(partnership_ref)) | (
        Q(assignee__isnull=True) & (Q(assignee_role="") | ~_role_is_held(partnership_ref))
    )


@dataclass(frozen=True)
class Task:
    """One open deadline on someone's "my tasks" page, as of ``today``."""

    deadline: Deadline
    today: date
    # Working days after today up to the due date: 0 on the day, negative once it has passed.
    working_days_left: int
    # False: no one else can act on it (no assignee, or one who has left), so it is the business managers'.
    assigned_to_you: bool
    # Where the work is done: computed from the deadline's subject (never stored, so never stale).
    url: str = ""

    @property
    def overdue(self) -> bool:
        return self.deadline.due_on < self.today

    @property
    def due_today(self) -> bool:
        return self.deadline.due_on == self.today

    @property
    def working_days_overdue(self) -> int:
        """0 for a deadline that fell on a non-working day and is past only by non-working days."""
        return max(0, -self.working_days_left)


def _open_for_person(*, person: Person, partnership: Partnership, roles: Iterable[str]) -> QuerySet[Deadline]:
    roles = frozenset(roles)
    mine = Q(assignee=person)
    if roles:
        mine |= Q(assignee__isnull=True, assignee_role__in=sorted(roles))
    if Role.BUSINESS_MANAGER in roles:
        mine |= _no_one_can_act(partnership)
    return (
        Deadline.objects.in_partnership(partnership)
        .filter(state=Deadline.State.OPEN)
        .filter(mine)
        .order_by("due_on", "title", "id")
    )


def deadlines_open_for_person(*, person: Person, partnership: Partnership, roles: Iterable[str]) -> list[Deadline]:
    """The open deadlines the person must act on, earliest due first, assignees loaded (one query).

    Those assigned to them; those with no assignee whose ``assignee_role`` is one of ``roles`` (the person's
    roles in this partnership: every holder sees it); plus, for a business manager, those no one else can act
    on (no assignee able to act and no active holder of its role).
    """
    return list(_open_for_person(person=person, partnership=partnership, roles=roles).select_related("assignee"))


class OpenDeadline(NamedTuple):
    """What "my tasks" lists of an open deadline: a row, not a model (a business manager has hundreds)."""

    pk: int
    title: str
    due_on: date
    kind: str
    subject_type_id: int
    subject_id: int
    assignee_id: int | None
    assignee_role: str
    assignee_name: str | None
    assignee_email: str | None

    def as_deadline(self, partnership: Partnership) -> Deadline:
        """The model, for loading its subject and working out its link (done only for the tasks shown)."""
        fields = self._asdict()
        for label in _ASSIGNEE_LABEL_COLUMNS:
            del fields[label]
        deadline = Deadline(state=Deadline.State.OPEN, **fields)
        deadline.partnership = partnership
        return deadline


# The assignee's name and email are read through the join; every other field of an ``OpenDeadline`` is the
# deadline's own column of that name. Its columns are listed from its fields, so the two cannot drift apart.
_ASSIGNEE_LABEL_COLUMNS = {"assignee_name": "assignee__full_name", "assignee_email": "assignee__email"}
_OPEN_DEADLINE_COLUMNS = tuple(_ASSIGNEE_LABEL_COLUMNS.get(name, name) for name in OpenDeadline._fields)


def deadline_rows_open_for_person(
    *, person: Person, partnership: Partnership, roles: Iterable[str]
) -> list[OpenDeadline]:
    """``deadlines_open_for_person`` as rows (one query): building a model and its assignee for each of a business
    manager's 284 open deadlines was most of the query's cost on "my tasks" and the home page (issue 13)."""
    rows = _open_for_person(person=person, partnership=partnership, roles=roles).values_list(*_OPEN_DEADLINE_COLUMNS)
    return [OpenDeadline._make(row) for row in rows]


def deadline_is_yours(deadline: Deadline | OpenDeadline, *, person: Person, roles: frozenset[str]) -> bool:
    """Assigned to the person, or to no one but a role they hold (not only theirs as a business manager)."""
    if deadline.assignee_id is not None:
        return deadline.assignee_id == person.pk
    return bool(deadline.assignee_role) and deadline.assignee_role in roles


def tasks_for_person(*, person: Person, partnership: Partnership, today: date | None = None) -> list[Task]:
    """The person's open deadlines in this partnership, earliest due first (so overdue ones lead).

    Deadlines only: "my tasks" (every kind of task) is ``partnership.selectors.tasks.my_tasks``.
    Three queries, plus one per kind of subject, however many deadlines.
    """
    today = today or timezone.localdate()
    roles = frozenset(
        MembershipRole.objects.filter(
            membership__partnership=partnership, membership__person=person, membership__is_active=True
        ).values_list("role", flat=True)
    )
    deadlines = deadlines_open_for_person(person=person, partnership=partnership, roles=roles)
    calendar = working_day_calendars(partnership_ids=[partnership.pk], nations={partnership.pk: partnership.nation})[
        partnership.pk
    ]
    deadline_subjects_load(deadlines, partnerships={partnership.pk: partnership})
    # Working days left for every task from one walk over the calendar, not one walk per task.
    days_left = calendar.working_days_between_many(today, [deadline.due_on for deadline in deadlines])
    return [
        Task(
            deadline=deadline,
            today=today,
            working_days_left=left,
            assigned_to_you=deadline_is_yours(deadline, person=person, roles=roles),
            url=deadline_url(deadline),
        )
        for deadline, left in zip(deadlines, days_left, strict=True)
    ]


def closure_days_of(*, partnership_id: int) -> dict[date, str]:
    """The partnership's closure days with their reasons, kept until a record of the partnership changes
    (``partnership.figures_cache``): nearly every page that counts working days reads them, and they change a few
    times a year."""
    return figures_cached(
        partnership_id=partnership_id,
        parts=("closure days",),
        compute=lambda: dict(
            ClosureDay.objects.filter(partnership_id=partnership_id).values_list("date", "reason").order_by("date")
        ),
    )


def working_day_calendars(*, partnership_ids: Iterable[int], nations: dict[int, str]) -> dict[int, WorkingDayCalendar]:
    """The calendars of several partnerships from one query (their closure days); ``nations`` by id."""
    ids = sorted(set(partnership_ids))
    if len(ids) == 1:  # a page's own partnership: its closure days as kept (closure_days_of)
        (only,) = ids
        return {only: WorkingDayCalendar(nation=nations[only], closure_days=closure_days_of(partnership_id=only))}
    closures: dict[int, dict[date, str]] = defaultdict(dict)
    if ids:
        for partnership_id, day, reason in ClosureDay.objects.filter(partnership_id__in=ids).values_list(
            "partnership_id", "date", "reason"
        ):
            closures[partnership_id][day] = reason
    return {pid: WorkingDayCalendar(nation=nations[pid], closure_days=closures[pid]) for pid in ids}


# --- What the sweep reads ---------------------------------------------------------------------


def deadline_notices_claimed(*, claimed_by: str) -> list[DeadlineNotice]:
    """The unsent notices one sweep has claimed, with their deadline, assignee and partnership (one query).

    Each carries ``assignee_can_act``: whether the deadline's assignee is still an active
    member of its partnership (see the module docstring). The subjects of the breaches'
    deadlines are loaded too (one query per kind of subject), for the people their types
    add to an escalation; the emails' links are the worker's (``deadline_notices_for_digest``).
    """
    notices = list(
        # The sweep's claim spans partnerships; each notice carries its own.
        DeadlineNotice.objects.dangerously_unscoped()
        .filter(claimed_by=claimed_by, sent_at__isnull=True)
        .select_related("deadline", "deadline__assignee", "partnership")
        .annotate(
            assignee_can_act=Exists(
                Membership.objects.filter(
                    partnership=OuterRef("partnership_id"),
                    person=OuterRef("deadline__assignee_id"),
                    is_active=True,
                    person__is_active=True,
                )
            )
        )
        .order_by("due_on", "id")
    )
    deadline_subjects_load(
        [n.deadline for n in notices if n.kind == DeadlineNotice.Kind.BREACH],
        partnerships={n.partnership_id: n.partnership for n in notices},
    )
    return notices


def deadline_notices_for_digest(*, notice_ids: Iterable[int]) -> dict[int, DeadlineNotice]:
    """Notices by id with their deadline, partnership and the deadline's subject, for one email's text.

    One query, plus one per kind of subject (the links). Global like the sweep: an email
    lists one person's notices from every partnership they belong to.
    """
    notices = list(
        DeadlineNotice.objects.dangerously_unscoped()
        .filter(pk__in=list(notice_ids))
        .select_related("deadline", "partnership")
    )
    deadline_subjects_load(
        [n.deadline for n in notices], partnerships={n.partnership_id: n.partnership for n in notices}
    )
    return {n.pk: n for n in notices}


def business_managers_by_partnership(*, partnership_ids: Iterable[int]) -> dict[int, list[Person]]:
    """Each partnership's active business managers (active accounts only), by partnership id (one query)."""
    found: dict[int, list[Person]] = defaultdict(list)
    ids = sorted(set(partnership_ids))
    if not ids:
        return found
    memberships = (
        Membership.objects.filter(
            partnership_id__in=ids, is_active=True, person__is_active=True, roles__role=Role.BUSINESS_MANAGER
        )
        .select_related("person")
        .order_by("partnership_id", "person__full_name", "person__email")
    )
    for membership in memberships:
        found[membership.partnership_id].append(membership.person)
    return found
