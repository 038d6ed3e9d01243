"""Learning themes: each partnership's own taxonomy, and the tags that put its records under a theme.

Seeded with ``DEFAULT_LEARNING_THEMES`` when a partnership opens; the business
managers add, rename, describe and retire themes from there. A retired theme
keeps its tags (what was learned under it stays findable) but cannot be newly
tagged. Tags are generic (``ThemeTag``): a recommendation, a learning review, a
rapid review, later audit and hub findings, each a declared learning record
(``partnership.learning_records``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from partnership.learning_records import learning_record_kind_for_model
from partnership.models import HistoryEntry, Partnership, Person
from partnership.models.recommendations import DEFAULT_LEARNING_THEMES, LearningTheme, ThemeTag
from partnership.services.history import _version_check, history_record, tenant_create, tenant_update

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 2000
THEMES_PER_RECORD_MAX = 20


def learning_themes_seed(*, partnership: Partnership) -> int:
    """Give the partnership the common themes it does not have yet (by name); returns how many were added."""
    have = set(LearningTheme.objects.in_partnership(partnership).values_list("name", flat=True))
    new = [LearningTheme(partnership=partnership, name=name) for name in DEFAULT_LEARNING_THEMES if name not in have]
    LearningTheme.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _clean(*, partnership: Partnership, name: str, description: str, theme: LearningTheme | None = None) -> dict:
    name = " ".join((name or "").split())
    description = (description or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the theme's name."]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [f"Use at most {NAME_MAX_LENGTH} characters."]
    else:
        clash = LearningTheme.objects.in_partnership(partnership).filter(name__iexact=name)
        if theme is not None:
            clash = clash.exclude(pk=theme.pk)
        if clash.exists():
            errors["name"] = ["There is already a theme with this name."]
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = [f"Use at most {DESCRIPTION_MAX_LENGTH} characters."]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "description": description}


@transaction.atomic
def learning_theme_create(
    *, partnership: Partnership, actor: Person, name: str, description: str = ""
) -> LearningTheme:
    """Add a theme to the taxonomy (names are unique in a partnership, whatever their case)."""
    data = _clean(partnership=partnership, name=name, description=description)
    return tenant_create(partnership=partnership, actor=actor, instance=LearningTheme(partnership=partnership, **data))


def _lock(*, partnership: Partnership, theme: LearningTheme) -> LearningTheme:
    locked = LearningTheme.objects.in_partnership(partnership).select_for_update().filter(pk=theme.pk).first()
    if locked is None:
        raise ValidationError("No such learning theme in this partnership.")
    return locked


@transaction.atomic
def learning_theme_update(
    *,
    partnership: Partnership,
    actor: Person,
    theme: LearningTheme,
    name: str,
    description: str,
    is_active: bool | None = None,
    expected_updated_at: datetime | None = None,
) -> dict:
    """Rename or describe a theme (its tags follow: they point at the theme), or retire or reinstate it.

    Refused when the theme changed since ``expected_updated_at`` (code ``stale``). Returns the changes.
    """
    locked = _lock(partnership=partnership, theme=theme)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this theme")
    data = _clean(partnership=partnership, name=name, description=description, theme=locked)
    if is_active is not None:
        data["is_active"] = bool(is_active)
    changes = tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    for field in ("name", "description", "is_active", "updated_at"):
        setattr(theme, field, getattr(locked, field))
    return changes


@transaction.atomic
def learning_theme_retire(
    *, partnership: Partnership, actor: Person, theme: LearningTheme, expected_updated_at: datetime | None = None
) -> LearningTheme:
    """Retire a theme: its tags stay, nothing new is tagged with it. Retiring a retired theme changes nothing."""
    locked = _lock(partnership=partnership, theme=theme)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this theme")
    tenant_update(partnership=partnership, actor=actor, instance=locked, data={"is_active": False}, reason="Retired")
    theme.is_active, theme.updated_at = locked.is_active, locked.updated_at
    return theme


def themes_resolve(*, partnership: Partnership, theme_ids: Iterable, field: str = "themes") -> list[LearningTheme]:
    """The partnership's themes of these ids; a missing id and another partnership's are refused alike."""
    ids: list[int] = []
    for raw in theme_ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({field: ["Choose themes from the list."]}) from None
        if value <= 0 or value > 2**63 - 1:
            raise ValidationError({field: ["Choose themes from the list."]})
        if value not in ids:
            ids.append(value)
    if len(ids) > THEMES_PER_RECORD_MAX:
        raise ValidationError({field: [f"Choose at most {THEMES_PER_RECORD_MAX} themes."]})
    found = {t.pk: t for t in LearningTheme.objects.in_partnership(partnership).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({field: ["Choose themes from the list: one of them is not a theme of this partnership."]})
    return [found[i] for i in ids]


@transaction.atomic
def theme_tags_set(
    *,
    partnership: Partnership,
    actor: Person | None,
    record: models.Model,
    theme_ids: Iterable,
    field: str = "themes",
) -> list[LearningTheme]:
    """Make ``record``'s themes exactly these (by id): new tags added, dropped ones removed, one history row.

    ``record`` is a declared learning record of ``partnership``. A retired theme
    already tagged may stay; a retired theme cannot be newly tagged. Returns the
    themes now tagged, by name.
    """
    if getattr(record, "partnership_id", None) != partnership.pk:
        raise ValueError("Only this partnership's own records are tagged here.")
    if learning_record_kind_for_model(type(record)) is None:
        raise ValueError(f"{type(record).__name__} is not a declared learning record.")
    themes = themes_resolve(partnership=partnership, theme_ids=theme_ids, field=field)
    content_type = ContentType.objects.get_for_model(record)
    current = {
        tag.theme_id: tag
        for tag in ThemeTag.objects.in_partnership(partnership)
        .select_for_update()
        .filter(content_type=content_type, object_id=record.pk)
        .select_related("theme")
    }
    wanted = {t.pk: t for t in themes}
    retired_new = [t.name for t in themes if not t.is_active and t.pk not in current]
    if retired_new:
        raise ValidationError(
            {field: [f"“{retired_new[0]}” is retired: it cannot be newly tagged. Choose a current theme."]}
        )
    removed = [tag for theme_id, tag in current.items() if theme_id not in wanted]
    added = [t for theme_id, t in wanted.items() if theme_id not in current]
    if not removed and not added:
        return sorted(wanted.values(), key=lambda t: t.name.lower())
    ThemeTag.objects.in_partnership(partnership).filter(pk__in=[tag.pk for tag in removed]).delete()
    ThemeTag.objects.bulk_create(
        [
            ThemeTag(partnership=partnership, theme=t, content_type=content_type, object_id=record.pk, tagged_by=actor)
            for t in added
        ]
    )
    history_record(
        partnership=partnership,
        actor=actor,
        instance=record,
        action=HistoryEntry.Action.UPDATED,
        changes={
            "themes": {
                "from": sorted(tag.theme.name for tag in current.values()),
                "to": sorted(t.name for t in wanted.values()),
            }
        },
    )
    return sorted(wanted.values(), key=lambda t: t.name.lower())
