"""Pages under /p/<slug>/scrutiny/."""

from django.urls import path

from scrutiny import views

app_name = "scrutiny"

urlpatterns: list = [
    path("scrutiny/", views.dashboard, name="dashboard"),
    path("scrutiny/overdue-actions/", views.overdue_actions, name="overdue_actions"),
    path("scrutiny/<slug:panel>/records/", views.panel_records, name="panel_records"),
    path("scrutiny/<slug:panel>.svg", views.panel_chart, name="panel_chart"),
    path("scrutiny/<slug:panel>.csv", views.panel_csv, name="panel_csv"),
]
