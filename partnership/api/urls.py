"""API v1 routes. Every path below a partnership carries its slug; the kwarg names are the contract."""

from django.urls import path, re_path

from partnership.api import tokens, views

app_name = "api"

urlpatterns = [
    path("partnerships/", views.PartnershipListView.as_view(), name="partnership_list"),
    path("partnerships/<slug:slug>/", views.PartnershipDetailView.as_view(), name="partnership_detail"),
    path("partnerships/<slug:slug>/agencies/", views.AgencyListView.as_view(), name="agency_list"),
    path(
        "partnerships/<slug:slug>/agencies/<int:agency_id>/",
        views.AgencyDetailView.as_view(),
        name="agency_detail",
    ),
    path("partnerships/<slug:slug>/members/", views.MemberListView.as_view(), name="member_list"),
    path(
        "partnerships/<slug:slug>/members/<int:membership_id>/",
        views.MemberDetailView.as_view(),
        name="member_detail",
    ),
    path(
        "partnerships/<slug:slug>/service-accounts/",
        tokens.ServiceAccountListView.as_view(),
        name="service_account_list",
    ),
    path(
        "partnerships/<slug:slug>/members/<int:membership_id>/api-tokens/",
        tokens.MemberApiTokenListView.as_view(),
        name="member_api_token_list",
    ),
    path(
        "partnerships/<slug:slug>/members/<int:membership_id>/api-tokens/<int:token_id>/revoke/",
        tokens.MemberApiTokenRevokeView.as_view(),
        name="member_api_token_revoke",
    ),
    path("partnerships/<slug:slug>/working-days/", views.WorkingDaysView.as_view(), name="working_days"),
    # Any other path ending in a slash (a malformed slug or id included) gets the API's JSON 404;
    # slashless ones are still redirected by APPEND_SLASH. [\s\S], not ".": a path with a newline
    # (%0A) in it must match too, or it falls through to the site's HTML 404.
    re_path(r"^(?:[\s\S]*/)?$", views.not_found),
]
