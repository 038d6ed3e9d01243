"""Invitations by email: sent, accepted (by a newcomer or an existing account), revoked, expired."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnership.models import (
    Agency,
    HistoryEntry,
    Invitation,
    Membership,
    Partnership,
    Person,
)
from partnership.services.history import history_rows, tenant_create, tenant_update
from partnership.services.mail import email_send_after_commit, outbound_emails_dispatch, outbound_emails_record
from partnership.services.members import membership_create, roles_validate_for_agency

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
    subject, body = _invitation_email(partnership=partnership, actor=actor, invitation=invitation, token=token)
    email_send_after_commit(subject=subject, body=body, to=[email])
    return invitation, token


def _invitation_email(
    *, partnership: Partnership, actor: Person, invitation: Invitation, token: str
) -> tuple[str, str]:
    context = {
        "invitation": invitation,
        "partnership": partnership,
        "inviter": actor,
        "url": invitation_url(token),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    return f"You are invited to {partnership.name} on Learning Loop", render_to_string("emails/invitation.txt", context)


@dataclass(frozen=True)
class Invitee:
    email: str
    full_name: str
    agency: Agency
    roles: tuple[str, ...]


@transaction.atomic
def invitations_create_many(
    *, partnership: Partnership, actor: Person, invitees: Sequence[Invitee]
) -> list[Invitation]:
    """Invite many people at once (every school of a self-assessment cycle): the checks, rows, history and
    emails of ``invitation_create``, in a fixed number of queries however many there are.

    All or nothing: ``ValidationError`` on ``invitees``, one message per refused
    invitee (by address), and nothing is saved. The emails are recorded here and
    sent by the worker after commit.
    """
    problems: list[str] = []
    cleaned: list[tuple[Invitee, str, str, list[str]]] = []
    for invitee in invitees:
        email = (invitee.email or "").strip().lower()
        full_name = (invitee.full_name or "").strip()
        label = email or "(no address)"
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"{label}: not an email address in the right format.")
            continue
        if not full_name or len(full_name) > Invitation._meta.get_field("full_name").max_length:
            problems.append(f"{label}: give a full name of 1 to 200 characters.")
            continue
        agency = invitee.agency
        if agency is None or agency.partnership_id != partnership.pk or not agency.is_active:
            problems.append(f"{label}: choose one of this partnership's active agencies.")
            continue
        try:
            roles = roles_validate_for_agency(roles=invitee.roles, agency=agency)
        except ValidationError as exc:
            problems.extend(f"{label}: {message}" for message in exc.message_dict.get("roles", exc.messages))
            continue
        cleaned.append((invitee, email, full_name, roles))

    emails = [email for _invitee, email, _name, _roles in cleaned]
    repeated = sorted({email for email in emails if emails.count(email) > 1}) if len(set(emails)) < len(emails) else []
    problems.extend(f"{email}: invited twice in one go." for email in repeated)
    members = set(
        Membership.objects.in_partnership(partnership)
        .annotate(address=Lower("person__email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    waiting = set(
        Invitation.objects.in_partnership(partnership)
        .filter(email__in=emails, status=Invitation.Status.PENDING)
        .values_list("email", flat=True)
    )
    problems.extend(f"{email}: already a member of the partnership." for email in emails if email in members)
    problems.extend(
        f"{email}: an invitation to this address is already waiting." for email in emails if email in waiting
    )
    if problems:
        raise ValidationError({"invitees": problems})

    expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    tokens = [secrets.token_urlsafe(32) for _ in cleaned]
    invitations = Invitation.objects.in_partnership(partnership).bulk_create(
        [
            Invitation(
                partnership=partnership,
                email=email,
                full_name=full_name,
                agency=invitee.agency,
                roles=roles,
                token_hash=_token_hash(token),
                invited_by=actor,
                expires_at=expires_at,
            )
            for (invitee, email, full_name, roles), token in zip(cleaned, tokens, strict=True)
        ]
    )
    HistoryEntry.objects.in_partnership(partnership).bulk_create(
        history_rows(partnership=partnership, actor=actor, instances=invitations)
    )
    email_ids = outbound_emails_record(
        emails=[
            (
                *_invitation_email(partnership=partnership, actor=actor, invitation=invitation, token=token),
                [invitation.email],
            )
            for invitation, token in zip(invitations, tokens, strict=True)
        ]
    )
    transaction.on_commit(lambda: outbound_emails_dispatch(email_ids=email_ids))
    return invitations


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
