"""Pages under /p/<slug>/scrutiny/."""

from django.urls import path

from scrutiny import views, views_datasets

app_name = "scrutiny"

urlpatterns: list = [
    path("scrutiny/", views.dashboard, name="dashboard"),
    path("scrutiny/overdue-actions/", views.overdue_actions, name="overdue_actions"),
    # Quarterly data sets (views_datasets.py); before the panels' <slug> routes, which would not match them anyway.
    path("scrutiny/data-sets/", views_datasets.datasets_home, name="datasets"),
    path("scrutiny/data-sets/upload/", views_datasets.values_upload, name="dataset_upload"),
    path("scrutiny/data-sets/indicators/new/", views_datasets.indicator_new, name="dataset_indicator_new"),
    path(
        "scrutiny/data-sets/indicators/<int:indicator_id>/", views_datasets.indicator_detail, name="dataset_indicator"
    ),
    path(
        "scrutiny/data-sets/indicators/<int:indicator_id>/edit/",
        views_datasets.indicator_edit,
        name="dataset_indicator_edit",
    ),
    path(
        "scrutiny/data-sets/indicators/<int:indicator_id>/trend.svg",
        views_datasets.indicator_chart,
        name="dataset_indicator_chart",
    ),
    path(
        "scrutiny/data-sets/indicators/<int:indicator_id>/trend.csv",
        views_datasets.indicator_csv,
        name="dataset_indicator_csv",
    ),
    path("scrutiny/data-sets/quarters/<str:quarter>/", views_datasets.quarter_detail, name="dataset_quarter"),
    path("scrutiny/data-sets/quarters/<str:quarter>.csv", views_datasets.quarter_csv, name="dataset_quarter_csv"),
    path(
        "scrutiny/data-sets/quarters/<str:quarter>/figures/<str:agency>/",
        views_datasets.values_enter,
        name="dataset_values_enter",
    ),
    path(
        "scrutiny/data-sets/quarters/<str:quarter>/analyses/<int:agency_id>/",
        views_datasets.analysis_edit,
        name="dataset_analysis",
    ),
    path("scrutiny/<slug:panel>.svg", views.panel_chart, name="panel_chart"),
    path("scrutiny/<slug:panel>.csv", views.panel_csv, name="panel_csv"),
]
