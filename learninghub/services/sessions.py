"""Learning hub sessions: scheduled, rescheduled, held or cancelled; attendance, notes and actions recorded.

A session's state moves through the kernel's state helper (``HubSession.ALLOWED_MOVES``): scheduled → held or
cancelled, cancelled → scheduled again. Every change a calendar must pick up (a new time, place, link or title;
a cancellation; a reinstatement) raises the session's ``sequence``, so an ``.ics`` downloaded again replaces the
one in the member's calendar. An action is owned by one member with a due date: its kernel deadline (kind
``hub_session_action``, assigned to the owner) is what puts it on the owner's "my tasks" and reminds them;
ticking it done meets the deadline and so takes it off. Nothing changes once the cycle is closed or withdrawn.
Every change leaves a history row.
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from learninghub.models import HubCycle, HubSession, HubSessionAction, HubSessionAttendance, SessionKind
from learninghub.selectors.sessions import hub_session_action_can_tick
from partnership.models import HistoryEntry, Membership, Partnership, Person
from partnership.services.deadlines import deadline_cancel, deadline_meet, deadline_reopen, deadline_set
from partnership.services.history import _version_check, history_record, tenant_create, tenant_delete, tenant_update
from partnership.services.states import refuse_unless_allowed, state_move

ACTION_DEADLINE = "hub_session_action"
State = HubSession.State

TITLE_MAX = 200
PLACE_MAX = 300
URL_MAX = 500
AGENDA_MAX = 10_000
NOTES_MAX = 20_000
ACTION_TEXT_MAX = 500
# A session is a real meeting: far-off years are typing mistakes (and before 1900 London's zone is not GMT).
FIRST_YEAR, LAST_YEAR = 2000, 2099
# What a calendar shows: changing one of these is a new revision of the invitation.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "place", "online_url")

_url_validator = URLValidator(schemes=["https", "http"])


def _cycle_active(cycle: HubCycle) -> None:
    if cycle.state != HubCycle.State.ACTIVE:
        raise ValidationError(f"This cycle is {cycle.get_state_display().lower()}: its sessions can no longer change.")


def _text(value: str | None, *, field: str, limit: int, errors: dict, required: str = "") -> str:
    value = (value or "").strip()
    if not value and required:
        errors[field] = [required]
    elif len(value) > limit:
        errors[field] = [f"Use at most {limit:,} characters."]
    return value


def _online_url(value: str | None, *, errors: dict) -> str:
    """A web link (``https://`` or ``http://`` only: no ``javascript:`` or file link ends up in an invitation)."""
    value = (value or "").strip()
    if len(value) > URL_MAX:
        errors["online_url"] = [f"Use at most {URL_MAX} characters."]
    elif value:
        try:
            _url_validator(value)
        except ValidationError:
            errors["online_url"] = ["Enter a web address starting with https:// (or http://)."]
    return value


def _check_times(starts_at: datetime | None, ends_at: datetime | None, *, errors: dict) -> None:
    """Both given, in the years a meeting can be, and the end after the start."""
    for name, moment, missing in (
        ("starts_at", starts_at, "Enter when the session starts."),
        ("ends_at", ends_at, "Enter when the session ends."),
    ):
        if moment is None:
            errors[name] = [missing]
        elif not FIRST_YEAR <= moment.year <= LAST_YEAR:
            errors[name] = [f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}."]
    if not errors.keys() & {"starts_at", "ends_at"} and ends_at <= starts_at:
        errors["ends_at"] = ["The session must end after it starts."]


def _details(
    *,
    cycle: HubCycle,
    kind: str | None,
    title: str | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    place: str | None,
    online_url: str | None,
    agenda: str | None,
) -> dict:
    """The session's details, cleaned, or ``ValidationError`` by field."""
    errors: dict[str, list[str]] = {}
    if kind not in SessionKind.values:
        errors["kind"] = ["Choose what kind of session it is."]
    elif kind == SessionKind.PRE_MEET and not cycle.has_pre_meet:
        errors["kind"] = ["This cycle has no pre-meet."]
    title = " ".join((title or "").split())
    if not title and kind in SessionKind.values:
        title = SessionKind(kind).label
    if len(title) > TITLE_MAX:
        errors["title"] = [f"Use at most {TITLE_MAX} characters."]
    _check_times(starts_at, ends_at, errors=errors)
    place = _text(place, field="place", limit=PLACE_MAX, errors=errors)
    online_url = _online_url(online_url, errors=errors)
    if not place and not online_url and "place" not in errors and "online_url" not in errors:
        errors["place"] = ["Enter where the session is held, or its online link."]
    agenda = _text(agenda, field="agenda", limit=AGENDA_MAX, errors=errors)
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "online_url": online_url,
        "agenda": agenda,
    }


@transaction.atomic
def hub_session_create(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    kind: str | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    title: str | None = "",
    place: str | None = "",
    online_url: str | None = "",
    agenda: str | None = "",
) -> HubSession:
    """Schedule a session of an active cycle: its kind, when (ends after it starts), where (a place, a
    ``https://`` link, or both) and its agenda. The title defaults to the kind's name. ``ValidationError`` by
    field; nothing is written then. One history row."""
    cycle = HubCycle.objects.in_partnership(partnership).select_for_update().filter(pk=cycle.pk).first()
    if cycle is None:
        raise ValidationError("No such learning hub cycle in this partnership.")
    _cycle_active(cycle)
    data = _details(
        cycle=cycle,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_url=online_url,
        agenda=agenda,
    )
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=HubSession(partnership=partnership, cycle=cycle, created_by=actor, **data),
    )


def _locked(partnership: Partnership, session: HubSession) -> HubSession:
    locked = (
        HubSession.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .filter(pk=session.pk)
        .select_related("cycle")
        .first()
    )
    if locked is None:
        raise ValidationError("No such session in this partnership.")
    return locked


@transaction.atomic
def hub_session_update(
    *,
    partnership: Partnership,
    actor: Person,
    session: HubSession,
    kind: str | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    title: str | None = "",
    place: str | None = "",
    online_url: str | None = "",
    agenda: str | None = "",
    notes: str | None = "",
    expected_updated_at: datetime | None = None,
) -> HubSession:
    """Change a session's details and notes; a new time, place, link or title reschedules it (``sequence``
    + 1, so calendars replace the invitation). Refused for a cancelled session (reinstate it first), for a new
    time once it was held, when stale (``stale``), or once the cycle is over. ``ValidationError`` by field."""
    locked = _locked(partnership, session)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this session")
    _cycle_active(locked.cycle)
    if locked.state == State.CANCELLED:
        raise ValidationError("This session is cancelled: put it back in the calendar before changing it.")
    data = _details(
        cycle=locked.cycle,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_url=online_url,
        agenda=agenda,
    )
    errors: dict[str, list[str]] = {}
    data["notes"] = _text(notes, field="notes", limit=NOTES_MAX, errors=errors)
    if locked.state == State.HELD and (data["starts_at"], data["ends_at"]) != (locked.starts_at, locked.ends_at):
        errors["starts_at"] = ["This session was held: its date and time are the record and stay as they are."]
    if errors:
        raise ValidationError(errors)
    if any(getattr(locked, name) != data[name] for name in CALENDAR_FIELDS):
        data["sequence"] = locked.sequence + 1
    tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    return locked


def _move_refusal(current: str, to: str) -> str:
    if current == to:
        return f"This session is already {State(to).label.lower()}."
    if current == State.HELD:
        return "This session was held: it is the record and does not move again."
    if current == State.CANCELLED:
        return "This session is cancelled: put it back in the calendar first."
    return f"A {State(current).label.lower()} session cannot become {State(to).label.lower()}."


@transaction.atomic
def hub_session_move(
    *,
    partnership: Partnership,
    actor: Person,
    session: HubSession,
    to: str,
    reason: str = "",
    now: datetime | None = None,
) -> HubSession:
    """Mark a session held (only once it has started), cancel it (``STATUS:CANCELLED`` in its invitation), or
    put a cancelled one back in the calendar. Checked and recorded by the kernel's state helper; a cancellation
    or reinstatement raises ``sequence`` so calendars pick it up. ``ValidationError`` (code ``refused_move``)
    for a move the table does not allow."""
    locked = _locked(partnership, session)
    _cycle_active(locked.cycle)
    if to not in State.values:
        raise ValidationError({"to": ["Choose held, cancelled or scheduled."]})
    refuse_unless_allowed(locked, to, refusal=_move_refusal)
    fields: dict = {}
    if to == State.HELD and locked.starts_at > (now or timezone.now()):
        raise ValidationError("This session has not started yet: it cannot be marked as held.")
    if to in (State.CANCELLED, State.SCHEDULED):
        fields["sequence"] = locked.sequence + 1
    moved = state_move(
        partnership=partnership,
        actor=actor,
        instance=locked,
        to=to,
        fields=fields,
        reason=reason,
        refusal=_move_refusal,
    )
    session.state, session.sequence, session.updated_at = moved.state, moved.sequence, moved.updated_at
    return moved


def _members(partnership: Partnership, ids: list[int]) -> dict[int, Membership]:
    """The partnership's active members among ``ids`` (another partnership's or a former member's id is absent)."""
    if not ids:
        return {}
    return {
        m.pk: m
        for m in Membership.objects.in_partnership(partnership)
        .filter(pk__in=ids, is_active=True)
        .select_related("person")
    }


@transaction.atomic
def hub_session_attendance_set(
    *,
    partnership: Partnership,
    actor: Person,
    session: HubSession,
    attended_ids: list[int],
    apologies_ids: list[int],
) -> list[HubSessionAttendance]:
    """Record who attended and who sent apologies (members of the partnership; anyone else's id is refused as
    missing, on its field). Replaces the record; one history row on the session saying what changed. Refused
    for a cancelled session and once the cycle is over."""
    locked = _locked(partnership, session)
    _cycle_active(locked.cycle)
    if locked.state == State.CANCELLED:
        raise ValidationError("This session is cancelled: nobody attended it.")
    attended, apologies = list(dict.fromkeys(attended_ids)), list(dict.fromkeys(apologies_ids))
    found = _members(partnership, [*attended, *apologies])
    errors: dict[str, list[str]] = {}
    for field, ids in (("attended_ids", attended), ("apologies_ids", apologies)):
        missing = [i for i in ids if i not in found]
        if missing:
            errors[field] = [f"Not a member of this partnership: {', '.join(map(str, missing))}."]
    both = set(attended) & set(apologies)
    if both and "apologies_ids" not in errors:
        errors["apologies_ids"] = ["A member either attended or sent apologies, not both."]
    if errors:
        raise ValidationError(errors)

    manager = HubSessionAttendance.objects.in_partnership(partnership)
    before = {a.member_id: a.status for a in manager.filter(session=locked)}
    wanted = dict.fromkeys(attended, HubSessionAttendance.Status.ATTENDED)
    wanted.update(dict.fromkeys(apologies, HubSessionAttendance.Status.APOLOGIES))
    if before == wanted:
        return list(manager.filter(session=locked).select_related("member__person"))
    manager.filter(session=locked).delete()
    rows = manager.bulk_create(
        [
            HubSessionAttendance(partnership=partnership, session=locked, member=found[i], status=status)
            for i, status in wanted.items()
        ]
    )

    def names(record: dict[int, str], status: str) -> list[str]:
        return sorted(str(i) for i, s in record.items() if s == status)

    history_record(
        partnership=partnership,
        actor=actor,
        instance=locked,
        action=HistoryEntry.Action.UPDATED,
        changes={
            "attended": {"from": names(before, "attended"), "to": names(wanted, "attended")},
            "apologies": {"from": names(before, "apologies"), "to": names(wanted, "apologies")},
        },
        reason="Attendance recorded",
    )
    return rows


def _deadline_title(session: HubSession, action: HubSessionAction) -> str:
    return textwrap.shorten(f"{session.title}: {action.text}", width=200, placeholder="…")


@transaction.atomic
def hub_session_action_add(
    *,
    partnership: Partnership,
    actor: Person,
    session: HubSession,
    text: str | None,
    owner_id: int | None,
    due_on: date | None,
) -> HubSessionAction:
    """Record an action agreed at a session: what, which member owns it, due when (not before the session's
    day). Its kernel deadline, assigned to the owner, puts it on their "my tasks" and reminds them.
    Refused for a cancelled session and once the cycle is over; ``ValidationError`` by field."""
    locked = _locked(partnership, session)
    _cycle_active(locked.cycle)
    if locked.state == State.CANCELLED:
        raise ValidationError("This session is cancelled: record its actions on another session.")
    errors: dict[str, list[str]] = {}
    text = _text(text, field="text", limit=ACTION_TEXT_MAX, errors=errors, required="Enter what is to be done.")
    owner = _members(partnership, [owner_id]).get(owner_id) if owner_id is not None else None
    if owner is None:
        errors["owner_id"] = ["Choose a member of this partnership."]
    session_day = timezone.localtime(locked.starts_at).date()
    if due_on is None:
        errors["due_on"] = ["Enter the date it is due."]
    elif due_on < session_day:
        errors["due_on"] = [f"Choose a date on or after the session, {session_day:%-d %B %Y}."]
    if errors:
        raise ValidationError(errors)
    action = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=HubSessionAction(partnership=partnership, session=locked, text=text, owner=owner, due_on=due_on),
    )
    deadline_set(
        partnership=partnership,
        subject=action,
        kind=ACTION_DEADLINE,
        title=_deadline_title(locked, action),
        due_on=due_on,
        assignee=owner.person,
    )
    return action


def _locked_action(partnership: Partnership, action: HubSessionAction) -> HubSessionAction:
    locked = (
        HubSessionAction.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .filter(pk=action.pk)
        .select_related("session__cycle")
        .first()
    )
    if locked is None:
        raise ValidationError("No such action in this partnership.")
    return locked


@transaction.atomic
def hub_session_action_tick(
    *, partnership: Partnership, actor: Person, membership: Membership, action: HubSessionAction, done: bool
) -> HubSessionAction:
    """Tick an action done (it leaves the owner's "my tasks": its deadline is met) or not done again (it comes
    back). Only its owner or a business manager (``PermissionDenied``), only while the cycle is in progress."""
    locked = _locked_action(partnership, action)
    if not hub_session_action_can_tick(membership=membership, action=locked):
        raise PermissionDenied("Only the action's owner or a business manager ticks it.")
    _cycle_active(locked.session.cycle)
    if locked.is_done == done:
        return locked
    locked.done_at = timezone.now() if done else None
    locked.done_by = actor if done else None
    locked.save(update_fields=["done_at", "done_by", "updated_at"])
    history_record(
        partnership=partnership,
        actor=actor,
        instance=locked,
        action=HistoryEntry.Action.UPDATED,
        changes={"done": {"from": not done, "to": done}},
    )
    if done:
        deadline_meet(partnership=partnership, subject=locked, kind=ACTION_DEADLINE)
    else:
        deadline_reopen(partnership=partnership, subject=locked, kind=ACTION_DEADLINE)
    return locked


@transaction.atomic
def hub_session_action_delete(
    *, partnership: Partnership, actor: Person, action: HubSessionAction, reason: str = ""
) -> None:
    """Remove an action recorded by mistake: its deadline goes with it (off the owner's "my tasks"); the history
    keeps what it was. Only while the cycle is in progress."""
    locked = _locked_action(partnership, action)
    _cycle_active(locked.session.cycle)
    deadline_cancel(partnership=partnership, subject=locked, kind=ACTION_DEADLINE)
    tenant_delete(partnership=partnership, actor=actor, instance=locked, reason=reason)


def hub_session_actions_cancel_for_cycle(*, partnership: Partnership, cycle: HubCycle) -> None:
    """A closed or withdrawn cycle's open actions are no longer chased (called by ``hub_cycle_move``)."""
    for action in HubSessionAction.objects.in_partnership(partnership).filter(
        session__cycle=cycle, done_at__isnull=True
    ):
        deadline_cancel(partnership=partnership, subject=action, kind=ACTION_DEADLINE)


__all__ = [
    "ACTION_DEADLINE",
    "hub_session_action_add",
    "hub_session_action_delete",
    "hub_session_action_tick",
    "hub_session_actions_cancel_for_cycle",
    "hub_session_attendance_set",
    "hub_session_create",
    "hub_session_move",
    "hub_session_update",
]
