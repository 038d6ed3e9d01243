"""Members: their roles, agency and job title, deactivation, and second factor recovery."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.models import (
    PARTNER_LEAD_ROLES,
    SECOND_FACTOR_ROLES,
    Agency,
    HistoryEntry,
    Membership,
    MembershipRole,
    Partnership,
    Person,
    Role,
    StatutoryPartner,
)
from partnership.services.history import _version_check, history_record, tenant_create, tenant_update

# --- Roles ------------------------------------------------------------------------


def roles_validate_for_agency(*, roles: Iterable[str], agency: Agency) -> list[str]:
    """Check the roles fit the agency; return them cleaned and in a stable order.

    A partner lead must belong to the agency that is the partnership's
    statutory partner of that kind (the police lead works for the police).
    """
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise ValidationError({"roles": ["Choose at least one role."]})
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError({"roles": [f"Unknown role: {', '.join(unknown)}."]})
    for role in roles:
        kind = PARTNER_LEAD_ROLES.get(role)
        if kind and agency.statutory_partner != kind:
            raise ValidationError(
                {
                    "roles": [
                        f"{Role(role).label} must belong to the {StatutoryPartner(kind).label.lower()} "
                        f"statutory partner agency; {agency.name} is not."
                    ]
                }
            )
    return sorted(roles)


# --- Members ----------------------------------------------------------------------


def _revoke_api_tokens_on_second_factor_role(
    *, partnership: Partnership, person: Person, granted: Iterable[str], actor: Person | None
) -> None:
    """A new role that needs a second factor voids the person's API tokens in this partnership.

    Tokens are issued only from a session that passed the second factor *if the
    person's roles then needed one*; a token issued before the role was given
    would otherwise carry the new rights without that check. (The API also
    re-checks each token against ``access_changed_at``: a second wall.)
    """
    from partnership.services.access import api_tokens_void

    if SECOND_FACTOR_ROLES.intersection(granted):
        api_tokens_void(
            person=person, partnership=partnership, actor=actor, reason="A role needing a second factor was granted"
        )


def _role_labels(roles: Iterable[str]) -> list[str]:
    return [Role(r).label for r in sorted(roles)]


@transaction.atomic
def membership_create(
    *,
    partnership: Partnership,
    actor: Person | None,
    person: Person,
    agency: Agency,
    roles: Iterable[str],
    job_title: str = "",
) -> Membership:
    if agency.partnership_id != partnership.pk:
        raise ValidationError({"agency": ["Choose one of this partnership's agencies."]})
    roles = roles_validate_for_agency(roles=roles, agency=agency)
    if Membership.objects.in_partnership(partnership).filter(person=person).exists():
        raise ValidationError({"email": ["This person is already a member of the partnership."]})
    membership = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=Membership(partnership=partnership, person=person, agency=agency, job_title=job_title),
    )
    MembershipRole.objects.bulk_create([MembershipRole(membership=membership, role=r) for r in roles])
    _revoke_api_tokens_on_second_factor_role(partnership=partnership, person=person, granted=roles, actor=actor)
    history_record(
        partnership=partnership,
        actor=actor,
        instance=membership,
        action=HistoryEntry.Action.UPDATED,
        changes={"roles": {"from": [], "to": _role_labels(roles)}},
    )
    return membership


@transaction.atomic
def membership_update(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    agency: Agency,
    roles: Iterable[str],
    job_title: str = "",
    expected_updated_at: datetime | None = None,
) -> dict[str, dict[str, Any]]:
    """Change a member's agency, roles or job title; the history row lists what changed.

    Any change, a change of roles alone included, moves ``membership.updated_at``
    on. With ``expected_updated_at``, a change made from a read older than the
    member's last save is refused (code ``stale``) and nothing is written.
    """
    membership = Membership.objects.in_partnership(partnership).select_for_update().get(pk=membership.pk)
    _version_check(instance=membership, expected_updated_at=expected_updated_at, what="this member")
    if agency.partnership_id != partnership.pk:
        raise ValidationError({"agency": ["Choose one of this partnership's agencies."]})
    roles = roles_validate_for_agency(roles=roles, agency=agency)
    current = sorted(MembershipRole.objects.filter(membership=membership).values_list("role", flat=True))
    if membership.person_id == actor.pk and Role.BUSINESS_MANAGER in current and Role.BUSINESS_MANAGER not in roles:
        _ensure_another_business_manager(partnership=partnership, membership=membership)
    extra = {}
    if current != roles:
        MembershipRole.objects.filter(membership=membership).exclude(role__in=roles).delete()
        MembershipRole.objects.bulk_create(
            [MembershipRole(membership=membership, role=r) for r in roles if r not in current]
        )
        _revoke_api_tokens_on_second_factor_role(
            partnership=partnership,
            person=membership.person,
            granted=[r for r in roles if r not in current],
            actor=actor,
        )
        extra["roles"] = {"from": _role_labels(current), "to": _role_labels(roles)}
    changes = tenant_update(
        partnership=partnership,
        actor=actor,
        instance=membership,
        data={"agency": agency, "job_title": job_title.strip()},
        extra_changes=extra,
    )
    if "roles" in changes:
        # This also moves the membership's version on. The roles live in their own rows, so
        # tenant_update may have saved nothing on the membership, and a form drawn before this
        # change could otherwise still overwrite it.
        _access_changed(membership)
    return changes


def _access_changed(membership: Membership) -> None:
    """Record that the person's rights here changed: API tokens issued before now stop standing in
    for a second factor here (``api_token_allows_second_factor``). Kept out of history (a timestamp)."""
    membership.access_changed_at = timezone.now()
    membership.save(update_fields=["access_changed_at", "updated_at"])


def _ensure_another_business_manager(*, partnership: Partnership, membership: Membership) -> None:
    others = (
        MembershipRole.objects.filter(
            membership__partnership=partnership, membership__is_active=True, role=Role.BUSINESS_MANAGER
        )
        .exclude(membership=membership)
        .exists()
    )
    if not others:
        raise ValidationError(
            "A partnership needs at least one active business manager. Give the role to someone else first."
        )


@transaction.atomic
def membership_deactivate(*, partnership: Partnership, actor: Person, membership: Membership, reason: str = "") -> None:
    """Stop a member's access to this partnership (their other partnerships are untouched).

    Their API tokens here are revoked, their per-object grants on this
    partnership's rows removed, and every cross-partnership grant they held as
    a member here revoked: none of them outlives the membership.
    """
    from partnership.services.access import access_grants_void_for_grantee, api_tokens_void, guardian_grants_remove

    membership = Membership.objects.in_partnership(partnership).select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return
    if MembershipRole.objects.filter(membership=membership, role=Role.BUSINESS_MANAGER).exists():
        _ensure_another_business_manager(partnership=partnership, membership=membership)
    tenant_update(
        partnership=partnership,
        actor=actor,
        instance=membership,
        data={"is_active": False, "deactivated_at": timezone.now()},
        reason=reason,
    )
    _access_changed(membership)
    api_tokens_void(person=membership.person, partnership=partnership, actor=actor, reason="Membership deactivated")
    guardian_grants_remove(person=membership.person, partnership=partnership)
    access_grants_void_for_grantee(person=membership.person, home=partnership, reason="Home membership ended")


@transaction.atomic
def membership_reactivate(*, partnership: Partnership, actor: Person, membership: Membership) -> None:
    """Give a deactivated member their access back, with the roles they had.

    Any token issued while they were deactivated (or before) is revoked, and
    ``access_changed_at`` moves on, so none carries the roles back without a
    new sign-in that passes the second factor where the roles need it.
    """
    from partnership.services.access import api_tokens_void

    membership = Membership.objects.in_partnership(partnership).select_for_update().get(pk=membership.pk)
    if membership.is_active:
        return
    tenant_update(
        partnership=partnership,
        actor=actor,
        instance=membership,
        data={"is_active": True, "deactivated_at": None},
    )
    _access_changed(membership)
    api_tokens_void(person=membership.person, partnership=partnership, actor=actor, reason="Membership reactivated")


# --- Second factor recovery ---------------------------------------------------------


@transaction.atomic
def membership_reset_second_factor(*, partnership: Partnership, actor: Person, membership: Membership) -> int:
    """Remove a member's authenticator app and backup codes, e.g. after a lost phone.

    The person sets up a new second factor at their next sign-in, before they see
    any partnership data. Their API token goes too, since it stands in for a
    verified sign-in. The change is to the person's account, so it reaches their
    other partnerships; it is recorded in this partnership's history with who did
    it. Returns the number of devices removed.
    """
    from django_otp import devices_for_user

    membership = Membership.objects.in_partnership(partnership).select_related("person").get(pk=membership.pk)
    if membership.person_id == actor.pk:
        raise ValidationError("You cannot reset your own second factor. Ask another business manager.")
    devices = list(devices_for_user(membership.person, confirmed=None))
    for device in devices:
        device.delete()
    from partnership.services.access import api_tokens_void

    api_tokens_void(person=membership.person, actor=actor, reason="Second factor reset")
    history_record(
        partnership=partnership,
        actor=actor,
        instance=membership,
        action=HistoryEntry.Action.UPDATED,
        changes={"second factor": {"from": f"{len(devices)} device(s)", "to": "reset: set up at next sign-in"}},
    )
    return len(devices)
