"""Tenant resolution for pages: the partnership comes from the URL, never from a preference.

``partnership_view`` wraps every view under ``/p/<slug>/``. It checks, in this
order: signed in; an active member of *this* partnership (else 404, the same
answer as for a partnership that does not exist); the second factor for roles
that need it; then the roles the view asks for (403).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from partnership.selectors import memberships_for_person_loaded
from partnership.tenancy_db import tenant_db_scope_enter


def second_factor_redirect(request: HttpRequest) -> HttpResponse:
    """Send the person to set up or pass their second factor, then back here."""
    from django_otp import devices_for_user

    has_device = any(True for _ in devices_for_user(request.user, confirmed=True))
    target = "account:two_factor_verify" if has_device else "account:two_factor_setup"
    return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def partnership_view(*, roles: Iterable[str] | None = None) -> Callable:
    """Resolve ``slug`` to the person's membership and put it on the request.

    The wrapped view gets ``request.partnership`` and ``request.membership``
    and does not receive ``slug``; ``request.person_memberships`` holds all the
    person's active memberships, for the header.
    """
    required = frozenset(roles or ())

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            # One query gives this page's membership and the header's partnership switcher
            # (context_processors.navigation reads request.person_memberships).
            memberships = memberships_for_person_loaded(person=request.user)
            membership = next((m for m in memberships if m.partnership.slug == slug), None)
            if membership is None:
                raise Http404("No such partnership.")
            request.person_memberships = memberships
            if membership.needs_second_factor and not request.user.is_verified():
                return second_factor_redirect(request)
            if required and not membership.has_role(*required):
                raise PermissionDenied("Your roles in this partnership do not include this page.")
            request.membership = membership
            request.partnership = membership.partnership
            # From here on PostgreSQL shows this request only this partnership's rows (row-level security).
            tenant_db_scope_enter(partnership_id=membership.partnership_id, person_id=request.user.pk)
            return view(request, *args, **kwargs)

        wrapped.partnership_roles = required
        return wrapped

    return decorator


def client_ip_address(request: HttpRequest) -> str | None:
    """The address a request came from, as the sign-in lockout counts it (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (a load balancer, nginx) every request's
    REMOTE_ADDR is the proxy's, so the lockout would again be per account alone: the client is
    then the address that many hops from the right of X-Forwarded-For (each proxy appends the
    address it saw; anything further left was written by the client and is not trusted).
    """
    from django.conf import settings

    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")
