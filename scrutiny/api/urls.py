"""API under /api/v1/partnerships/<slug>/scrutiny/."""

from django.urls import path

from scrutiny.api import dashboard as dashboard_api
from scrutiny.api import datasets as datasets_api

app_name = "scrutiny_api"

urlpatterns: list = [
    path("partnerships/<slug:slug>/scrutiny/dashboard/", dashboard_api.DashboardView.as_view(), name="dashboard"),
    # Quarterly data sets (datasets.py).
    path(
        "partnerships/<slug:slug>/scrutiny/data-sets/indicators/",
        datasets_api.IndicatorListView.as_view(),
        name="dataset_indicators",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/data-sets/indicators/<int:indicator_id>/",
        datasets_api.IndicatorDetailView.as_view(),
        name="dataset_indicator",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/data-sets/indicators/<int:indicator_id>/trend/",
        datasets_api.IndicatorTrendView.as_view(),
        name="dataset_indicator_trend",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/data-sets/values/",
        datasets_api.ValueListView.as_view(),
        name="dataset_values",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/data-sets/values/upload/",
        datasets_api.ValueUploadView.as_view(),
        name="dataset_values_upload",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/data-sets/values/<int:value_id>/",
        datasets_api.ValueDetailView.as_view(),
        name="dataset_value",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/data-sets/analyses/",
        datasets_api.AnalysisListView.as_view(),
        name="dataset_analyses",
    ),
    path(
        "partnerships/<slug:slug>/scrutiny/data-sets/analyses/<int:analysis_id>/",
        datasets_api.AnalysisDetailView.as_view(),
        name="dataset_analysis",
    ),
]
