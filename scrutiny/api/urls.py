"""API under /api/v1/partnerships/<slug>/scrutiny/."""

from django.urls import path

from scrutiny.api import dashboard as dashboard_api

app_name = "scrutiny_api"

urlpatterns: list = [
    path("partnerships/<slug:slug>/scrutiny/dashboard/", dashboard_api.DashboardView.as_view(), name="dashboard"),
    path(
        "partnerships/<slug:slug>/scrutiny/dashboard/<slug:panel>/records/",
        dashboard_api.FigureRecordsView.as_view(),
        name="figure_records",
    ),
]
