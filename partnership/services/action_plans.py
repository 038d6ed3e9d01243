"""Action plans: a signed-off recommendation's plan, due 10 working days after sign-off, and its SMART actions.

The seeds' "action plan within two weeks" is 10 working days on the
partnership's calendar (its nation's bank holidays and its closure days), held
by the deadline engine, which reminds and escalates like every other deadline.

Each action's due date is a deadline too (kind ``action.due``, the lead person
its assignee): reminders and escalations come from the engine's sweep, and an
overdue action is escalated to its lead agency's agency leads as well as to the
business managers (``ActionSubject.breach_recipients``).

Who may do what is stated once, in ``partnership.selectors.recommendation_access``:
the plan is shaped by the business managers and the lead partner's lead
(``action_plan_editable_by``); progress is recorded by whoever
``action_updatable_by`` admits. A member who may not even see an action gets
``Http404`` from the selectors before any service runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from partnership.models import Agency, HistoryEntry, Membership, Partnership, Person
from partnership.models.recommendations import Action, ActionPlan, ActionUpdate, Rag, Recommendation
from partnership.selectors import working_day_calendar
from partnership.selectors.recommendation_access import (
    action_plan_editable_by,
    action_updatable_by,
    recommendation_closable_by,
)
from partnership.services import _version_check, history_record, tenant_create, tenant_delete, tenant_update
from partnership.services.deadlines import deadline_cancel, deadline_meet, deadline_set
from partnership.services.files import stored_file_add, stored_file_check
from partnership.services.states import refuse_unless_allowed, state_move

ACTION_PLAN_WORKING_DAYS = 10
DEADLINE_ACTION_PLAN = "action_plan.due"
DEADLINE_ACTION = "action.due"
# Evidence files one progress update may carry (each within the files service's type and size limits).
EVIDENCE_FILES_MAX = 5
# A plan's actions are shaped while it is being planned and while it is delivered; not once it is done.
PLAN_OPEN_STATES = frozenset({Recommendation.State.ACTION_PLANNING, Recommendation.State.IN_PROGRESS})
PROGRESS_RAGS = (Rag.RED, Rag.AMBER, Rag.GREEN)
# The RAG statuses a progress update reports (completing is its own step), for forms and the API's schema.
PROGRESS_RAG_CHOICES = [(rag.value, rag.label) for rag in PROGRESS_RAGS]

State = Recommendation.State


@transaction.atomic
def action_plan_start(
    *, partnership: Partnership, recommendation: Recommendation, actor: Person | None, owner: Person | None = None
) -> ActionPlan:
    """Open the plan of a recommendation just signed off, and start its 10-working-day clock.

    Moves the recommendation from "signed off" to "action planning". ``owner``
    is who is chased for the plan (the business manager who put it to the
    partners); without one, the business managers are. Runs inside the
    sign-off's transaction (``sign_off_settled``), so the plan exists exactly
    when the sign-off does. The clock counts from the day after sign-off
    (``WorkingDayCalendar.add_working_days``): signed off on a Monday, due on
    the Monday two weeks later, later by one for each bank holiday or closure
    day between.
    """
    plan, _ = ActionPlan.objects.get_or_create(partnership=partnership, recommendation=recommendation)
    signed_off_on = timezone.localdate(recommendation.signed_off_at or timezone.now())
    due_on = working_day_calendar(partnership=partnership).add_working_days(signed_off_on, ACTION_PLAN_WORKING_DAYS)
    deadline_set(
        partnership=partnership,
        subject=plan,
        kind=DEADLINE_ACTION_PLAN,
        title=f"Action plan for {recommendation.reference}",
        due_on=due_on,
        assignee=owner,
    )
    state_move(
        partnership=partnership,
        actor=actor,
        instance=recommendation,
        to=Recommendation.State.ACTION_PLANNING,
        reason="Signed off: the action plan is due within 10 working days.",
    )
    return plan


# --- Checks shared by the services ------------------------------------------------------------------------


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _lock_recommendation(*, partnership: Partnership, recommendation: Recommendation) -> Recommendation:
    return (
        Recommendation.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("action_plan")
        .get(pk=recommendation.pk)
    )


def _lock_action(*, partnership: Partnership, action: Action) -> Action:
    return (
        Action.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("plan__recommendation", "lead_agency", "lead_person")
        .get(pk=action.pk)
    )


def _plan_open(recommendation: Recommendation) -> None:
    if recommendation.state not in PLAN_OPEN_STATES:
        raise ValidationError(
            f"The plan of a recommendation that is “{recommendation.get_state_display().lower()}” cannot be changed.",
            code="refused_move",
        )


def _text(value: str | None) -> str:
    return (value or "").strip()


def _lead_agency(*, partnership: Partnership, agency_id: int | None, errors: dict) -> Agency | None:
    """This partnership's active agency of that id; another partnership's reads exactly like a missing one."""
    if agency_id in (None, ""):
        errors["lead_agency"] = ["Choose the agency that leads the action."]
        return None
    agency = Agency.objects.in_partnership(partnership).filter(pk=agency_id, is_active=True).first()
    if agency is None:
        errors["lead_agency"] = ["No active agency of this partnership has this id."]
    return agency


def _lead_person(*, partnership: Partnership, person_id: int | None, errors: dict) -> Person | None:
    """An active member of this partnership (optional): the person the action's reminders go to."""
    if person_id in (None, ""):
        return None
    membership = (
        Membership.objects.in_partnership(partnership)
        .filter(person_id=person_id, is_active=True, person__is_active=True)
        .select_related("person")
        .first()
    )
    if membership is None:
        errors["lead_person"] = ["No active member of this partnership has this id."]
        return None
    return membership.person


def _action_fields(
    *,
    partnership: Partnership,
    what: str,
    lead_agency_id: int | None,
    lead_person_id: int | None,
    due_on: date | None,
    measure_of_success: str,
    due_on_was: date | None = None,
) -> dict:
    """The SMART fields checked together, so the page shows every problem at once."""
    errors: dict[str, list[str]] = {}
    what, measure = _text(what), _text(measure_of_success)
    if not what:
        errors["what"] = ["Say what will be done."]
    elif len(what) > 4000:
        errors["what"] = [f"Use at most 4,000 characters (you used {len(what):,})."]
    if not measure:
        errors["measure_of_success"] = ["Say how you will know it worked: the measure of success."]
    elif len(measure) > 4000:
        errors["measure_of_success"] = [f"Use at most 4,000 characters (you used {len(measure):,})."]
    if due_on is None:
        errors["due_on"] = ["Enter the date the action is due."]
    elif due_on < timezone.localdate() and due_on != due_on_was:
        errors["due_on"] = ["The due date must be today or later."]
    agency = _lead_agency(partnership=partnership, agency_id=lead_agency_id, errors=errors)
    person = _lead_person(partnership=partnership, person_id=lead_person_id, errors=errors)
    if errors:
        raise ValidationError(errors)
    return {"what": what, "lead_agency": agency, "lead_person": person, "due_on": due_on, "measure_of_success": measure}


def _action_deadline(*, partnership: Partnership, action: Action) -> None:
    """The action's due date as a deadline: its lead person is reminded, and chased when it is overdue."""
    recommendation = action.plan.recommendation
    deadline_set(
        partnership=partnership,
        subject=action,
        kind=DEADLINE_ACTION,
        title=f"Action {action.position} for {recommendation.reference}: {action.what[:120]}",
        due_on=action.due_on,
        assignee=action.lead_person,
    )


# --- Shaping the plan -------------------------------------------------------------------------------------


@transaction.atomic
def action_add(
    *,
    partnership: Partnership,
    membership: Membership,
    recommendation: Recommendation,
    what: str,
    lead_agency_id: int | None,
    due_on: date | None,
    measure_of_success: str,
    lead_person_id: int | None = None,
) -> Action:
    """Add a SMART action at the end of the recommendation's plan, with its due date as a deadline.

    The business managers and the lead partner's lead, while the plan is being
    made or delivered. The agency and the person are looked up in this
    partnership only: another partnership's id is refused like a missing one.
    ``ValidationError`` by field (``what``, ``lead_agency``, ``lead_person``,
    ``due_on``, ``measure_of_success``) and nothing is written.
    """
    recommendation = _lock_recommendation(partnership=partnership, recommendation=recommendation)
    _require(
        action_plan_editable_by(recommendation, membership),
        "Only a business manager or the lead partner's lead shapes this plan.",
    )
    _plan_open(recommendation)
    plan = recommendation.action_plan
    fields = _action_fields(
        partnership=partnership,
        what=what,
        lead_agency_id=lead_agency_id,
        lead_person_id=lead_person_id,
        due_on=due_on,
        measure_of_success=measure_of_success,
    )
    last = Action.objects.in_partnership(partnership).filter(plan=plan).aggregate(last=Max("position"))["last"] or 0
    action = tenant_create(
        partnership=partnership,
        actor=membership.person,
        instance=Action(partnership=partnership, plan=plan, position=last + 1, **fields),
    )
    action.plan.recommendation = recommendation
    _action_deadline(partnership=partnership, action=action)
    return action


@transaction.atomic
def action_edit(
    *,
    partnership: Partnership,
    membership: Membership,
    action: Action,
    what: str,
    lead_agency_id: int | None,
    due_on: date | None,
    measure_of_success: str,
    lead_person_id: int | None = None,
    expected_updated_at: datetime | None = None,
) -> dict:
    """Change an action's SMART fields; a new due date or lead person moves its deadline with it.

    Refused when someone else changed the action since ``expected_updated_at``
    (code ``stale``), and for a completed action. Returns the changes recorded.
    """
    action = _lock_action(partnership=partnership, action=action)
    _version_check(instance=action, expected_updated_at=expected_updated_at, what="this action")
    recommendation = action.plan.recommendation
    _require(
        action_plan_editable_by(recommendation, membership),
        "Only a business manager or the lead partner's lead changes this plan's actions.",
    )
    _plan_open(recommendation)
    if action.completed_at is not None:
        raise ValidationError("A completed action is the record of what was done: it is not changed.")
    fields = _action_fields(
        partnership=partnership,
        what=what,
        lead_agency_id=lead_agency_id,
        lead_person_id=lead_person_id,
        due_on=due_on,
        measure_of_success=measure_of_success,
        due_on_was=action.due_on,
    )
    changes = tenant_update(partnership=partnership, actor=membership.person, instance=action, data=fields)
    if changes:
        _action_deadline(partnership=partnership, action=action)
    return changes


@transaction.atomic
def action_remove(
    *,
    partnership: Partnership,
    membership: Membership,
    action: Action,
    expected_updated_at: datetime | None = None,
    reason: str = "",
) -> None:
    """Take an action out of the plan (its deadline goes with it). One with progress recorded stays: it is the
    record of work done; complete it or change it instead."""
    action = _lock_action(partnership=partnership, action=action)
    _version_check(instance=action, expected_updated_at=expected_updated_at, what="this action")
    recommendation = action.plan.recommendation
    _require(
        action_plan_editable_by(recommendation, membership),
        "Only a business manager or the lead partner's lead removes this plan's actions.",
    )
    _plan_open(recommendation)
    if ActionUpdate.objects.in_partnership(partnership).filter(action=action).exists():
        raise ValidationError("Progress has been recorded on this action, so it stays in the plan as its record.")
    deadline_cancel(partnership=partnership, subject=action)
    tenant_delete(partnership=partnership, actor=membership.person, instance=action, reason=reason)
    remaining = list(Action.objects.in_partnership(partnership).filter(plan=action.plan).order_by("position", "id"))
    _renumber(remaining, partnership=partnership)


def _renumber(actions: Sequence[Action], *, partnership: Partnership) -> None:
    changed = []
    for position, item in enumerate(actions, start=1):
        if item.position != position:
            item.position = position
            changed.append(item)
    if changed:
        Action.objects.in_partnership(partnership).bulk_update(changed, ["position"])


@transaction.atomic
def action_plan_reorder(
    *, partnership: Partnership, membership: Membership, recommendation: Recommendation, action_ids: Sequence[int]
) -> list[Action]:
    """Put the plan's actions in the order given: every action of the plan, each once.

    An id that is not one of this plan's actions (another plan's, another
    partnership's, or none at all) is refused, in ``action_ids``, with the same
    message. Returns the actions in their new order.
    """
    recommendation = _lock_recommendation(partnership=partnership, recommendation=recommendation)
    _require(
        action_plan_editable_by(recommendation, membership),
        "Only a business manager or the lead partner's lead orders this plan's actions.",
    )
    _plan_open(recommendation)
    actions = {
        a.pk: a
        for a in Action.objects.in_partnership(partnership).select_for_update().filter(plan=recommendation.action_plan)
    }
    ids = list(action_ids)
    if len(ids) != len(set(ids)) or set(ids) != set(actions):
        raise ValidationError({"action_ids": ["List every action of this plan once, and only this plan's actions."]})
    ordered = [actions[i] for i in ids]
    before = [a.pk for a in sorted(actions.values(), key=lambda a: (a.position, a.pk))]
    _renumber(ordered, partnership=partnership)
    if before != ids:
        history_record(
            partnership=partnership,
            actor=membership.person,
            instance=recommendation.action_plan,
            action=HistoryEntry.Action.UPDATED,
            changes={"order of actions": {"from": before, "to": ids}},
        )
        for action in ordered:
            action.plan.recommendation = recommendation
            _action_deadline(partnership=partnership, action=action)  # the titles name the position
    return ordered


@transaction.atomic
def action_plan_agree(
    *, partnership: Partnership, membership: Membership, recommendation: Recommendation
) -> ActionPlan:
    """Agree the plan: its deadline is met and the recommendation moves to "in progress".

    Needs at least one action. Refused (code ``refused_move``) unless the
    recommendation is in action planning.
    """
    recommendation = _lock_recommendation(partnership=partnership, recommendation=recommendation)
    _require(
        action_plan_editable_by(recommendation, membership),
        "Only a business manager or the lead partner's lead agrees this plan.",
    )
    refuse_unless_allowed(
        recommendation,
        State.IN_PROGRESS,
        refusal=lambda current, _to: (
            f"Only a plan still being made is agreed; this recommendation is “{State(current).label.lower()}”."
        ),
    )
    plan = recommendation.action_plan
    if not Action.objects.in_partnership(partnership).filter(plan=plan).exists():
        raise ValidationError("Add at least one action before agreeing the plan.")
    now = timezone.now()
    tenant_update(
        partnership=partnership,
        actor=membership.person,
        instance=plan,
        data={"agreed_at": now, "agreed_by": membership.person},
    )
    deadline_meet(partnership=partnership, subject=plan, kind=DEADLINE_ACTION_PLAN)
    state_move(
        partnership=partnership,
        actor=membership.person,
        instance=recommendation,
        to=State.IN_PROGRESS,
        reason="Action plan agreed.",
    )
    return plan


# --- Progress --------------------------------------------------------------------------------------------


def _update_errors(*, on: date | None, note: str, rag: str, files: list[UploadedFile]) -> dict[str, list[str]]:
    """Every problem with a progress update at once; each evidence file checked without being kept."""
    errors: dict[str, list[str]] = {}
    if not note:
        errors["note"] = ["Write what has happened since the last update."]
    elif len(note) > 10000:
        errors["note"] = [f"Use at most 10,000 characters (you used {len(note):,})."]
    if on is None:
        errors["on"] = ["Enter the date of the update."]
    elif on > timezone.localdate():
        errors["on"] = ["The date of the update cannot be in the future."]
    if rag not in PROGRESS_RAGS:
        errors["rag"] = ["Choose red, amber or green. To finish the action, complete it instead."]
    if len(files) > EVIDENCE_FILES_MAX:
        errors["evidence"] = [f"Attach at most {EVIDENCE_FILES_MAX} files to one update."]
        return errors
    for upload in files:
        try:
            stored_file_check(upload)
        except ValidationError as exc:
            errors["evidence"] = [f"{upload.name}: {message}" for message in exc.messages]
            break
        upload.seek(0)
    return errors


@transaction.atomic
def action_update_record(
    *,
    partnership: Partnership,
    membership: Membership,
    action: Action,
    on: date | None,
    note: str,
    rag: str,
    evidence: Sequence[UploadedFile] = (),
    expected_updated_at: datetime | None = None,
) -> ActionUpdate:
    """Record dated progress on an action with its RAG status and evidence files; the action takes that RAG.

    Only those ``action_updatable_by`` admits (``PermissionDenied`` for others
    who may see it). Every file is checked (type by content, size, not empty)
    before anything is written: one bad file refuses the whole update, on
    ``evidence``. Refused when the action changed since ``expected_updated_at``
    (code ``stale``), or is complete.
    """
    action = _lock_action(partnership=partnership, action=action)
    _version_check(instance=action, expected_updated_at=expected_updated_at, what="this action")
    _require(action_updatable_by(action, membership), "Your role does not include recording progress on this action.")
    if action.completed_at is not None:
        raise ValidationError("This action is complete: no more progress is recorded on it.")
    if action.plan.recommendation.state not in PLAN_OPEN_STATES:
        raise ValidationError("This recommendation's plan is no longer open for progress.")
    note = _text(note)
    files = [f for f in evidence if f is not None]
    errors = _update_errors(on=on, note=note, rag=rag, files=files)
    if errors:
        raise ValidationError(errors)
    update = ActionUpdate.objects.create(
        partnership=partnership, action=action, on=on, note=note, rag=rag, author=membership.person
    )
    for upload in files:
        stored_file_add(partnership=partnership, owner=update, upload=upload, actor=membership.person)
    tenant_update(
        partnership=partnership,
        actor=membership.person,
        instance=action,
        data={"rag": rag},
        reason=f"Progress recorded on {on:%d %B %Y}",
        extra_changes={"progress": {"from": None, "to": f"{len(files)} evidence file(s)"}},
    )
    # An update always moves the action's version on, even when its RAG stays: someone editing it meanwhile
    # must see the progress before they save over it.
    action.save(update_fields=["updated_at"])
    return update


@transaction.atomic
def action_complete(
    *,
    partnership: Partnership,
    membership: Membership,
    action: Action,
    note: str = "",
    expected_updated_at: datetime | None = None,
) -> Action:
    """Mark an action done: RAG "complete", its deadline met, a closing update recorded (``note`` or a default)."""
    action = _lock_action(partnership=partnership, action=action)
    _version_check(instance=action, expected_updated_at=expected_updated_at, what="this action")
    _require(action_updatable_by(action, membership), "Your role does not include completing this action.")
    if action.completed_at is not None:
        raise ValidationError("This action is already complete.")
    if action.plan.recommendation.state not in PLAN_OPEN_STATES:
        raise ValidationError("This recommendation's plan is no longer open for progress.")
    note = _text(note) or "Action completed."
    if len(note) > 10000:
        raise ValidationError({"note": [f"Use at most 10,000 characters (you used {len(note):,})."]})
    now = timezone.now()
    ActionUpdate.objects.create(
        partnership=partnership,
        action=action,
        on=timezone.localdate(now),
        note=note,
        rag=Rag.COMPLETE,
        author=membership.person,
    )
    tenant_update(
        partnership=partnership,
        actor=membership.person,
        instance=action,
        data={"rag": Rag.COMPLETE, "completed_at": now},
        reason="Action completed.",
    )
    deadline_meet(partnership=partnership, subject=action, kind=DEADLINE_ACTION)
    return action


# --- The recommendation's end: completed with its impact, closed, or reopened ----------------------------


@transaction.atomic
def recommendation_complete(
    *,
    partnership: Partnership,
    membership: Membership,
    recommendation: Recommendation,
    impact_evidence: str,
    expected_updated_at: datetime | None = None,
) -> Recommendation:
    """In progress → completed, with the evidence of impact (what changed for children and families).

    Every action of the plan must be complete: otherwise the refusal names the
    ones that are not. ``impact_evidence`` is required (field error).
    """
    recommendation = _lock_recommendation(partnership=partnership, recommendation=recommendation)
    _version_check(instance=recommendation, expected_updated_at=expected_updated_at, what="this recommendation")
    _require(
        action_plan_editable_by(recommendation, membership),
        "Only a business manager or the lead partner's lead completes this recommendation.",
    )
    refuse_unless_allowed(recommendation, State.COMPLETED)
    impact = _text(impact_evidence)
    errors: dict[str, list[str]] = {}
    if not impact:
        errors["impact_evidence"] = ["Describe the impact: what changed for children and families, and how you know."]
    elif len(impact) > 10000:
        errors["impact_evidence"] = [f"Use at most 10,000 characters (you used {len(impact):,})."]
    open_actions = list(
        Action.objects.in_partnership(partnership)
        .filter(plan__recommendation=recommendation, completed_at__isnull=True)
        .order_by("position", "id")
        .values_list("position", "what")
    )
    if open_actions:
        named = "; ".join(f"action {position} ({what[:60]})" for position, what in open_actions)
        errors["__all__"] = [f"Complete every action first. Not complete yet: {named}."]
    if errors:
        raise ValidationError(errors)
    return state_move(
        partnership=partnership,
        actor=membership.person,
        instance=recommendation,
        to=State.COMPLETED,
        fields={"impact_evidence": impact, "completed_at": timezone.now()},
        reason="Completed, with the evidence of its impact.",
    )


@transaction.atomic
def recommendation_close_completed(
    *,
    partnership: Partnership,
    membership: Membership,
    recommendation: Recommendation,
    expected_updated_at: datetime | None = None,
) -> Recommendation:
    """Completed → closed, by a business manager: it leaves the partnership's open work for good."""
    recommendation = _lock_recommendation(partnership=partnership, recommendation=recommendation)
    _version_check(instance=recommendation, expected_updated_at=expected_updated_at, what="this recommendation")
    _require(recommendation_closable_by(recommendation, membership), "Only a business manager closes a recommendation.")
    if recommendation.state != State.COMPLETED:
        # Closing a draft or a sent-back recommendation is the register's business, not the plan's.
        raise ValidationError(
            f"Only a completed recommendation is closed here; this one is "
            f"“{recommendation.get_state_display().lower()}”.",
            code="refused_move",
        )
    return state_move(
        partnership=partnership,
        actor=membership.person,
        instance=recommendation,
        to=State.CLOSED,
        fields={"closed_at": timezone.now()},
        reason="Closed after completion.",
    )


@transaction.atomic
def recommendation_reopen(
    *,
    partnership: Partnership,
    membership: Membership,
    recommendation: Recommendation,
    reason: str,
    expected_updated_at: datetime | None = None,
) -> Recommendation:
    """Completed → in progress again, with the reason (the impact was not sustained, the evidence fell short)."""
    recommendation = _lock_recommendation(partnership=partnership, recommendation=recommendation)
    _version_check(instance=recommendation, expected_updated_at=expected_updated_at, what="this recommendation")
    _require(
        action_plan_editable_by(recommendation, membership),
        "Only a business manager or the lead partner's lead reopens this recommendation.",
    )
    refuse_unless_allowed(recommendation, State.IN_PROGRESS)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": ["Say why the recommendation is reopened."]})
    if len(reason) > 500:
        raise ValidationError({"reason": [f"Use at most 500 characters (you used {len(reason):,})."]})
    return state_move(
        partnership=partnership,
        actor=membership.person,
        instance=recommendation,
        to=State.IN_PROGRESS,
        fields={"completed_at": None},
        reason=reason,
    )


__all__ = [
    "ACTION_PLAN_WORKING_DAYS",
    "DEADLINE_ACTION",
    "DEADLINE_ACTION_PLAN",
    "EVIDENCE_FILES_MAX",
    "action_add",
    "action_complete",
    "action_edit",
    "action_plan_agree",
    "action_plan_reorder",
    "action_plan_start",
    "action_remove",
    "action_update_record",
    "recommendation_close_completed",
    "recommendation_complete",
    "recommendation_reopen",
]
