"""Pages under /p/<slug>/scrutiny/."""

from django.urls import path

from scrutiny import views
from scrutiny.views import challenges as challenge_views

app_name = "scrutiny"

urlpatterns: list = [
    path("scrutiny/", views.dashboard, name="dashboard"),
    path("scrutiny/overdue-actions/", views.overdue_actions, name="overdue_actions"),
    path("scrutiny/challenges/", challenge_views.challenge_list, name="challenge_list"),
    path("scrutiny/challenges/raise/", challenge_views.challenge_raise, name="challenge_raise"),
    path("scrutiny/challenges/<int:challenge_id>/", challenge_views.challenge_detail, name="challenge_detail"),
    path("scrutiny/challenges/<int:challenge_id>/edit/", challenge_views.challenge_edit, name="challenge_edit"),
    path(
        "scrutiny/challenges/<int:challenge_id>/respond/", challenge_views.challenge_respond, name="challenge_respond"
    ),
    path("scrutiny/challenges/<int:challenge_id>/accept/", challenge_views.challenge_accept, name="challenge_accept"),
    path(
        "scrutiny/challenges/<int:challenge_id>/escalate/",
        challenge_views.challenge_escalate,
        name="challenge_escalate",
    ),
    path("scrutiny/challenges/<int:challenge_id>/close/", challenge_views.challenge_close, name="challenge_close"),
    path(
        "scrutiny/challenges/<int:challenge_id>/recommend/",
        challenge_views.challenge_recommend,
        name="challenge_recommend",
    ),
    path("scrutiny/<slug:panel>.svg", views.panel_chart, name="panel_chart"),
    path("scrutiny/<slug:panel>.csv", views.panel_csv, name="panel_csv"),
]
