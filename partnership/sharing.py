"""What can be shown through a cross-partnership grant, and when a grant is in force.

Apps declare their shareable models and fields in ``AppConfig.ready``; nothing
else of a row can be granted. Read by the grant services and selectors alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone

from partnership.models import Collaboration, Membership


@dataclass(frozen=True)
class Shareable:
    """A model whose rows may be shown through a grant, and which of its fields may be."""

    model: type[models.Model]
    label: str
    # field name -> the label shown; nothing outside this list can ever be granted.
    fields: dict[str, str]


_SHAREABLE: dict[str, Shareable] = {}


def shareable_register(*, model: type[models.Model], label: str, fields: dict[str, str]) -> None:
    """Declare that rows of ``model`` can be granted, and which fields (called from an app's ``ready``)."""
    _SHAREABLE[model._meta.label_lower] = Shareable(model=model, label=label, fields=dict(fields))


def shareable_for(model: type[models.Model] | str) -> Shareable | None:
    key = model if isinstance(model, str) else model._meta.label_lower
    return _SHAREABLE.get(key)


def shareables() -> list[Shareable]:
    return sorted(_SHAREABLE.values(), key=lambda s: s.label)


def grant_in_force_q(*, today: date | None = None) -> models.Q:
    """The condition, in one query, for a grant being in force now (see ``AccessGrant``)."""
    today = today or timezone.localdate()
    home_membership = Membership.objects.filter(
        person=models.OuterRef("grantee"), partnership=models.OuterRef("grantee_partnership"), is_active=True
    )
    through = Collaboration.partnerships.through.objects
    owner_in = through.filter(
        collaboration=models.OuterRef("collaboration"), partnership=models.OuterRef("partnership")
    )
    grantee_in = through.filter(
        collaboration=models.OuterRef("collaboration"), partnership=models.OuterRef("grantee_partnership")
    )
    same_partnership = models.Q(collaboration__isnull=True, grantee_partnership=models.F("partnership"))
    through_collaboration = models.Q(collaboration__isnull=False) & models.Exists(owner_in) & models.Exists(grantee_in)
    return (
        models.Q(revoked_at__isnull=True, ends_on__gte=today)
        & models.Exists(home_membership)
        & (same_partnership | through_collaboration)
    )
