"""Dissemination records: how the learning of a recommendation or of its source reached practitioners.

A 7-minute briefing, a newsletter, a training session, a learning event or
practice guidance, with its date, audience and reach (people reached), and a
link or an attached file (checked and stored by ``partnership.services.files``;
downloaded only through a view that checks the record is visible to the member).
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import models, transaction

from partnership.learning_records import learning_record_kind_for_model
from partnership.models import Partnership, Person
from partnership.models.recommendations import Dissemination, DisseminationKind, Recommendation, StoredFile
from partnership.services.files import stored_file_add
from partnership.services.history import tenant_create, tenant_delete

TITLE_MAX_LENGTH = 200
AUDIENCE_MAX_LENGTH = 300
LINK_MAX_LENGTH = 500
REACH_MAX = 10_000_000


def _clean(*, kind: str, title: str, on: date | None, audience: str, reach: int | None, link: str) -> dict:
    title, audience, link = (title or "").strip(), (audience or "").strip(), (link or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in DisseminationKind.values:
        errors["kind"] = ["Choose how the learning was shared."]
    if not title:
        errors["title"] = ["Enter a title."]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [f"Use at most {TITLE_MAX_LENGTH} characters."]
    if on is None:
        errors["on"] = ["Enter the date, for example 14 3 2026."]
    if not audience:
        errors["audience"] = ["Say who it was for, for example “school designated safeguarding leads”."]
    elif len(audience) > AUDIENCE_MAX_LENGTH:
        errors["audience"] = [f"Use at most {AUDIENCE_MAX_LENGTH} characters."]
    if reach is not None and (reach < 0 or reach > REACH_MAX):
        errors["reach"] = [f"Enter the number of people reached, from 0 to {REACH_MAX:,}."]
    if link:
        if len(link) > LINK_MAX_LENGTH:
            errors["link"] = [f"Use at most {LINK_MAX_LENGTH} characters."]
        else:
            try:
                URLValidator(schemes=["https", "http"])(link)
            except ValidationError:
                errors["link"] = ["Enter a web address starting with https://"]
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "title": title, "on": on, "audience": audience, "reach": reach, "link": link}


@transaction.atomic
def dissemination_create(
    *,
    partnership: Partnership,
    actor: Person,
    kind: str,
    title: str,
    on: date | None,
    audience: str,
    reach: int | None = None,
    link: str = "",
    upload: UploadedFile | None = None,
    recommendation: Recommendation | None = None,
    source: models.Model | None = None,
) -> Dissemination:
    """Record how learning was shared, against a recommendation or a source (a learning review, a rapid review).

    Needs a link or a file (or both); the file is checked (type by content,
    size, not empty) and stored encrypted. The caller resolves the
    recommendation or source within the partnership and the member's sight.
    """
    if (recommendation is None) == (source is None):
        raise ValueError("A dissemination is of one recommendation or one source.")
    owner = recommendation or source
    if owner.partnership_id != partnership.pk:
        raise ValueError("A dissemination belongs to a row of its own partnership.")
    if source is not None and learning_record_kind_for_model(type(source)) is None:
        raise ValueError(f"{type(source).__name__} is not a declared learning record.")
    data = _clean(kind=kind, title=title, on=on, audience=audience, reach=reach, link=link)
    if not data["link"] and upload is None:
        raise ValidationError({"link": ["Give a link to it, or attach the file (or both)."]})
    dissemination = Dissemination(partnership=partnership, recorded_by=actor, **data)
    if recommendation is not None:
        dissemination.recommendation = recommendation
    else:
        dissemination.source_type = ContentType.objects.get_for_model(source)
        dissemination.source_id = source.pk
    tenant_create(partnership=partnership, actor=actor, instance=dissemination)
    if upload is not None:
        stored_file_add(partnership=partnership, owner=dissemination, upload=upload, actor=actor)
    return dissemination


@transaction.atomic
def dissemination_delete(*, partnership: Partnership, actor: Person, dissemination: Dissemination) -> None:
    """Remove a record (recorded in error) and its files; the history keeps what it was."""
    if dissemination.partnership_id != partnership.pk:
        raise ValueError("Only this partnership's own records are removed here.")
    StoredFile.objects.in_partnership(partnership).filter(
        owner_type=ContentType.objects.get_for_model(Dissemination), owner_id=dissemination.pk
    ).delete()
    tenant_delete(partnership=partnership, actor=actor, instance=dissemination, reason="Removed")
