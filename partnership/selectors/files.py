"""Uploaded files of a row (see ``partnership.services.files``)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from partnership.models import Partnership
from partnership.models.recommendations import StoredFile


def stored_files_of(*, partnership: Partnership, owner: models.Model) -> models.QuerySet[StoredFile]:
    """The files of one owner, without their contents (lists never decrypt what they do not show)."""
    return (
        StoredFile.objects.in_partnership(partnership)
        .filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
        .defer("data")
    )
