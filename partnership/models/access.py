"""Ways into a partnership other than a signed-in session: API tokens and cross-partnership grants.

Both are narrower than a membership, never wider. A token acts as one person in
one partnership, with that person's roles as they are at the moment of each
request. A grant shows one object's chosen fields, read-only and for a limited
time, to one named person of another partnership.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from partnership.models import Collaboration, Partnership, Person, TenantModel


class ApiToken(TenantModel):
    """A key that lets a program use the API as one person, in one partnership only.

    Only a hash of the key is stored: a leaked database yields no working key.
    ``second_factor_passed`` says whether the session that issued it had passed
    the second factor; a token stands in for a sign-in that passed it only if
    it was issued after the person's access here last changed (see
    ``Membership.access_changed_at``), so a role granted later is never carried
    by an older token.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="api_tokens")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the key, so people can tell their tokens apart on a page.
    key_prefix = models.CharField(max_length=8)
    second_factor_passed = models.BooleanField(default=False)
    issued_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "person", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AccessGrant(TenantModel):
    """Read-only sight of one object's chosen fields, given to one person of another partnership.

    Owned by the partnership whose object it shows (``partnership``) and made
    only by one of its business managers. It is in force while it is not
    revoked, its end date has not passed, the grantee is still an active member
    of their home partnership and, for a grant through a collaboration, both
    partnerships still belong to it: every read checks all of these in the
    same query, so leaving a collaboration or a membership ending voids it at
    once. Every view is recorded in ``AccessGrantView``.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="access_grants_made")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    # The names of the fields the grantee sees; nothing else of the object crosses over.
    fields = models.JSONField(default=list)
    grantee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_grants")
    grantee_partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="access_grants_received"
    )
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, null=True, blank=True, related_name="access_grants"
    )
    purpose = models.CharField(max_length=200)
    ends_on = models.DateField()
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["grantee", "revoked_at", "ends_on"]),
            models.Index(fields=["partnership", "content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} shown to {self.grantee}"


class AccessGrantView(TenantModel):
    """One look at a granted object: who, when. Kept by the owning partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    grant = models.ForeignKey(AccessGrant, on_delete=models.CASCADE, related_name="views")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} viewed {self.grant.object_repr}"
