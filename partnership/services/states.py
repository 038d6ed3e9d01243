"""The one way any workflow changes state: locked, checked against its model's table, saved, recorded.

Every workflow model declares its states as ``State`` (``TextChoices``) and,
next to them, ``ALLOWED_MOVES``: each state mapped to the states it may move
to. A state with no onward move is a closing state: the subject is done, so
its open deadlines are cancelled (nothing keeps reminding people about work
that can no longer be done).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from partnership.models import HistoryEntry, Partnership, Person
from partnership.services.deadlines import deadline_cancel
from partnership.services.history import history_record
from partnership.subjects import is_subject

REFUSED_MOVE = "refused_move"

M = TypeVar("M", bound=models.Model)


def allowed_moves(model: type[models.Model]) -> Mapping[str, frozenset[str]]:
    """The model's table of allowed moves (``ValueError`` for a model that has none)."""
    table = getattr(model, "ALLOWED_MOVES", None)
    if table is None:
        raise ValueError(f"{model.__name__} declares no ALLOWED_MOVES: it is not a workflow.")
    return table


def move_is_allowed(instance: models.Model, to: str) -> bool:
    """Whether the table lets ``instance`` (as read) move to ``to``: for pages that offer only possible moves."""
    return to in allowed_moves(type(instance))[instance.state]


def _default_refusal(model: type[models.Model], current: str, to: str) -> str:
    State = model.State  # noqa: N806 (the model's state enum)
    name = model._meta.verbose_name
    return f"A {name} that is “{State(current).label.lower()}” cannot become “{State(to).label.lower()}”."


def refuse_unless_allowed(
    instance: models.Model, to: str, *, refusal: Callable[[str, str], str] | None = None, current: str | None = None
) -> None:
    """Raise the one refusal (code ``refused_move``) unless the table allows ``current`` (default: as read) → ``to``.

    For services that check a move before other validation, so that the
    person hears first that the move is impossible.
    """
    model = type(instance)
    current = instance.state if current is None else current
    if to not in allowed_moves(model)[current]:
        message = refusal(current, to) if refusal else _default_refusal(model, current, to)
        raise ValidationError(message, code=REFUSED_MOVE)


@transaction.atomic
def state_move(
    *,
    partnership: Partnership,
    actor: Person | None,
    instance: M,
    to: str,
    fields: Mapping[str, Any] | None = None,
    reason: str = "",
    refusal: Callable[[str, str], str] | None = None,
    on_commit: Iterable[Callable[[], None]] = (),
) -> M:
    """Move ``instance`` to state ``to``, with ``fields`` set alongside, if its model's table allows it.

    Guarantees, in this order:

    - the row is locked (``SELECT ... FOR UPDATE`` within ``partnership``;
      another partnership's row is as missing: ``ValueError``) and the move is
      checked against the state as saved now, not as the caller read it;
    - a move the table does not allow is refused with ``ValidationError``
      (code ``refused_move``; the message is ``refusal(current, to)``, or a
      plain sentence naming both states) and nothing is written;
    - the state, ``fields`` and ``updated_at`` (when the model has it) are
      saved with ``update_fields``, on the caller's instance too;
    - one history row: who, when, why, the state's from and to (by label) and
      each field whose value changed;
    - a closing state (no onward move) of a declared subject cancels its open deadlines;
    - ``on_commit`` callables run only once the transaction commits.
    """
    model = type(instance)
    table = allowed_moves(model)
    current = (
        model._default_manager.filter(partnership=partnership, pk=instance.pk)
        .select_for_update(of=("self",))
        .values_list("state", flat=True)
        .first()
    )
    if current is None:
        raise ValueError(f"No {model._meta.verbose_name} {instance.pk} in this partnership.")
    refuse_unless_allowed(instance, to, refusal=refusal, current=current)
    State = model.State  # noqa: N806 (the model's state enum)
    fields = dict(fields or {})
    changes: dict[str, dict[str, Any]] = {"state": {"from": State(current).label, "to": State(to).label}}
    for name, value in fields.items():
        before = getattr(instance, name)
        if before != value:
            changes[name] = {"from": _shown(before), "to": _shown(value)}
        setattr(instance, name, value)
    instance.state = to
    update_fields = ["state", *fields]
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    history_record(
        partnership=partnership,
        actor=actor,
        instance=instance,
        action=HistoryEntry.Action.UPDATED,
        changes=changes,
        reason=reason,
    )
    if not table[to] and is_subject(instance):
        deadline_cancel(partnership=partnership, subject=instance)
    for effect in on_commit:
        transaction.on_commit(effect)
    return instance


def _shown(value: Any) -> Any:
    """A value as the history row keeps it (JSON): dates as ISO text, people by name."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value
