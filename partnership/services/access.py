"""API tokens and cross-partnership grants: the only ways in besides a signed-in session.

Tokens: one person, one partnership, an end date, a hash at rest. Issued only
from a session that has passed the second factor where the person's roles here
need it; voided when their access here changes (roles granted, deactivation,
reactivation) and, across every partnership, when their password or second
factor is reset. The API base re-checks each token against the membership at
every request as a second wall (``api_token_allows_second_factor``).

Grants: the one way a row of one partnership is shown to a person of another.
Made by a business manager of the owning partnership, for one object and the
fields registered as shareable for its model, read-only, with an end date,
revocable, void once the grantee's home membership ends or either partnership
leaves the collaboration it was made through; every view is recorded.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from partnership.models import (
    AccessGrant,
    AccessGrantView,
    AgencyUserObjectPermission,
    ApiToken,
    Collaboration,
    HistoryEntry,
    Membership,
    Partnership,
    Person,
    Role,
)
from partnership.sharing import shareable_for

# --- API tokens --------------------------------------------------------------------

API_TOKEN_LIFETIMES_DAYS = (30, 90, 365)
API_TOKEN_DEFAULT_DAYS = 90
# Writing last use on every request would turn each read into a write; once in this long is enough to list it.
API_TOKEN_LAST_USE_PRECISION = timedelta(minutes=5)


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedApiToken:
    token: ApiToken
    key: str  # shown once, never stored


@transaction.atomic
def api_token_issue(
    *,
    membership: Membership,
    name: str,
    second_factor_passed: bool,
    days: int = API_TOKEN_DEFAULT_DAYS,
    issued_by: Person | None = None,
) -> IssuedApiToken:
    """A new token for ``membership``'s person in that partnership only; the key is returned once.

    Refused (``ValidationError``) where the person's roles here need a second
    factor and the issuing session has not passed it, for an inactive
    membership, an empty name, or a lifetime not offered.
    """
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["Name the token after the program that will use it, for example 'Power BI report'."]
    elif len(name) > 100:
        errors["name"] = ["Keep the name to 100 characters or fewer."]
    if days not in API_TOKEN_LIFETIMES_DAYS:
        errors["days"] = [f"Choose how long the token lasts: {', '.join(map(str, API_TOKEN_LIFETIMES_DAYS))} days."]
    if not membership.is_active:
        errors["partnership"] = ["You are no longer a member of this partnership."]
    elif membership.needs_second_factor and not second_factor_passed:
        errors["partnership"] = [
            f"Your roles in {membership.partnership.name} need your second factor: pass it, then create the token."
        ]
    if errors:
        raise ValidationError(errors)
    key = secrets.token_hex(20)  # 40 hex digits, the shape the API's authentication checks before any query
    now = timezone.now()
    token = ApiToken.objects.create(
        partnership=membership.partnership,
        person=membership.person,
        name=name,
        key_hash=api_token_hash(key),
        key_prefix=key[:8],
        second_factor_passed=second_factor_passed,
        issued_by=issued_by or membership.person,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return IssuedApiToken(token=token, key=key)


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The live token behind ``key`` with its person, or None (unknown, revoked, expired, person inactive).

    Records the time of use, at most once per ``API_TOKEN_LAST_USE_PRECISION``.
    """
    token = (
        # The key is all the caller has: it names the partnership, not the other way round.
        ApiToken.objects.dangerously_unscoped()
        .select_related("person")
        .filter(key_hash=api_token_hash(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.person.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_LAST_USE_PRECISION:
        ApiToken.objects.filter(partnership_id=token.partnership_id, pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_allows_second_factor(*, token: ApiToken, membership: Membership) -> bool:
    """Whether ``token`` stands in for a passed second factor for ``membership`` now.

    Only a token issued from a session that passed it, after the person's
    access here last changed: a role granted, or the membership reactivated,
    after the token was issued is never carried by it.
    """
    return (
        token.partnership_id == membership.partnership_id
        and token.person_id == membership.person_id
        and token.second_factor_passed
        and token.created_at >= membership.access_changed_at
    )


def api_tokens_void(
    *, person: Person, reason: str, partnership: Partnership | None = None, actor: Person | None = None
) -> int:
    """Revoke the person's live tokens: in ``partnership``, or everywhere when it is None. Returns how many."""
    # A person's own tokens, in every partnership unless one is named.
    tokens = ApiToken.objects.dangerously_unscoped().filter(person=person, revoked_at__isnull=True)
    if partnership is not None:
        tokens = tokens.filter(partnership=partnership)
    return tokens.update(revoked_at=timezone.now(), revoked_by=actor, revoked_reason=reason[:200])


@transaction.atomic
def api_token_revoke(*, person: Person, token_id: int) -> bool:
    """The person revokes one of their own tokens. Returns whether a live one was revoked."""
    return bool(
        # One of the person's own tokens, wherever it was issued.
        ApiToken.objects.dangerously_unscoped()
        .filter(pk=token_id, person=person, revoked_at__isnull=True)
        .update(revoked_at=timezone.now(), revoked_by=person, revoked_reason="Revoked by its owner")
    )


@transaction.atomic
def api_token_revoke_for_member(
    *, partnership: Partnership, actor: Person, membership: Membership, token_id: int
) -> bool:
    """A business manager revokes a member's token in this partnership (never elsewhere); recorded in history.

    Returns whether a live token was revoked; a token of another partnership or
    person is simply not found.
    """
    from partnership.services.history import history_record

    token = (
        ApiToken.objects.in_partnership(partnership)
        .select_for_update()
        .filter(pk=token_id, person_id=membership.person_id, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return False
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.revoked_reason = "Revoked by a business manager"
    token.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    history_record(
        partnership=partnership,
        actor=actor,
        instance=membership,
        action=HistoryEntry.Action.UPDATED,
        changes={"API token": {"from": f"{token.name} ({token.key_prefix}…)", "to": "revoked"}},
    )
    return True


# --- Object grants (django-guardian) -----------------------------------------------


def guardian_grants_remove(*, person: Person, partnership: Partnership) -> int:
    """Remove the person's per-object grants on this partnership's rows (on deactivation). Returns how many."""
    deleted, _ = AgencyUserObjectPermission.objects.filter(
        user=person, content_object__partnership=partnership
    ).delete()
    return deleted


# --- Cross-partnership grants ------------------------------------------------------


@transaction.atomic
def access_grant_create(
    *,
    partnership: Partnership,
    actor: Person,
    item: models.Model,
    grantee_email: str,
    fields: list[str],
    ends_on: date | None,
    purpose: str,
    collaboration: Collaboration | None = None,
) -> AccessGrant:
    """Show ``item``'s chosen ``fields`` to one person, read-only, until ``ends_on``.

    Guarantees: ``actor`` is an active business manager of ``partnership`` and
    ``item`` is that partnership's; the fields are registered as shareable for
    the item's model; the grantee is an active member of this partnership or of
    another partnership in ``collaboration`` (which this partnership belongs
    to). Recorded in this partnership's history. Raises ``ValidationError``
    with field names, writing nothing, otherwise.
    """
    from partnership.services.history import history_record

    _require_business_manager(partnership=partnership, actor=actor)
    errors: dict[str, list[str]] = {}
    shareable = shareable_for(type(item))
    if shareable is None or getattr(item, "partnership_id", None) != partnership.pk:
        raise ValidationError({"item": ["Choose one of your partnership's items that can be shared."]})
    chosen = [f for f in dict.fromkeys(fields or []) if f]
    if not chosen:
        errors["fields"] = ["Choose at least one thing to show."]
    elif any(f not in shareable.fields for f in chosen):
        errors["fields"] = ["Choose only from the fields listed."]
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = ["Say why this is being shared; the person sees it."]
    elif len(purpose) > 200:
        errors["purpose"] = ["Keep the purpose to 200 characters or fewer."]
    today = timezone.localdate()
    if ends_on is None:
        errors["ends_on"] = ["Enter the date the sharing ends."]
    elif ends_on < today:
        errors["ends_on"] = ["The end date must be today or later."]
    elif ends_on > today + timedelta(days=366):
        errors["ends_on"] = ["Share for a year at most; share again after that if it is still needed."]
    if collaboration is not None and not collaboration.partnerships.filter(pk=partnership.pk).exists():
        errors["collaboration"] = ["Your partnership is not part of this collaboration."]
    grantee_membership = _grantee_membership(
        partnership=partnership, email=grantee_email, collaboration=collaboration, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    grant = AccessGrant.objects.create(
        partnership=partnership,
        content_type=ContentType.objects.get_for_model(item),
        object_id=str(item.pk),
        object_repr=str(item)[:200],
        fields=chosen,
        grantee=grantee_membership.person,
        grantee_partnership=grantee_membership.partnership,
        collaboration=collaboration if grantee_membership.partnership_id != partnership.pk else None,
        purpose=purpose,
        ends_on=ends_on,
        created_by=actor,
    )
    history_record(
        partnership=partnership,
        actor=actor,
        instance=item,
        action=HistoryEntry.Action.UPDATED,
        changes={
            "shared with": {
                "from": None,
                "to": f"{grantee_membership.person} ({grantee_membership.partnership.name}) until {ends_on:%d %B %Y}",
            },
            "fields shown": {"from": None, "to": [shareable.fields[f] for f in chosen]},
        },
    )
    return grant


def _grantee_membership(
    *, partnership: Partnership, email: str, collaboration: Collaboration | None, errors: dict[str, list[str]]
) -> Membership | None:
    email = (email or "").strip()
    if not email:
        errors["grantee_email"] = ["Enter the email address of the person to share with."]
        return None
    # The grantee may belong to another partnership of the collaboration: looked for across them.
    candidates = (
        Membership.objects.dangerously_unscoped()
        .filter(person__email__iexact=email, is_active=True)
        .select_related("person", "partnership")
    )
    own = next((m for m in candidates if m.partnership_id == partnership.pk), None)
    if own is not None:
        return own
    if collaboration is None:
        errors["grantee_email"] = [
            "This person is not a member here. To share with another partnership, choose the collaboration "
            "you share through."
        ]
        return None
    member_ids = set(collaboration.partnerships.values_list("pk", flat=True))
    other = next((m for m in candidates if m.partnership_id in member_ids), None)
    if other is None:
        # Said the same whether or not the address has an account anywhere: no one is found out by it.
        errors["grantee_email"] = [f"No active member of a partnership in {collaboration.name} has this address."]
    return other


def _require_business_manager(*, partnership: Partnership, actor: Person) -> None:
    if not Membership.objects.filter(
        partnership=partnership, person=actor, is_active=True, roles__role=Role.BUSINESS_MANAGER
    ).exists():
        raise ValidationError("Only a business manager of the partnership that owns an item can share it.")


@transaction.atomic
def access_grant_revoke(*, partnership: Partnership, actor: Person, grant: AccessGrant, reason: str = "") -> bool:
    """End a grant now; recorded in history. Returns whether it was still unrevoked."""
    from partnership.services.history import history_record

    _require_business_manager(partnership=partnership, actor=actor)
    grant = (
        AccessGrant.objects.in_partnership(partnership).select_for_update().select_related("grantee").get(pk=grant.pk)
    )
    if grant.revoked_at is not None:
        return False
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.revoked_reason = (reason or "Revoked by a business manager").strip()[:200]
    grant.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    history_record(
        partnership=partnership,
        actor=actor,
        instance=grant,
        action=HistoryEntry.Action.UPDATED,
        changes={"sharing": {"from": f"shown to {grant.grantee}", "to": "revoked"}},
        reason=grant.revoked_reason,
    )
    return True


def access_grants_void_for_grantee(*, person: Person, home: Partnership, reason: str) -> int:
    """Revoke every grant the person holds through their membership of ``home`` (it has ended)."""
    # Grants made by any partnership to this person of ``home``.
    return (
        AccessGrant.objects.dangerously_unscoped()
        .filter(grantee=person, grantee_partnership=home, revoked_at__isnull=True)
        .update(revoked_at=timezone.now(), revoked_reason=reason[:200])
    )


@transaction.atomic
def collaboration_leave(*, collaboration: Collaboration, partnership: Partnership, actor: Person | None) -> int:
    """Take ``partnership`` out of ``collaboration`` and revoke every grant made through it to or by it.

    Returns how many grants were revoked. (Reads already refuse such grants the
    moment the partnership leaves; revoking them records it for good.)
    """
    from partnership.services.history import history_record

    collaboration.partnerships.remove(partnership)
    # Grants made by the partnership, and grants made to it by the others.
    revoked = (
        AccessGrant.objects.dangerously_unscoped()
        .filter(
            models.Q(partnership=partnership) | models.Q(grantee_partnership=partnership),
            collaboration=collaboration,
            revoked_at__isnull=True,
        )
        .update(revoked_at=timezone.now(), revoked_by=actor, revoked_reason=f"Left {collaboration.name}"[:200])
    )
    history_record(
        partnership=partnership,
        actor=actor,
        instance=partnership,
        action=HistoryEntry.Action.UPDATED,
        changes={"collaboration": {"from": collaboration.name, "to": None}},
    )
    return revoked


def access_grant_record_view(*, grant: AccessGrant, person: Person) -> AccessGrantView:
    return AccessGrantView.objects.create(partnership_id=grant.partnership_id, grant=grant, person=person)


# --- Service accounts ------------------------------------------------------------------

SERVICE_ACCOUNT_EMAIL_DOMAIN = "service-accounts.invalid"  # .invalid never delivers: no mail can reach it


@transaction.atomic
def service_account_create(
    *, partnership: Partnership, actor: Person, name: str, agency, roles: list[str]
) -> Membership:
    """A program's own membership of this partnership, with roles, for API tokens only.

    The account has no password (it cannot sign in to pages or reset one) and
    belongs to this partnership alone. Its roles are checked like a person's
    (a partner lead's role needs the partner's agency); its tokens are issued
    by a business manager (``service_account_token_issue``). Recorded in history.
    """
    from partnership.services.members import membership_create

    _require_business_manager(partnership=partnership, actor=actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Name the program, for example 'Case management system'."]})
    if len(name) > 200:
        raise ValidationError({"name": ["Keep the name to 200 characters or fewer."]})
    person = Person(
        email=f"{partnership.slug}-{secrets.token_hex(6)}@{SERVICE_ACCOUNT_EMAIL_DOMAIN}",
        full_name=name,
        is_service_account=True,
    )
    person.set_unusable_password()
    person.save()
    return membership_create(
        partnership=partnership, actor=actor, person=person, agency=agency, roles=roles, job_title="Service account"
    )


@transaction.atomic
def service_account_token_issue(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    name: str,
    days: int = API_TOKEN_DEFAULT_DAYS,
    actor_passed_second_factor: bool,
) -> IssuedApiToken:
    """A token for a service account of this partnership, issued by a business manager.

    A service account cannot pass a second factor itself: the business manager
    issuing the token vouches for it, so the token carries the second factor
    only if the manager's own sign-in (or token) passed it. Recorded in the
    account's history; the key is returned once.
    """
    from partnership.services.history import history_record

    _require_business_manager(partnership=partnership, actor=actor)
    membership = (
        Membership.objects.in_partnership(partnership).select_related("person", "partnership").get(pk=membership.pk)
    )
    if not membership.person.is_service_account:
        raise ValidationError("Tokens are issued here for service accounts only; people make their own.")
    issued = api_token_issue(
        membership=membership, name=name, days=days, second_factor_passed=actor_passed_second_factor, issued_by=actor
    )
    history_record(
        partnership=partnership,
        actor=actor,
        instance=membership,
        action=HistoryEntry.Action.UPDATED,
        changes={"API token": {"from": None, "to": f"{issued.token.name} ({issued.token.key_prefix}…) issued"}},
    )
    return issued
