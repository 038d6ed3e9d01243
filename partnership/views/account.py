"""Account pages: sign in and out, the second factor, password reset, invitations, API tokens.

Nothing here is under ``/p/<slug>/``: these pages act on the signed-in person's
own account. Partnership data is shown only on an invitation page, to whoever
holds the invitation's secret link.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import (
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from partnership.access import second_factor_redirect
from partnership.forms.account import (
    ApiTokenForm,
    InvitationNewcomerForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SecondFactorSetupForm,
    SecondFactorVerifyForm,
    SignInForm,
)
from partnership.forms.base import add_service_errors
from partnership.selectors import memberships_for_person, person_needs_second_factor
from partnership.selectors.access import access_grant_shown_to, access_grants_in_force_for, api_tokens_of_person
from partnership.services import invitation_accept as invitation_accept_service
from partnership.services import invitation_for_token
from partnership.services.access import access_grant_record_view, api_token_issue, api_token_revoke, api_tokens_void
from partnership.services.account import (
    backup_codes_remaining,
    invitation_accept_as_newcomer,
    invitee_has_password,
    person_has_second_factor,
    second_factor_check,
    sign_in_lockout_clear,
    totp_device_confirm,
    totp_device_confirmed,
    totp_device_pending,
    totp_qr_code_data_uri,
    totp_secret_for_typing,
)
from partnership.views.actions import form_action

# ModelBackend, not axes: a newcomer who has just chosen a password is signed in without authenticate().
_PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a class path


def _next_url(request: HttpRequest) -> str:
    """Where to go afterwards: ``?next=`` if it stays on this site, else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("home")


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


# --- Sign in and out ---------------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Email and password; then the second factor for the roles that need it."""
    if request.method == "GET" and request.user.is_authenticated:
        return redirect("home")
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        person = form.get_user()
        auth_login(request, person)
        next_url = _next_url(request)
        if person_needs_second_factor(person=person):
            step = (
                "account:two_factor_verify" if person_has_second_factor(person=person) else "account:two_factor_setup"
            )
            return redirect(_with_next(step, next_url))
        return redirect(next_url)
    # A locked-out account gets the same form back here; AxesMiddleware swaps it for the lockout page.
    return render(request, "account/login.html", {"form": form})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, "You have signed out.")
    return redirect("account:login")


# --- Second factor -----------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app, then show the backup codes once."""
    next_url = _next_url(request)
    if totp_device_confirmed(person=request.user) is not None:
        # Replacing a working device would let a stolen password remove the second factor.
        return redirect(_with_next("account:two_factor_verify", next_url))
    device = totp_device_pending(person=request.user)
    form = SecondFactorSetupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            set_up = totp_device_confirm(person=request.user, device=device, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session.cycle_key()
            otp_login(request, set_up.device)
            return render(
                request,
                "account/two_factor_backup_codes.html",
                {"backup_codes": set_up.backup_codes, "next_url": next_url},
            )
    return render(
        request,
        "account/two_factor_setup.html",
        {
            "form": form,
            "secret": totp_secret_for_typing(device=device),
            "qr_code": totp_qr_code_data_uri(device=device),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """A code from the authenticator app, or a single-use backup code."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not person_has_second_factor(person=request.user):
        return redirect(_with_next("account:two_factor_setup", next_url))
    form = SecondFactorVerifyForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device = second_factor_check(person=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session.cycle_key()
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = backup_codes_remaining(person=request.user)
                messages.warning(
                    request,
                    f"You used a backup code. It will not work again. You have {left} backup "
                    f"code{'' if left == 1 else 's'} left.",
                )
            return redirect(next_url)
    return render(request, "account/two_factor_verify.html", {"form": form})


# --- Password reset ----------------------------------------------------------------


class _PasswordResetConfirmView(PasswordResetConfirmView):
    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever can read the mailbox owns the account: lift any lockout from failed sign-ins.
        sign_in_lockout_clear(email=form.user.email)
        # A new password ends every way in that the old one opened, API tokens included.
        api_tokens_void(person=form.user, reason="Password reset")
        return response


# An unknown address gets the same "check your email" page: the form never says who has an account.
password_reset = PasswordResetView.as_view(
    form_class=PasswordResetRequestForm,
    template_name="account/password_reset.html",
    email_template_name="emails/password_reset.txt",
    subject_template_name="emails/password_reset_subject.txt",
    success_url=reverse_lazy("account:password_reset_sent"),
)
password_reset_sent = PasswordResetDoneView.as_view(template_name="account/password_reset_sent.html")
password_reset_confirm = _PasswordResetConfirmView.as_view(
    form_class=NewPasswordForm,
    template_name="account/password_reset_confirm.html",
    success_url=reverse_lazy("account:password_reset_complete"),
)
password_reset_complete = PasswordResetCompleteView.as_view(template_name="account/password_reset_complete.html")


# --- Invitations -------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("password", "password_confirm")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join a partnership from an emailed link: newcomers choose a password, others sign in first."""
    invitation = invitation_for_token(token=token)
    if invitation is None:
        return render(request, "account/invitation_invalid.html", status=404)
    if invitee_has_password(invitation=invitation):
        return _invitation_accept_existing_account(request, token=token, invitation=invitation)
    return _invitation_accept_newcomer(request, token=token, invitation=invitation)


def _invitation_accept_newcomer(request: HttpRequest, *, token: str, invitation) -> HttpResponse:
    if request.method == "POST":
        form = InvitationNewcomerForm(request.POST)
    else:
        form = InvitationNewcomerForm(initial={"full_name": invitation.full_name})

    def welcome(membership) -> HttpResponse:
        auth_login(request, membership.person, backend=_PASSWORD_BACKEND)
        return redirect("partnership:home", slug=membership.partnership.slug)

    if done := form_action(
        request,
        form,
        lambda data: invitation_accept_as_newcomer(token=token, full_name=data["full_name"], password=data["password"]),
        message=lambda membership: f"Welcome to {membership.partnership.name}.",
        success=welcome,
    ):
        return done
    return render(request, "account/invitation_newcomer.html", {"invitation": invitation, "form": form})


def _invitation_accept_existing_account(request: HttpRequest, *, token: str, invitation) -> HttpResponse:
    signed_in_as_invitee = request.user.is_authenticated and request.user.email.lower() == invitation.email.lower()
    errors: list[str] = []
    if request.method == "POST" and signed_in_as_invitee:
        try:
            membership = invitation_accept_service(token=token, password=None, person=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Welcome to {membership.partnership.name}.")
            return redirect("partnership:home", slug=membership.partnership.slug)
    context = {
        "invitation": invitation,
        "signed_in_as_invitee": signed_in_as_invitee,
        "login_url": f"{reverse('account:login')}?{urlencode({'next': request.path})}",
        "errors": errors,
    }
    # Someone else's POST changes nothing; they see why, with the page's normal status.
    return render(request, "account/invitation_existing.html", context)


# --- API tokens --------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """List the person's API tokens, create one for a partnership (its key shown once), revoke one.

    A token for a partnership where the person's roles need a second factor is
    created only from a session that has passed it.
    """
    if person_needs_second_factor(person=request.user) and not request.user.is_verified():
        return second_factor_redirect(request)
    memberships = list(memberships_for_person(person=request.user))
    form = ApiTokenForm(memberships=memberships)
    issued = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            form = ApiTokenForm(request.POST, memberships=memberships)
            if form.is_valid():
                try:
                    issued = api_token_issue(
                        membership=form.cleaned_data["partnership"],
                        name=form.cleaned_data["name"],
                        days=form.cleaned_data["days"],
                        second_factor_passed=request.user.is_verified(),
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    form = ApiTokenForm(memberships=memberships)
        elif action == "revoke":
            token_id = request.POST.get("token", "")
            if token_id.isdigit() and api_token_revoke(person=request.user, token_id=int(token_id)):
                messages.success(request, "The token is revoked. Programs using it can no longer sign in.")
            else:
                messages.error(request, "That token was not found or was already revoked.")
            return redirect("account:api_token")
        else:
            return render(request, "errors/400.html", status=400)
    context = {
        "form": form,
        "issued": issued,
        "tokens": api_tokens_of_person(person=request.user),
        "has_memberships": bool(memberships),
    }
    return render(request, "account/api_token.html", context, status=400 if form.errors else 200)


# --- Items other partnerships share with me -------------------------------------------


@login_required
@never_cache
@require_GET
def shared_with_me(request: HttpRequest) -> HttpResponse:
    """Items shared with the person by name, by their own or another partnership, while the sharing is in force."""
    if person_needs_second_factor(person=request.user) and not request.user.is_verified():
        return second_factor_redirect(request)
    return render(request, "account/shared_list.html", {"grants": access_grants_in_force_for(person=request.user)})


@login_required
@never_cache
@require_GET
def shared_item(request: HttpRequest, grant_id: int) -> HttpResponse:
    """The granted fields of one shared item; each look is recorded for the owning partnership."""
    if person_needs_second_factor(person=request.user) and not request.user.is_verified():
        return second_factor_redirect(request)
    shown = access_grant_shown_to(person=request.user, grant_id=grant_id)
    access_grant_record_view(grant=shown.grant, person=request.user)
    return render(request, "account/shared_item.html", {"shown": shown})
