"""What a partnership learns from, declared by the apps: tagged with learning themes, disseminated, listed per theme.

A kind of learning record (a recommendation, a learning review, a rapid
review; later audit and hub findings) is declared once with a loader that
returns the records of given ids that one member may see, one query per call::

    learning_record_register(key="learning_review", model=LearningReview, label="Learning review", load=...)

The theme page reads the partnership's tags of a theme (one table) and asks
each kind's loader for the records on the page: a fixed number of queries
whatever the number of records. Disseminations recorded against a source
point at one of these records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import models

from partnership.models import Membership, Partnership


@dataclass(frozen=True)
class LearningRecord:
    """One record as lists show it."""

    title: str
    url: str
    on: date | None
    state_label: str = ""


# (partnership, membership, ids) -> {id: record} for those of the ids the member may see.
Loader = Callable[[Partnership, Membership, Iterable[int]], dict[int, LearningRecord]]


@dataclass(frozen=True)
class LearningRecordKind:
    key: str
    model: type[models.Model]
    label: str
    load: Loader
    # Roles that may see any of these records; others see none (the loader narrows further, per record).
    readable_by: Callable[[Membership], bool]


_KINDS: dict[str, LearningRecordKind] = {}


def learning_record_register(
    *,
    key: str,
    model: type[models.Model],
    label: str,
    load: Loader,
    readable_by: Callable[[Membership], bool],
) -> None:
    existing = _KINDS.get(key)
    if existing is not None and existing.model is not model:
        raise RuntimeError(f"The learning record kind {key} is declared twice.")
    _KINDS[key] = LearningRecordKind(key=key, model=model, label=label, load=load, readable_by=readable_by)


def learning_record_kinds() -> dict[str, LearningRecordKind]:
    return dict(_KINDS)


def learning_record_kind_for(key: str) -> LearningRecordKind | None:
    return _KINDS.get(key)


def learning_record_kind_for_model(model: type[models.Model]) -> LearningRecordKind | None:
    return next((k for k in _KINDS.values() if k.model is model._meta.concrete_model), None)


def learning_record_get(
    *, partnership: Partnership, membership: Membership, key: str, record_id: int | None
) -> models.Model | None:
    """The row of ``key`` with this id in this partnership that the member may see, or None (missing or not theirs)."""
    kind = _KINDS.get(key)
    if kind is None or record_id is None or not kind.readable_by(membership):
        return None
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        return None
    if record_id <= 0 or record_id > 2**63 - 1:
        return None
    if record_id not in kind.load(partnership, membership, [record_id]):
        return None
    return kind.model._default_manager.filter(partnership=partnership, pk=record_id).first()


def learning_record_content_types(membership: Membership) -> dict[int, LearningRecordKind]:
    """The kinds this member may read any of, by content type id (cached by Django: no query after the first)."""
    return {
        ContentType.objects.get_for_model(kind.model).pk: kind
        for kind in _KINDS.values()
        if kind.readable_by(membership)
    }
