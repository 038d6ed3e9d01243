"""Sign-in, second factor, password reset, invitations, API tokens."""

from django.urls import path

from partnership.views import account

app_name = "account"

urlpatterns = [
    path("login/", account.login, name="login"),
    path("logout/", account.logout, name="logout"),
    path("two-factor/setup/", account.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", account.two_factor_verify, name="two_factor_verify"),
    path("password-reset/", account.password_reset, name="password_reset"),
    path("password-reset/sent/", account.password_reset_sent, name="password_reset_sent"),
    path("password-reset/<uidb64>/<token>/", account.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/done/", account.password_reset_complete, name="password_reset_complete"),
    path("invitation/<str:token>/", account.invitation_accept, name="invitation_accept"),
    path("api-token/", account.api_token, name="api_token"),
    path("shared/", account.shared_with_me, name="shared_with_me"),
    path("shared/<int:grant_id>/", account.shared_item, name="shared_item"),
]
