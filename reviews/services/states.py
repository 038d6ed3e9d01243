"""The one way a request or a learning review changes state: checked against its table, saved, recorded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from partnership.models import HistoryEntry, Partnership, Person
from partnership.services import history_record


def state_move(
    *,
    partnership: Partnership,
    actor: Person | None,
    instance: models.Model,
    to: str,
    allowed_moves: Mapping[str, Any],
    refusal: Callable[[str, str], str],
    fields: Mapping[str, Any] | None = None,
    reason: str = "",
) -> models.Model:
    """Move a locked ``instance`` to ``to`` if ``allowed_moves`` allows it, with ``fields``, and one history row.

    Refused (``refused_move``, with ``refusal(current, to)`` as the message)
    otherwise, and nothing is written. The history row names the states by
    their labels and lists each field whose value changed.
    """
    State = type(instance).State  # noqa: N806 (the model's state enum)
    current = instance.state
    if to not in allowed_moves[current]:
        raise ValidationError(refusal(current, to), code="refused_move")
    fields = dict(fields or {})
    changes: dict[str, dict[str, Any]] = {"state": {"from": State(current).label, "to": State(to).label}}
    for name, value in fields.items():
        before = getattr(instance, name)
        if before != value:
            changes[name] = {"from": _shown(before), "to": _shown(value)}
        setattr(instance, name, value)
    instance.state = to
    instance.save(update_fields=["state", *fields, "updated_at"])
    history_record(
        partnership=partnership,
        actor=actor,
        instance=instance,
        action=HistoryEntry.Action.UPDATED,
        changes=changes,
        reason=reason,
    )
    return instance


def _shown(value: Any) -> Any:
    """A value as the history row keeps it (JSON): dates as ISO text, people by name."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Person):
        return str(value)
    return value
