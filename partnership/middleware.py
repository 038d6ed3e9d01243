"""Nothing but the sign-in steps answers a session that still owes its second factor.

``partnership_view`` and the API's partnership base check the second factor for
the roles that need it, but only under a partnership. Everything else (the
partnership chooser, the API's list of partnerships, the API docs and schema...)
would answer a person who has typed only their password. This middleware closes
that: a signed-in person whose roles need the second factor and who has not
passed it reaches only the sign-in steps; pages are sent to the second factor,
the API answers 403. Calls with an API token are not affected (they carry no
session here, and tokens are only issued past the second factor).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from partnership.access import second_factor_redirect
from partnership.selectors import person_needs_second_factor

# The sign-in steps: what a person must reach before their second factor (and the health check).
SIGN_IN_STEPS = frozenset(
    {
        "health",
        "account:login",
        "account:logout",
        "account:two_factor_setup",
        "account:two_factor_verify",
        "account:password_reset",
        "account:password_reset_sent",
        "account:password_reset_confirm",
        "account:password_reset_complete",
        "account:invitation_accept",
    }
)
SECOND_FACTOR_REQUIRED = "Complete sign-in with your second factor first."


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name in SIGN_IN_STEPS:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None  # a verified session costs nothing more here
        if not person_needs_second_factor(person=user):
            return None
        if request.path.startswith("/api/") and match.view_name != "api_docs":  # the docs are a page
            return JsonResponse({"detail": SECOND_FACTOR_REQUIRED}, status=403)
        return second_factor_redirect(request)
