"""Reads of the partnership's priorities."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from partnership.models import MANAGER_ROLES, Partnership, StatutoryPartner
from partnership.models.priorities import Priority


def priority_list(*, partnership: Partnership, include_retired: bool = True) -> QuerySet[Priority]:
    """The priorities in the board's order, the retired ones last (one query)."""
    priorities = Priority.objects.in_partnership(partnership)
    if not include_retired:
        priorities = priorities.filter(is_active=True)
    return priorities.order_by("-is_active", "position", "title", "id")


def priority_get(*, partnership: Partnership, priority_id: int) -> Priority:
    """One priority; another partnership's id is as missing (``Http404``)."""
    priority = Priority.objects.in_partnership(partnership).filter(pk=priority_id).first()
    if priority is None:
        raise Http404("No such priority.")
    return priority


# Who sees the priorities (every member: they are the partnership's public plan) and who changes them.
PRIORITY_MANAGE_ROLES = MANAGER_ROLES


def lead_partner_choices() -> list[tuple[str, str]]:
    """The choices of a priority's lead, for forms and the API: none, or one of the three partners."""
    return [("", "The three partners together"), *StatutoryPartner.choices]
