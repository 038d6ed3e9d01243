"""History of tenant rows, and the create/update/delete helpers that record it.

Every change of tenant data goes through ``tenant_create``, ``tenant_update`` or
``tenant_delete`` (or ``history_record`` directly), so each leaves one history row
saying who changed what, from what, to what. ``_version_check`` refuses a change
made from an out-of-date read (optimistic concurrency).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from partnership.models import (
    HistoryEntry,
    Partnership,
    Person,
)

# --- History ----------------------------------------------------------------


def _display_value(instance: models.Model, field: models.Field) -> Any:
    value = getattr(instance, field.attname)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = getattr(instance, field.name)
        return str(related) if related is not None else None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict, str, int, float, bool)) or value is None:
        return value
    return str(value)


def _tracked_fields(instance: models.Model) -> list[models.Field]:
    return [
        f
        for f in instance._meta.concrete_fields
        if not f.primary_key
        and f.name not in {"partnership", "updated_at", "created_at", "password", "token_hash", "access_changed_at"}
    ]


def history_record(
    *,
    partnership: Partnership,
    actor: Person | None,
    instance: models.Model,
    action: str,
    changes: dict[str, dict[str, Any]] | None = None,
    reason: str = "",
) -> HistoryEntry:
    """Append one history row for ``instance``; rows are never edited afterwards."""
    return HistoryEntry.objects.create(
        partnership=partnership,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        changes=changes or {},
        reason=reason[:500],
    )


def history_rows(
    *, partnership: Partnership, actor: Person | None, instances: Iterable[models.Model]
) -> list[HistoryEntry]:
    """The "created" history rows of many saved rows of one model, unsaved, for the caller's one bulk insert
    (what ``tenant_create`` records for one)."""
    instances = list(instances)
    if not instances:
        return []
    content_type = ContentType.objects.get_for_model(instances[0])
    return [
        HistoryEntry(
            partnership=partnership,
            content_type=content_type,
            object_id=str(instance.pk),
            object_repr=str(instance)[:200],
            action=HistoryEntry.Action.CREATED,
            actor=actor if actor is not None and actor.is_authenticated else None,
            changes={name: {"from": None, "to": value} for name, value in _snapshot(instance).items()},
        )
        for instance in instances
    ]


def _snapshot(instance: models.Model) -> dict[str, Any]:
    return {f.name: _display_value(instance, f) for f in _tracked_fields(instance)}


def tenant_create(*, partnership: Partnership, actor: Person | None, instance: models.Model) -> models.Model:
    """Validate, insert and record the creation of a tenant row."""
    instance.full_clean()
    instance.save()
    history_record(
        partnership=partnership,
        actor=actor,
        instance=instance,
        action=HistoryEntry.Action.CREATED,
        changes={name: {"from": None, "to": value} for name, value in _snapshot(instance).items()},
    )
    return instance


def tenant_update(
    *,
    partnership: Partnership,
    actor: Person | None,
    instance: models.Model,
    data: dict[str, Any],
    reason: str = "",
    extra_changes: dict[str, dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Apply ``data`` to ``instance``, save only what changed, record the changed fields.

    Returns the changes (empty when nothing changed, and then nothing is written).
    """
    before = _snapshot(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    after = _snapshot(instance)
    changes = {name: {"from": before[name], "to": after[name]} for name in after if before[name] != after[name]}
    changes.update(extra_changes or {})
    if not changes:
        return {}
    instance.full_clean()
    changed_names = [n for n in data if n in before and before[n] != after[n]]
    if changed_names:
        update_fields = changed_names + (["updated_at"] if hasattr(instance, "updated_at") else [])
        instance.save(update_fields=update_fields)
    history_record(
        partnership=partnership,
        actor=actor,
        instance=instance,
        action=HistoryEntry.Action.UPDATED,
        changes=changes,
        reason=reason,
    )
    return changes


def tenant_delete(*, partnership: Partnership, actor: Person | None, instance: models.Model, reason: str = "") -> None:
    """Delete a tenant row, keeping a record of what it was."""
    history_record(
        partnership=partnership,
        actor=actor,
        instance=instance,
        action=HistoryEntry.Action.DELETED,
        changes={name: {"from": value, "to": None} for name, value in _snapshot(instance).items()},
        reason=reason,
    )
    instance.delete()


def _version_check(*, instance: models.Model, expected_updated_at: datetime | None, what: str) -> None:
    """Refuse a change made from an out-of-date read of ``instance`` (optimistic concurrency).

    ``expected_updated_at`` is the ``updated_at`` the person's page or API call
    read; ``None`` means the caller does not ask for the check (seeding, tests,
    internal callers). Call it after locking the row, before any other check,
    so that a refused change writes nothing. The error's code ``stale`` lets the
    API answer 409 Conflict; ``what`` names the thing: "this member".
    """
    if expected_updated_at is not None and instance.updated_at != expected_updated_at:
        raise ValidationError(
            f"Someone else changed {what} while you were editing it. "
            "Their version is shown below and your changes are still in the form: check them, then save again.",
            code="stale",
        )
