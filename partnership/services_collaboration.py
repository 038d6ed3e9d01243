"""Sharing chosen items with a collaboration (e.g. a tri-borough forum).

Sharing is the only way a tenant's row becomes visible to another partnership,
and it is explicit: one row per item, made by a business manager of the owning
partnership, recorded in that partnership's history, and reversible.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from partnership.models import Collaboration, CollaborationShare, HistoryEntry, Partnership, Person
from partnership.services import history_record


def _owned_by(item: models.Model, partnership: Partnership) -> bool:
    return getattr(item, "partnership_id", None) == partnership.pk


@transaction.atomic
def collaboration_share_item(
    *, collaboration: Collaboration, partnership: Partnership, actor: Person, item: models.Model
) -> CollaborationShare:
    """Share ``item`` (owned by ``partnership``) with the other members of ``collaboration``."""
    if not collaboration.partnerships.filter(pk=partnership.pk).exists():
        raise ValidationError({"collaboration": ["Your partnership is not part of this collaboration."]})
    if not _owned_by(item, partnership):
        raise ValidationError("Only your own partnership's items can be shared.")
    share, created = CollaborationShare.objects.get_or_create(
        collaboration=collaboration,
        content_type=ContentType.objects.get_for_model(item),
        object_id=str(item.pk),
        defaults={"shared_by": partnership, "shared_by_person": actor},
    )
    if created:
        history_record(
            partnership=partnership,
            actor=actor,
            instance=item,
            action=HistoryEntry.Action.UPDATED,
            changes={"shared with": {"from": None, "to": collaboration.name}},
        )
    return share


@transaction.atomic
def collaboration_unshare_item(
    *, collaboration: Collaboration, partnership: Partnership, actor: Person, item: models.Model
) -> None:
    deleted, _ = CollaborationShare.objects.filter(
        collaboration=collaboration,
        shared_by=partnership,
        content_type=ContentType.objects.get_for_model(item),
        object_id=str(item.pk),
    ).delete()
    if deleted:
        history_record(
            partnership=partnership,
            actor=actor,
            instance=item,
            action=HistoryEntry.Action.UPDATED,
            changes={"shared with": {"from": collaboration.name, "to": None}},
        )
