"""Writes of the kernel: partnerships, agencies, members, invitations, history.

Every service is keyword-only, runs in one transaction, validates before it
writes (raising ``ValidationError`` with field names, so nothing is
half-saved), records history for every create, update and delete of tenant
data, and sends email only after the transaction commits.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnership.models import (
    PARTNER_LEAD_ROLES,
    SECOND_FACTOR_ROLES,
    Agency,
    AgencyType,
    ClosureDay,
    HistoryEntry,
    Invitation,
    Membership,
    MembershipRole,
    Nation,
    Partnership,
    Person,
    Role,
    StatutoryPartner,
)
from partnership.references import reference_pattern_errors
from partnership.services.deadlines import deadlines_recompute_reminders
from partnership.services.mail import email_send_after_commit

logger = logging.getLogger(__name__)


# --- History ----------------------------------------------------------------


def _display_value(instance: models.Model, field: models.Field) -> Any:
    value = getattr(instance, field.attname)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = getattr(instance, field.name)
        return str(related) if related is not None else None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict, str, int, float, bool)) or value is None:
        return value
    return str(value)


def _tracked_fields(instance: models.Model) -> list[models.Field]:
    return [
        f
        for f in instance._meta.concrete_fields
        if not f.primary_key
        and f.name not in {"partnership", "updated_at", "created_at", "password", "token_hash", "access_changed_at"}
    ]


def history_record(
    *,
    partnership: Partnership,
    actor: Person | None,
    instance: models.Model,
    action: str,
    changes: dict[str, dict[str, Any]] | None = None,
    reason: str = "",
) -> HistoryEntry:
    """Append one history row for ``instance``; rows are never edited afterwards."""
    return HistoryEntry.objects.create(
        partnership=partnership,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        changes=changes or {},
        reason=reason[:500],
    )


def _snapshot(instance: models.Model) -> dict[str, Any]:
    return {f.name: _display_value(instance, f) for f in _tracked_fields(instance)}


def tenant_create(*, partnership: Partnership, actor: Person | None, instance: models.Model) -> models.Model:
    """Validate, insert and record the creation of a tenant row."""
    instance.full_clean()
    instance.save()
    history_record(
        partnership=partnership,
        actor=actor,
        instance=instance,
        action=HistoryEntry.Action.CREATED,
        changes={name: {"from": None, "to": value} for name, value in _snapshot(instance).items()},
    )
    return instance


def tenant_update(
    *,
    partnership: Partnership,
    actor: Person | None,
    instance: models.Model,
    data: dict[str, Any],
    reason: str = "",
    extra_changes: dict[str, dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Apply ``data`` to ``instance``, save only what changed, record the changed fields.

    Returns the changes (empty when nothing changed, and then nothing is written).
    """
    before = _snapshot(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    after = _snapshot(instance)
    changes = {name: {"from": before[name], "to": after[name]} for name in after if before[name] != after[name]}
    changes.update(extra_changes or {})
    if not changes:
        return {}
    instance.full_clean()
    changed_names = [n for n in data if n in before and before[n] != after[n]]
    if changed_names:
        update_fields = changed_names + (["updated_at"] if hasattr(instance, "updated_at") else [])
        instance.save(update_fields=update_fields)
    history_record(
        partnership=partnership,
        actor=actor,
        instance=instance,
        action=HistoryEntry.Action.UPDATED,
        changes=changes,
        reason=reason,
    )
    return changes


def tenant_delete(*, partnership: Partnership, actor: Person | None, instance: models.Model, reason: str = "") -> None:
    """Delete a tenant row, keeping a record of what it was."""
    history_record(
        partnership=partnership,
        actor=actor,
        instance=instance,
        action=HistoryEntry.Action.DELETED,
        changes={name: {"from": value, "to": None} for name, value in _snapshot(instance).items()},
        reason=reason,
    )
    instance.delete()


def _version_check(*, instance: models.Model, expected_updated_at: datetime | None, what: str) -> None:
    """Refuse a change made from an out-of-date read of ``instance`` (optimistic concurrency).

    ``expected_updated_at`` is the ``updated_at`` the person's page or API call
    read; ``None`` means the caller does not ask for the check (seeding, tests,
    internal callers). Call it after locking the row, before any other check,
    so that a refused change writes nothing. The error's code ``stale`` lets the
    API answer 409 Conflict; ``what`` names the thing: "this member".
    """
    if expected_updated_at is not None and instance.updated_at != expected_updated_at:
        raise ValidationError(
            f"Someone else changed {what} while you were editing it. "
            "Their version is shown below and your changes are still in the form: check them, then save again.",
            code="stale",
        )


# --- Partnership settings -----------------------------------------------------


# Reminders go out at most this many working days before a due date (0: on the day itself).
REMINDER_WORKING_DAYS_MAX = 10


@transaction.atomic
def partnership_update_settings(
    *,
    partnership: Partnership,
    actor: Person,
    name: str,
    nation: str,
    reminder_working_days: int | None = None,
    expected_updated_at: datetime | None = None,
    incident_reference_pattern: str | None = None,
    learning_review_reference_pattern: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Rename the partnership, change its nation (which changes every working-day count),
    how many working days before a due date reminders go out, or the patterns of its own
    reference series (``partnership.references``; ``None``: unchanged).

    A new nation or reminder setting moves the reminder day of every open deadline
    (``deadlines_recompute_reminders``). With ``expected_updated_at``, a change made
    from settings read before someone else's save is refused (code ``stale``) and
    nothing is written.
    """
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this partnership")
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the partnership's name."]
    elif Partnership.objects.filter(name__iexact=name).exclude(pk=partnership.pk).exists():
        errors["name"] = ["Another partnership already has this name."]
    if nation not in Nation.values:
        errors["nation"] = ["Choose England, Wales, Scotland or Northern Ireland."]
    if reminder_working_days is None:
        reminder_working_days = locked.reminder_working_days
    elif not 0 <= reminder_working_days <= REMINDER_WORKING_DAYS_MAX:
        errors["reminder_working_days"] = [f"Enter a number of working days from 0 to {REMINDER_WORKING_DAYS_MAX}."]
    patterns = {
        "incident_reference_pattern": incident_reference_pattern,
        "learning_review_reference_pattern": learning_review_reference_pattern,
    }
    for field_name, pattern in patterns.items():
        if pattern is None:
            patterns[field_name] = getattr(locked, field_name)
            continue
        patterns[field_name] = pattern.strip()
        if problems := reference_pattern_errors(patterns[field_name]):
            errors[field_name] = problems
    if errors:
        raise ValidationError(errors)
    changes = tenant_update(
        partnership=locked,
        actor=actor,
        instance=locked,
        data={"name": name, "nation": nation, "reminder_working_days": reminder_working_days, **patterns},
    )
    if changes.keys() & {"nation", "reminder_working_days"}:
        deadlines_recompute_reminders(partnership=locked)
    return changes


@transaction.atomic
def closure_day_add(*, partnership: Partnership, actor: Person, day: date, reason: str = "") -> ClosureDay:
    """Add a day on which the partnership's clocks stop, on top of bank holidays."""
    if ClosureDay.objects.in_partnership(partnership).filter(date=day).exists():
        raise ValidationError({"date": [f"{day:%d %B %Y} is already a closure day."]})
    closure_day = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=ClosureDay(partnership=partnership, date=day, reason=reason.strip()),
    )
    # The calendar changed: reminder days counted across this date move.
    deadlines_recompute_reminders(partnership=partnership)
    return closure_day


@transaction.atomic
def closure_day_remove(*, partnership: Partnership, actor: Person, closure_day: ClosureDay) -> None:
    if closure_day.partnership_id != partnership.pk:
        raise ValidationError("That closure day belongs to another partnership.")
    tenant_delete(partnership=partnership, actor=actor, instance=closure_day)
    deadlines_recompute_reminders(partnership=partnership)


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


# --- Invitations ------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("account:invitation_accept", kwargs={"token": token})


@transaction.atomic
def invitation_create(
    *,
    partnership: Partnership,
    actor: Person,
    email: str,
    full_name: str,
    agency: Agency,
    roles: Iterable[str],
) -> tuple[Invitation, str]:
    """Invite someone by email to join with an agency and roles.

    Returns the invitation and the one-time token (only its hash is stored).
    The email is sent after commit; nothing is saved if any check fails.
    """
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter an email address in the right format, like name@example.org."]
    if not full_name:
        errors["full_name"] = ["Enter the person's full name."]
    if agency is None or agency.partnership_id != partnership.pk:
        errors["agency"] = ["Choose one of this partnership's agencies."]
    elif not agency.is_active:
        errors["agency"] = ["This agency is inactive; choose another or reactivate it."]
    if "email" not in errors:
        if Membership.objects.in_partnership(partnership).filter(person__email__iexact=email).exists():
            errors["email"] = ["This person is already a member of the partnership."]
        elif (
            Invitation.objects.in_partnership(partnership)
            .filter(email__iexact=email, status=Invitation.Status.PENDING)
            .exists()
        ):
            errors["email"] = ["An invitation to this address is already waiting. Revoke it to send a new one."]
    if "agency" not in errors:
        try:
            roles = roles_validate_for_agency(roles=roles, agency=agency)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    token = secrets.token_urlsafe(32)
    invitation = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=Invitation(
            partnership=partnership,
            email=email,
            full_name=full_name,
            agency=agency,
            roles=roles,
            token_hash=_token_hash(token),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        ),
    )
    context = {
        "invitation": invitation,
        "partnership": partnership,
        "inviter": actor,
        "url": invitation_url(token),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    subject = f"You are invited to {partnership.name} on Learning Loop"
    body = render_to_string("emails/invitation.txt", context)
    email_send_after_commit(subject=subject, body=body, to=[email])
    return invitation, token


def invitation_for_token(*, token: str) -> Invitation | None:
    """The pending, unexpired invitation behind a token, or None."""
    invitation = (
        # The token is all the newcomer has: it names the partnership, not the other way round.
        Invitation.objects.dangerously_unscoped()
        .select_related("partnership", "agency")
        .filter(token_hash=_token_hash(token or ""), status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str | None, person: Person | None = None) -> Membership:
    """Turn an invitation into a membership.

    A newcomer sets a password (checked by the password validators); someone
    who already has an account accepts while signed in as the invited address.
    """
    invitation = invitation_for_token(token=token)
    if invitation is None:
        raise ValidationError("This invitation link has expired, been used or been withdrawn. Ask for a new one.")
    invitation = Invitation.objects.in_partnership(invitation.partnership).select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError("This invitation has already been used.")
    existing = Person.objects.filter(email__iexact=invitation.email).first()
    if existing is not None and existing.has_usable_password():
        if person is None or person.pk != existing.pk:
            raise ValidationError(
                "You already have a Learning Loop account. Sign in as "
                f"{invitation.email} and open the link again to accept."
            )
        target = existing
    else:
        target = existing or Person(email=invitation.email, full_name=invitation.full_name)
        try:
            validate_password(password or "", user=target)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        target.set_password(password)
        target.save()
    membership = membership_create(
        partnership=invitation.partnership,
        actor=target,
        person=target,
        agency=invitation.agency,
        roles=invitation.roles,
    )
    tenant_update(
        partnership=invitation.partnership,
        actor=target,
        instance=invitation,
        data={"status": Invitation.Status.ACCEPTED, "accepted_at": timezone.now()},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, partnership: Partnership, actor: Person, invitation: Invitation) -> None:
    invitation = Invitation.objects.in_partnership(partnership).select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError("Only a pending invitation can be withdrawn.")
    tenant_update(partnership=partnership, actor=actor, instance=invitation, data={"status": Invitation.Status.REVOKED})


def invitations_expire_stale(*, now: datetime | None = None) -> int:
    """Mark pending invitations past their date as expired. Safe to run twice."""
    now = now or timezone.now()
    expired = 0
    # A periodic task over every partnership's invitations.
    stale = Invitation.objects.dangerously_unscoped().filter(status=Invitation.Status.PENDING, expires_at__lte=now)
    for invitation in stale.select_related("partnership"):
        with transaction.atomic():
            tenant_update(
                partnership=invitation.partnership,
                actor=None,
                instance=invitation,
                data={"status": Invitation.Status.EXPIRED},
                reason="Expired unused",
            )
            expired += 1
    return expired


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
    invitation, token = invitation_create(
        partnership=partnership,
        actor=None,
        email=business_manager_email,
        full_name=business_manager_name,
        agency=agencies[business_manager_agency],
        roles=[Role.BUSINESS_MANAGER],
    )
    return partnership, invitation, token
