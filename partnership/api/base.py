"""The API's base views: every partnership-scoped endpoint inherits tenant resolution from here.

The partnership comes from the URL (``slug``), never from a preference, and the
base class owns ``get_queryset``: a subclass says how to read its rows for one
partnership (``scoped_queryset``) and cannot read them any other way. Object
lookups go through that queryset, so another partnership's id is a plain 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.validators import slug_re
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from partnership.api import RequestBodyTooLarge
from partnership.api.versions import with_etag
from partnership.authentication import TokenAuthentication
from partnership.models import MANAGER_ROLES, Membership, Partnership
from partnership.models.access import ApiToken
from partnership.selectors import membership_for_person_in_partnership
from partnership.services.access import api_token_allows_second_factor
from partnership.tenancy_db import tenant_db_scope_enter

_TOKEN_KEY = re.compile(r"[0-9a-f]{40}")

SECOND_FACTOR_REQUIRED = "Complete sign-in with your second factor first."
OUTDATED_KEY_REFUSED = (
    "This token does not carry your second factor for your current roles here (they changed after it was "
    "issued, or it was issued without one). Sign in, pass your second factor and create a new token."
)


class SizeLimitedJSONParser(JSONParser):
    """JSON, refused above ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

    DRF reads the body straight from the WSGI stream, so Django's own limit
    (enforced only by ``request.body`` and ``request.POST``) never applies:
    without this check a client could make the server parse any size of JSON.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except (TypeError, ValueError):
                length = 0
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                raise RequestBodyTooLarge()
        return super().parse(stream, media_type, parser_context)


class ApiPagination(LimitOffsetPagination):
    """25 rows unless the caller asks for more (``?limit=``, at most 500), as the pages show 25.

    Not 100: serializing a hundred rapid reviews was four fifths of the list's time, and most
    callers page through anyway (``next``). Issue 13's bar: an API list within 3x the floor page.
    """

    default_limit = 25
    max_limit = 500


class BaseAPIView(GenericAPIView):
    """Policies shared by every endpoint: who can call, what comes in and what goes out.

    Token first, so an anonymous caller is told (401, ``WWW-Authenticate``)
    how to authenticate. JSON only: DRF's browsable API renders inline
    scripts, which our Content Security Policy forbids, and its form parsers
    bypass the request size limit.
    """

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [SizeLimitedJSONParser]
    renderer_classes = [JSONRenderer]
    pagination_class = ApiPagination

    def finalize_response(self, request, response, *args, **kwargs):
        # The version of what is answered, for If-Match on the next change (partnership/api/versions.py).
        return super().finalize_response(request, with_etag(response), *args, **kwargs)


class PartnershipScopedAPIView(BaseAPIView):
    """Base of every endpoint under ``/api/v1/partnerships/<slug>/``.

    Before any handler runs, in this order: authenticated (401); an active
    member of *this* partnership (404, the same answer as for a partnership
    that does not exist); past the second factor where the member's roles need
    it (403); holding the roles this method needs (403).

    After that ``self.partnership`` and ``self.membership`` are set.

    Subclasses implement ``scoped_queryset(partnership)``; overriding
    ``get_queryset`` or setting ``queryset`` is refused when the class is
    defined, so no endpoint can read rows without its partnership.
    """

    # Roles allowed to call safe methods (GET, HEAD, OPTIONS); empty means any member.
    read_roles: frozenset[str] = frozenset()
    # Roles allowed to call the other methods. Fail closed: business managers unless a view says otherwise.
    write_roles: frozenset[str] = MANAGER_ROLES
    # The model behind scoped_queryset, for schema generation only (there is no partnership then).
    model: type[models.Model] | None = None

    partnership: Partnership
    membership: Membership

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # Checked on the resolved attribute, so a mixin earlier in the MRO cannot slip one in either.
        if cls.get_queryset is not PartnershipScopedAPIView.get_queryset:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset. Implement scoped_queryset(partnership) instead: "
                "the base class owns tenant scoping."
            )
        if getattr(cls, "queryset", None) is not None:
            raise TypeError(
                f"{cls.__name__} sets queryset, which is not scoped to a partnership. "
                "Implement scoped_queryset(partnership) instead."
            )

    # --- Tenant resolution ------------------------------------------------------

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # authentication, IsAuthenticated, throttles
        slug = self.kwargs["slug"]
        if not isinstance(slug, str) or not slug_re.fullmatch(slug):
            # Never let a malformed slug (a NUL byte, say) reach the database: PostgreSQL refuses it with a 500.
            raise Http404
        membership = membership_for_person_in_partnership(person=request.user, slug=slug)
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and token.partnership_id != membership.partnership_id:
            # A token acts in its own partnership only; elsewhere it looks like no membership at all.
            raise Http404
        if membership.needs_second_factor and not self._second_factor_passed(request, membership, token):
            raise PermissionDenied(OUTDATED_KEY_REFUSED if token is not None else SECOND_FACTOR_REQUIRED)
        required = self.roles_for_method(request.method)
        if required and not membership.has_role(*required):
            raise PermissionDenied("Your roles in this partnership do not allow this.")
        self.membership = membership
        self.partnership = membership.partnership
        # From here on PostgreSQL shows this request only this partnership's rows (row-level security).
        tenant_db_scope_enter(partnership_id=membership.partnership_id, person_id=request.user.pk)

    def _second_factor_passed(self, request: Request, membership: Membership, token: ApiToken | None) -> bool:
        if token is not None:
            return api_token_allows_second_factor(token=token, membership=membership)
        # django_otp's OTPMiddleware puts is_verified on the session's user. Any
        # other way in (including a test's forced authentication) fails closed.
        is_verified = getattr(request.user, "is_verified", None)
        return bool(is_verified and is_verified())

    def roles_for_method(self, method: str) -> Iterable[str]:
        return self.read_roles if method in SAFE_METHODS else self.write_roles

    # --- Rows of this partnership only -----------------------------------------

    def scoped_queryset(self, partnership: Partnership) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__} reads no rows: it has no scoped_queryset.")

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            # drf-spectacular inspects the view without a request to resolve;
            # an empty queryset of the right model is all it needs.
            return (self.model or Partnership).objects.none()
        return self.scoped_queryset(self.partnership)
