"""A partnership's own settings: name, nation, reminder days, reference patterns, closure days."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.models import (
    ClosureDay,
    Nation,
    Partnership,
    Person,
)
from partnership.references import reference_pattern_errors
from partnership.services.deadlines import deadlines_recompute_reminders
from partnership.services.history import _version_check, tenant_create, tenant_delete, tenant_update

# --- Partnership settings -----------------------------------------------------


# Reminders go out at most this many working days before a due date (0: on the day itself).
REMINDER_WORKING_DAYS_MAX = 10


@transaction.atomic
def partnership_update_settings(
    *,
    partnership: Partnership,
    actor: Person,
    name: str,
    nation: str,
    reminder_working_days: int | None = None,
    expected_updated_at: datetime | None = None,
    incident_reference_pattern: str | None = None,
    learning_review_reference_pattern: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Rename the partnership, change its nation (which changes every working-day count),
    how many working days before a due date reminders go out, or the patterns of its own
    reference series (``partnership.references``; ``None``: unchanged).

    A new nation or reminder setting moves the reminder day of every open deadline
    (``deadlines_recompute_reminders``). With ``expected_updated_at``, a change made
    from settings read before someone else's save is refused (code ``stale``) and
    nothing is written.
    """
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this partnership")
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the partnership's name."]
    elif Partnership.objects.filter(name__iexact=name).exclude(pk=partnership.pk).exists():
        errors["name"] = ["Another partnership already has this name."]
    if nation not in Nation.values:
        errors["nation"] = ["Choose England, Wales, Scotland or Northern Ireland."]
    if reminder_working_days is None:
        reminder_working_days = locked.reminder_working_days
    elif not 0 <= reminder_working_days <= REMINDER_WORKING_DAYS_MAX:
        errors["reminder_working_days"] = [f"Enter a number of working days from 0 to {REMINDER_WORKING_DAYS_MAX}."]
    patterns = {
        "incident_reference_pattern": incident_reference_pattern,
        "learning_review_reference_pattern": learning_review_reference_pattern,
    }
    for field_name, pattern in patterns.items():
        if pattern is None:
            patterns[field_name] = getattr(locked, field_name)
            continue
        patterns[field_name] = pattern.strip()
        if problems := reference_pattern_errors(patterns[field_name]):
            errors[field_name] = problems
    if errors:
        raise ValidationError(errors)
    changes = tenant_update(
        partnership=locked,
        actor=actor,
        instance=locked,
        data={"name": name, "nation": nation, "reminder_working_days": reminder_working_days, **patterns},
    )
    if changes.keys() & {"nation", "reminder_working_days"}:
        deadlines_recompute_reminders(partnership=locked)
    return changes


@transaction.atomic
def closure_day_add(*, partnership: Partnership, actor: Person, day: date, reason: str = "") -> ClosureDay:
    """Add a day on which the partnership's clocks stop, on top of bank holidays."""
    if ClosureDay.objects.in_partnership(partnership).filter(date=day).exists():
        raise ValidationError({"date": [f"{day:%d %B %Y} is already a closure day."]})
    closure_day = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=ClosureDay(partnership=partnership, date=day, reason=reason.strip()),
    )
    # The calendar changed: reminder days counted across this date move.
    deadlines_recompute_reminders(partnership=partnership)
    return closure_day


@transaction.atomic
def closure_day_remove(*, partnership: Partnership, actor: Person, closure_day: ClosureDay) -> None:
    if closure_day.partnership_id != partnership.pk:
        raise ValidationError("That closure day belongs to another partnership.")
    tenant_delete(partnership=partnership, actor=actor, instance=closure_day)
    deadlines_recompute_reminders(partnership=partnership)
