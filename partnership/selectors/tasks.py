""" "My tasks": everything that waits for one person in one partnership, whatever workflow it comes from.

One selector, ``my_tasks``, reads every *task source* in the registry below and
returns one list. A workflow that gives people something to do adds its tasks
by registering one source (``task_source_register``, from its ``AppConfig.ready``
when it lives outside the kernel); the page, the overview, the API and anything
else that shows "what awaits me" then list them without change.

The kernel registers two sources:

- ``deadlines``: the person's open deadlines (agency returns to write or to
  complete again after a send-back, comments to give on a circulated draft,
  milestones...), those owed by a role they hold (a hub checklist task of "the
  police lead"), plus, for a business manager, those no one else can act on;
- ``sign_offs``: three-partner sign-offs awaiting a decision from a partner the
  person leads in the current round (what a health or police lead used to learn
  of only by email).

Each source runs a fixed number of queries whatever the number of tasks, so
``my_tasks`` does too: one for the person's roles, one for the calendar, then
each source's own (pinned in ``tests/partnership/test_my_tasks_selector.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from partnership.models import (
    PARTNER_LEAD_ROLES,
    Membership,
    Partnership,
    Person,
    Role,
    SignOff,
    SignOffAction,
)
from partnership.selectors.deadlines import (
    OpenDeadline,
    deadline_is_yours,
    deadline_rows_open_for_person,
    deadline_subjects_load,
    working_day_calendars,
)
from partnership.subjects import SubjectLinks, deadline_url, deadline_url_from_id, subject_url, subjects_load
from partnership.working_days import WorkingDayCalendar


@dataclass(frozen=True)
class Task:
    """One thing waiting for someone, as of ``today``, whatever workflow it comes from."""

    # Which source it came from ("deadline", "sign_off"...), and what kind of work it is, in words.
    source: str
    kind_label: str
    title: str
    # Where the work is done (a path within the site); empty when there is nowhere to go.
    url: str
    today: date
    # Empty for work with no date of its own (still waiting, listed after the dated ones).
    due_on: date | None = None
    # Working days after today up to the due date: 0 on the day, negative once it has passed.
    working_days_left: int | None = None
    # False: no one else can act on it (no assignee, or one who has left), so it is the business managers'.
    assigned_to_you: bool = True
    # Who it was assigned to when that is not the person (shown beside "for the business managers").
    assignee_label: str = ""
    # A deadline's task, whose ``url`` is worked out only when the task is shown (``TaskList``): its subject must
    # be loaded for it, and a business manager has hundreds of deadlines of which a page shows a few.
    deadline: OpenDeadline | None = field(default=None, compare=False, repr=False)
    linked: bool = field(default=True, compare=False, repr=False)

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self.today

    @property
    def due_today(self) -> bool:
        return self.due_on == self.today

    @property
    def working_days_overdue(self) -> int:
        """0 for a task that fell on a non-working day and is past only by non-working days."""
        return max(0, -(self.working_days_left or 0))


@dataclass(frozen=True)
class TaskQuery:
    """What every source is given: who asks, where, on which day, their roles and the calendar (no queries)."""

    person: Person
    partnership: Partnership
    today: date
    roles: frozenset[str]
    calendar: WorkingDayCalendar
    membership: Membership

    @property
    def is_business_manager(self) -> bool:
        return Role.BUSINESS_MANAGER in self.roles

    @property
    def partner_lead_for(self) -> list[str]:
        return [PARTNER_LEAD_ROLES[r] for r in sorted(self.roles) if r in PARTNER_LEAD_ROLES]

    @cached_property
    def deadline_links(self) -> _DeadlineLinks:
        return _DeadlineLinks(self.partnership)

    def working_days_left(self, due_on: date | None) -> int | None:
        # Counted from the calendar's closed days, not walked: every task of a decade's backlog costs the same.
        return None if due_on is None else self.calendar.working_days_between(self.today, due_on)


TaskSource = Callable[[TaskQuery], Iterable[Task]]
_SOURCES: dict[str, TaskSource] = {}


def task_source_register(name: str, source: TaskSource) -> None:
    """Add a workflow's tasks to everyone's "my tasks". A source must run a fixed number of queries."""
    _SOURCES[name] = source


class _DeadlineLinks:
    """Where a request's deadline tasks lead, worked out for the tasks shown, and each link remembered for the
    rest of the request. A link its subject's type builds from ids (``SubjectType.deadline_url_from_id``) costs no
    query; the other tasks' subjects are loaded in one batch (a query per kind of subject)."""

    def __init__(self, partnership: Partnership) -> None:
        self.partnership = partnership
        self.urls: dict[int, str] = {}
        self._from_ids = SubjectLinks(partnership)

    def link(self, tasks: Iterable[Task]) -> None:
        to_load = []
        for task in tasks:
            row = task.deadline
            if task.linked or row.pk in self.urls:
                continue
            url = deadline_url_from_id(
                self._from_ids, subject_type_id=row.subject_type_id, subject_id=row.subject_id, kind=row.kind
            )
            if url is None:
                to_load.append(row.as_deadline(self.partnership))
            else:
                self.urls[row.pk] = url
        if to_load:
            deadline_subjects_load(to_load, partnerships={self.partnership.pk: self.partnership})
            self.urls.update((deadline.pk, deadline_url(deadline)) for deadline in to_load)

    def linked(self, task: Task) -> Task:
        return task if task.linked else replace(task, url=self.urls[task.deadline.pk], linked=True)


class TaskList(list):
    """Tasks whose links are worked out as they are read: a slice (a page, the first five) links just its own
    tasks in one batch; iterating links them all. So a page showing a few of hundreds of tasks loads only those
    few subjects, and no task is ever shown without its link."""

    def __init__(self, tasks: Iterable[Task], links: _DeadlineLinks) -> None:
        super().__init__(tasks)
        self._links = links

    def _link(self, start: int, stop: int) -> None:
        window = list.__getitem__(self, slice(start, stop))
        if all(task.linked for task in window):
            return
        self._links.link(window)
        list.__setitem__(self, slice(start, stop), [self._links.linked(task) for task in window])

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, _step = index.indices(len(self))
            self._link(start, max(start, stop))
            return list.__getitem__(self, index)
        position = index + len(self) if index < 0 else index
        if 0 <= position < len(self):
            self._link(position, position + 1)
        return list.__getitem__(self, index)

    def __iter__(self):
        self._link(0, len(self))
        return list.__iter__(self)

    def window(self, start: int, stop: int) -> list[Task]:
        """Tasks ``start`` to ``stop`` as they are, their links not worked out (for ``MyTasks.link``)."""
        return list.__getitem__(self, slice(start, stop))


@dataclass(frozen=True)
class MyTasks:
    # Every task, in order, their links not yet worked out: read them through ``tasks`` and the sections.
    unlinked: list[Task]
    links: _DeadlineLinks | None = field(default=None, compare=False, repr=False)

    def _list(self, tasks: Iterable[Task]) -> TaskList:
        return TaskList(tasks, self.links)

    @property
    def tasks(self) -> TaskList:
        return self._list(self.unlinked)

    @property
    def overdue(self) -> TaskList:
        return self._list(t for t in self.unlinked if t.overdue)

    @property
    def due(self) -> TaskList:
        return self._list(t for t in self.unlinked if t.due_on is not None and not t.overdue)

    @property
    def waiting(self) -> TaskList:
        """Work with no date of its own (a sign-off awaiting the person's decision...)."""
        return self._list(t for t in self.unlinked if t.due_on is None)

    def due_within(self, last_day: date) -> TaskList:
        return self._list(t for t in self.unlinked if t.due_on is not None and not t.overdue and t.due_on <= last_day)

    def link(self, *groups: Iterable[Task]) -> None:
        """Work out the links of the tasks a page will show (``TaskList.window``s), in one batch: the sections
        then find them worked out as they are read."""
        if self.links is not None:
            self.links.link(task for group in groups for task in group)

    def __len__(self) -> int:
        return len(self.unlinked)


def my_tasks(
    *, person: Person, partnership: Partnership, today: date | None = None, membership: Membership | None = None
) -> MyTasks:
    """Everything waiting for ``person`` in ``partnership``: overdue first, then by due date, undated last.

    Only an active member's tasks: a former member has none. A fixed number of
    queries whatever the number of tasks (two, plus each source's own).
    """
    today = today or timezone.localdate()
    if membership is None or membership.person_id != person.pk or membership.partnership_id != partnership.pk:
        # A page or API call passes the membership it resolved (roles loaded): no query then.
        membership = (
            Membership.objects.in_partnership(partnership)
            .filter(person=person, is_active=True)
            .prefetch_related("roles")
            .first()
        )
    roles = membership.role_set if membership is not None else frozenset()
    if not roles or not person.is_active:
        return MyTasks(unlinked=[])
    calendar = working_day_calendars(partnership_ids=[partnership.pk], nations={partnership.pk: partnership.nation})[
        partnership.pk
    ]
    query = TaskQuery(
        person=person, partnership=partnership, today=today, roles=roles, calendar=calendar, membership=membership
    )
    tasks = [task for source in _SOURCES.values() for task in source(query)]
    tasks.sort(key=lambda t: (t.due_on is None, t.due_on or today, t.title))
    return MyTasks(unlinked=tasks, links=query.deadline_links)


# --- The kernel's sources ----------------------------------------------------------------------


def _deadline_tasks(query: TaskQuery) -> list[Task]:
    """One query: the open deadlines assigned to the person or to a role they hold (and, for a business
    manager, those no one else can act on), read as rows; the shown ones become models when linked."""
    deadlines = deadline_rows_open_for_person(person=query.person, partnership=query.partnership, roles=query.roles)
    tasks = []
    for deadline in deadlines:
        mine = deadline_is_yours(deadline, person=query.person, roles=query.roles)
        assignee_label = ""
        if not mine and deadline.assignee_id is not None:
            assignee_label = deadline.assignee_name or deadline.assignee_email
        tasks.append(
            Task(
                source="deadline",
                kind_label="Deadline",
                title=deadline.title,
                url="",
                today=query.today,
                due_on=deadline.due_on,
                working_days_left=query.working_days_left(deadline.due_on),
                assigned_to_you=mine,
                assignee_label=assignee_label,
                deadline=deadline,
                linked=False,
            )
        )
    return tasks


_DECISIONS = (SignOffAction.Action.APPROVED, SignOffAction.Action.SENT_BACK)


def _sign_off_tasks(query: TaskQuery) -> list[Task]:
    """Sign-offs awaiting a decision the person may give (a place in the approver set they fill), this round.

    Whatever the approver set (the three statutory partners, a board, named
    people), the rule is the sign-off's own: ``Approver.admits``. Two queries
    (the awaiting sign-offs with this round's decisions), plus one per kind of
    subject (a model may narrow or widen its subjects' query with a
    ``sign_off_task_queryset(queryset)`` classmethod, to load what its ``str``
    and ``sign_off_due_on`` read). A subject may give ``sign_off_due_on``: the
    date its sign-off is needed by (a rapid review's decision: its Panel day).
    """
    sign_offs = list(
        SignOff.objects.in_partnership(query.partnership)
        .filter(state=SignOff.State.AWAITING)
        .order_by("created_at", "id")
    )
    waiting: list[tuple[SignOff, list]] = []
    mine_by_sign_off = {
        sign_off.pk: [a for a in sign_off.approver_set if a.admits(query.membership)] for sign_off in sign_offs
    }
    candidates = [s for s in sign_offs if mine_by_sign_off[s.pk]]
    if not candidates:
        return []
    decided: dict[int, set[str]] = defaultdict(set)
    rounds = Q()
    for sign_off in candidates:
        rounds |= Q(sign_off=sign_off, round=sign_off.round)
    for sign_off_id, key in SignOffAction.objects.filter(rounds, action__in=_DECISIONS).values_list(
        "sign_off_id", "partner"
    ):
        decided[sign_off_id].add(key)
    for sign_off in candidates:
        open_places = [a for a in mine_by_sign_off[sign_off.pk] if a.key not in decided[sign_off.pk]]
        if open_places:
            waiting.append((sign_off, open_places))
    if not waiting:
        return []
    subjects = _sign_off_subjects(query, [sign_off for sign_off, _places in waiting])
    tasks = []
    for sign_off, places in waiting:
        subject = subjects.get((sign_off.subject_type_id, sign_off.subject_id))
        if subject is None:
            continue
        due_on = getattr(subject, "sign_off_due_on", None)
        tasks.append(
            Task(
                source="sign_off",
                kind_label="Sign-off",
                title=f"Sign off for {' and '.join(a.label.lower() for a in places)}: {subject}",
                # The subject's own page where it has one (a decision, read with its reasons), else the one
                # sign-off page; deciding on either moves the subject's workflow through its hook.
                url=subject_url(subject)
                or reverse(
                    "partnership:sign_off_detail",
                    kwargs={"slug": query.partnership.slug, "sign_off_id": sign_off.pk},
                ),
                today=query.today,
                due_on=due_on,
                working_days_left=query.working_days_left(due_on),
            )
        )
    return tasks


def _sign_off_subjects(query: TaskQuery, sign_offs: list[SignOff]) -> dict[tuple[int, int], object]:
    """The sign-offs' subjects by (content type, id): one query per kind of subject."""

    def queryset_for(model, ids):
        queryset = model._default_manager.filter(partnership=query.partnership, pk__in=ids)
        if hasattr(model, "sign_off_task_queryset"):
            queryset = model.sign_off_task_queryset(queryset)
        return queryset

    subjects = subjects_load(((s.subject_type_id, s.subject_id) for s in sign_offs), queryset_for=queryset_for)
    for subject in subjects.values():
        subject.partnership = query.partnership  # its link needs the slug: no query per subject
    return subjects


task_source_register("deadlines", _deadline_tasks)
task_source_register("sign_offs", _sign_off_tasks)
