"""Opening a new partnership (operators, ``manage.py create_partnership``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.models import (
    HistoryEntry,
    Invitation,
    Nation,
    Partnership,
    Role,
    StatutoryPartner,
)
from partnership.services.agencies import agency_create
from partnership.services.history import history_record
from partnership.services.invitations import invitation_create
from partnership.services.learning_themes import learning_themes_seed

# --- Onboarding a new partnership ----------------------------------------------------


@transaction.atomic
def partnership_create(
    *,
    name: str,
    slug: str,
    nation: str,
    statutory_partner_names: dict[str, str],
    business_manager_email: str,
    business_manager_name: str,
    business_manager_agency: str = StatutoryPartner.LOCAL_AUTHORITY,
) -> tuple[Partnership, Invitation, str]:
    """Open a new partnership with its three statutory partners and invite its first business manager.

    Used by operators (``manage.py create_partnership``) to onboard a partnership on a
    real site, where no one inside it can yet sign in. Everything is validated
    before anything is saved. Returns the partnership, the invitation and its
    one-time token (the email goes after commit).
    """
    name, slug = name.strip(), slug.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the partnership's name."]
    elif Partnership.objects.filter(name__iexact=name).exists():
        errors["name"] = ["A partnership with this name already exists."]
    try:
        Partnership.slug_validator(slug)
    except ValidationError as exc:
        errors["slug"] = exc.messages
    else:
        if Partnership.objects.filter(slug=slug).exists():
            errors["slug"] = ["This address is taken by another partnership."]
    if nation not in Nation.values:
        errors["nation"] = ["Choose ENG, WLS, SCT or NIR."]
    for kind in StatutoryPartner.values:
        if not statutory_partner_names.get(kind, "").strip():
            errors[kind] = [f"Name the {StatutoryPartner(kind).label.lower()} statutory partner."]
    if business_manager_agency not in StatutoryPartner.values:
        errors["business_manager_agency"] = ["The first business manager works for one of the statutory partners."]
    if errors:
        raise ValidationError(errors)

    partnership = Partnership(name=name, slug=slug, nation=nation)
    partnership.full_clean()
    partnership.save()
    history_record(
        partnership=partnership,
        actor=None,
        instance=partnership,
        action=HistoryEntry.Action.CREATED,
        changes={"name": {"from": None, "to": name}, "nation": {"from": None, "to": Nation(nation).label}},
    )
    agencies = {
        kind: agency_create(
            partnership=partnership,
            actor=None,
            name=statutory_partner_names[kind],
            agency_type=kind,
            statutory_partner=kind,
        )
        for kind in StatutoryPartner.values
    }
    learning_themes_seed(partnership=partnership)
    invitation, token = invitation_create(
        partnership=partnership,
        actor=None,
        email=business_manager_email,
        full_name=business_manager_name,
        agency=agencies[business_manager_agency],
        roles=[Role.BUSINESS_MANAGER],
    )
    return partnership, invitation, token
