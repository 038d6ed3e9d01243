"""The partnership's priorities: added, changed and retired by its business managers.

A retired priority stays (audits and hub cycles linked to it keep their link)
but is not offered for new links. Titles are unique in a partnership, whatever
their case. Every change is recorded in the history; an edit made from an
out-of-date page is refused (``expected_updated_at``).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from partnership.models import Partnership, Person, StatutoryPartner
from partnership.models.priorities import Priority
from partnership.services.history import _version_check, tenant_create, tenant_update

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 4000
YEAR_MIN = 2000
YEAR_MAX = 2100


def _title_error(*, partnership: Partnership, title: str, priority: Priority | None) -> str:
    if not title:
        return "Enter the priority."
    if len(title) > TITLE_MAX_LENGTH:
        return f"Use at most {TITLE_MAX_LENGTH} characters."
    clash = Priority.objects.in_partnership(partnership).filter(title__iexact=title)
    if priority is not None:
        clash = clash.exclude(pk=priority.pk)
    return "There is already a priority with this title." if clash.exists() else ""


def _clean(
    *,
    partnership: Partnership,
    title: str,
    description: str,
    success_measures: str,
    lead_partner: str,
    start_year: int | None,
    end_year: int | None,
    priority: Priority | None = None,
) -> dict:
    title = " ".join((title or "").split())
    description = (description or "").strip()
    success_measures = (success_measures or "").strip()
    lead_partner = lead_partner or ""
    errors: dict[str, list[str]] = {}
    title_error = _title_error(partnership=partnership, title=title, priority=priority)
    if title_error:
        errors["title"] = [title_error]
    for name, text in (("description", description), ("success_measures", success_measures)):
        if len(text) > DESCRIPTION_MAX_LENGTH:
            errors[name] = [f"Use at most {DESCRIPTION_MAX_LENGTH} characters."]
    if lead_partner not in ("", *StatutoryPartner.values):
        errors["lead_partner"] = ["Choose the partner who leads it, or none."]
    for name, year in (("start_year", start_year), ("end_year", end_year)):
        if year is None:
            errors[name] = ["Enter a year, for example 2026."]
        elif not YEAR_MIN <= year <= YEAR_MAX:
            errors[name] = [f"Enter a year between {YEAR_MIN} and {YEAR_MAX}."]
    if "start_year" not in errors and "end_year" not in errors and end_year < start_year:
        errors["end_year"] = ["The period must end in or after the year it starts."]
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": description,
        "success_measures": success_measures,
        "lead_partner": lead_partner,
        "start_year": start_year,
        "end_year": end_year,
    }


@transaction.atomic
def priority_create(
    *,
    partnership: Partnership,
    actor: Person,
    title: str,
    start_year: int | None,
    end_year: int | None,
    description: str = "",
    success_measures: str = "",
    lead_partner: str = "",
) -> Priority:
    """Add a priority at the end of the list."""
    data = _clean(
        partnership=partnership,
        title=title,
        description=description,
        success_measures=success_measures,
        lead_partner=lead_partner,
        start_year=start_year,
        end_year=end_year,
    )
    last = Priority.objects.in_partnership(partnership).aggregate(p=Max("position"))["p"]
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=Priority(partnership=partnership, position=0 if last is None else last + 1, **data),
    )


@transaction.atomic
def priority_update(
    *,
    partnership: Partnership,
    actor: Person,
    priority: Priority,
    title: str,
    start_year: int | None,
    end_year: int | None,
    description: str = "",
    success_measures: str = "",
    lead_partner: str = "",
    is_active: bool | None = None,
    expected_updated_at: datetime | None = None,
) -> Priority:
    """Change a priority, or retire (``is_active=False``) or reinstate it. Refused when stale (code ``stale``)."""
    locked = Priority.objects.in_partnership(partnership).select_for_update().filter(pk=priority.pk).first()
    if locked is None:
        raise ValidationError("No such priority in this partnership.")
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this priority")
    data = _clean(
        partnership=partnership,
        title=title,
        description=description,
        success_measures=success_measures,
        lead_partner=lead_partner,
        start_year=start_year,
        end_year=end_year,
        priority=locked,
    )
    if is_active is not None:
        data["is_active"] = bool(is_active)
    tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    return locked
