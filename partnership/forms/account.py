"""Forms of the account pages: sign in, second factor, password reset, invitations."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.urls import reverse

from partnership.forms.base import AccessibleFormMixin

# Advice shown beside the field (not a password: S105 is a false positive).
PASSWORD_HINT = (
    "At least 12 characters. Avoid common passwords, ones made only of numbers and ones like your name or email. "  # noqa: S105
    "A few unrelated words make a strong password that is easy to remember."
)


class SignInForm(AccessibleFormMixin, AuthenticationForm):
    """Email and password, checked by ``authenticate`` so django-axes counts each failure.

    The field keeps Django's name ``username`` (settings.AXES_USERNAME_FORM_FIELD).
    One message for every failure: it never says whether the address has an account.
    """

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "Enter a correct email address and password.",
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case; axes must count "Bm@x" and "bm@x" as one account.
        return self.cleaned_data["username"].strip().lower()


class SecondFactorSetupForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for Learning Loop. It changes every 30 seconds.",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )


class SecondFactorVerifyForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text=(
            "The 6-digit code from your authenticator app. "
            "If you do not have your phone, enter one of your 8-character backup codes."
        ),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        error_messages={"required": "Enter the 6-digit code from your authenticator app, or a backup code."},
    )


class PasswordResetRequestForm(AccessibleFormMixin, PasswordResetForm):
    """Django's reset form, with the link in the email built from ``settings.SITE_URL``.

    The request's Host header is never trusted for a link that carries a
    reset token.
    """

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address you sign in with. If it has an account, we will email a link to reset your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs) -> None:
        path = reverse("account:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        context = {**context, "reset_url": settings.SITE_URL + path}
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class NewPasswordForm(AccessibleFormMixin, SetPasswordForm):
    """Choose a new password after following a reset link."""

    error_messages = {"password_mismatch": "The two passwords do not match. Enter the same password twice."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = PASSWORD_HINT
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password1"].error_messages["required"] = "Enter a new password."
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again."

    def clean(self) -> dict:
        # Django puts the validators' messages on the confirmation box; they belong next to the password itself.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class InvitationNewcomerForm(AccessibleFormMixin, forms.Form):
    """A newcomer's name and password. The password validators run in the service."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="As colleagues in the partnership know you.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your full name."},
    )
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text=PASSWORD_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password."},
    )
    password_confirm = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again."},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", "The two passwords do not match. Enter the same password twice.")
        return cleaned


class ApiTokenForm(AccessibleFormMixin, forms.Form):
    """A new API token: which partnership it acts in, what it is for, how long it lasts."""

    partnership = forms.ChoiceField(
        label="Partnership",
        help_text="A token acts in one partnership only, with your roles there.",
    )
    name = forms.CharField(
        label="What will use it",
        max_length=100,
        help_text="For example 'Power BI report'. You will see it in the list of your tokens.",
    )
    days = forms.TypedChoiceField(
        label="How long it lasts",
        coerce=int,
        widget=forms.RadioSelect,
        initial=90,
        choices=[(30, "30 days"), (90, "90 days"), (365, "A year")],
    )

    def __init__(self, *args, memberships, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.partnership.slug): m for m in memberships}
        self.fields["partnership"].choices = [(slug, m.partnership.name) for slug, m in self.memberships.items()]
        if len(self.memberships) == 1:
            self.fields["partnership"].initial = next(iter(self.memberships))

    def clean_partnership(self):
        return self.memberships[self.cleaned_data["partnership"]]
