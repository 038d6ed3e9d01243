"""API under /api/v1/partnerships/<slug>/scrutiny/."""

from django.urls import path

from scrutiny.api import challenges as challenges_api
from scrutiny.api import dashboard as dashboard_api

app_name = "scrutiny_api"

urlpatterns: list = [
    path("partnerships/<slug:slug>/scrutiny/dashboard/", dashboard_api.DashboardView.as_view(), name="dashboard"),
    path(
        "partnerships/<slug:slug>/scrutiny/challenges/",
        challenges_api.ChallengeListView.as_view(),
        name="challenge_list",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/challenges/<int:challenge_id>/",
        challenges_api.ChallengeDetailView.as_view(),
        name="challenge_detail",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/challenges/<int:challenge_id>/respond/",
        challenges_api.ChallengeRespondView.as_view(),
        name="challenge_respond",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/challenges/<int:challenge_id>/accept/",
        challenges_api.ChallengeAcceptView.as_view(),
        name="challenge_accept",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/challenges/<int:challenge_id>/escalate/",
        challenges_api.ChallengeEscalateView.as_view(),
        name="challenge_escalate",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/challenges/<int:challenge_id>/close/",
        challenges_api.ChallengeCloseView.as_view(),
        name="challenge_close",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/challenges/<int:challenge_id>/recommendations/",
        challenges_api.ChallengeRecommendationsView.as_view(),
        name="challenge_recommendations",
    ),
]
