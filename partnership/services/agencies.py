"""A partnership's agencies, and the rule of one statutory partner of each kind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnership.models import (
    PARTNER_LEAD_ROLES,
    Agency,
    AgencyType,
    MembershipRole,
    Partnership,
    Person,
    StatutoryPartner,
)
from partnership.services.history import _version_check, tenant_create, tenant_update

# --- Agencies -------------------------------------------------------------------


def _validate_agency(
    *, partnership: Partnership, name: str, agency_type: str, statutory_partner: str, agency_id: int | None
) -> None:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the agency's name."]
    elif len(name) > 200:
        errors["name"] = ["Use at most 200 characters."]
    elif Agency.objects.in_partnership(partnership).filter(name__iexact=name).exclude(pk=agency_id).exists():
        errors["name"] = ["This partnership already has an agency with this name."]
    if agency_type not in AgencyType.values:
        errors["agency_type"] = ["Choose the kind of agency."]
    if statutory_partner:
        if statutory_partner not in StatutoryPartner.values:
            errors["statutory_partner"] = ["Choose local authority, health or police, or leave it empty."]
        elif statutory_partner != agency_type:
            errors["statutory_partner"] = [
                f"Only a {StatutoryPartner(statutory_partner).label.lower()} agency can be the "
                f"{StatutoryPartner(statutory_partner).label.lower()} statutory partner."
            ]
        else:
            holder = (
                Agency.objects.in_partnership(partnership)
                .filter(statutory_partner=statutory_partner)
                .exclude(pk=agency_id)
                .first()
            )
            if holder is not None:
                errors["statutory_partner"] = [
                    f"{holder.name} is already the {StatutoryPartner(statutory_partner).label.lower()} "
                    "statutory partner. Clear it there first: each kind has exactly one."
                ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agency_create(
    *, partnership: Partnership, actor: Person, name: str, agency_type: str, statutory_partner: str = ""
) -> Agency:
    name = name.strip()
    _validate_agency(
        partnership=partnership, name=name, agency_type=agency_type, statutory_partner=statutory_partner, agency_id=None
    )
    try:
        with transaction.atomic():
            return tenant_create(
                partnership=partnership,
                actor=actor,
                instance=Agency(
                    partnership=partnership, name=name, agency_type=agency_type, statutory_partner=statutory_partner
                ),
            )
    except IntegrityError as exc:  # a concurrent request took the name or the partner flag
        raise ValidationError({"statutory_partner": ["Another change got there first; reload and try again."]}) from exc


@transaction.atomic
def agency_update(
    *,
    partnership: Partnership,
    actor: Person,
    agency: Agency,
    name: str,
    agency_type: str,
    statutory_partner: str = "",
    is_active: bool = True,
    expected_updated_at: datetime | None = None,
) -> dict[str, dict[str, Any]]:
    """Change an agency.

    With ``expected_updated_at``, a change made from a read older than the
    agency's last save is refused (code ``stale``) and nothing is written.
    """
    agency = Agency.objects.in_partnership(partnership).select_for_update().get(pk=agency.pk)
    _version_check(instance=agency, expected_updated_at=expected_updated_at, what="this agency")
    name = name.strip()
    _validate_agency(
        partnership=partnership,
        name=name,
        agency_type=agency_type,
        statutory_partner=statutory_partner,
        agency_id=agency.pk,
    )
    if agency_type != agency.agency_type or statutory_partner != agency.statutory_partner:
        _check_partner_leads_still_fit(agency=agency, statutory_partner=statutory_partner)
    return tenant_update(
        partnership=partnership,
        actor=actor,
        instance=agency,
        data={
            "name": name,
            "agency_type": agency_type,
            "statutory_partner": statutory_partner,
            "is_active": is_active,
        },
    )


def _check_partner_leads_still_fit(*, agency: Agency, statutory_partner: str) -> None:
    leads = MembershipRole.objects.filter(
        membership__agency=agency, membership__is_active=True, role__in=list(PARTNER_LEAD_ROLES)
    ).exclude(role__in=[r for r, kind in PARTNER_LEAD_ROLES.items() if kind == statutory_partner])
    if leads.exists():
        raise ValidationError(
            {
                "statutory_partner": [
                    "Members of this agency are partner leads for its current statutory role. Change their roles first."
                ]
            }
        )
