"""Pages under /p/<slug>/scrutiny/."""

from django.urls import path

from scrutiny import views
from scrutiny.views import challenges as challenge_views
from scrutiny.views import datasets as datasets_views
from scrutiny.views import disagreements as disagreement_views
from scrutiny.views import plan as plan_views
from scrutiny.views import reports as report_views

app_name = "scrutiny"

_R = "scrutiny/reports/<int:scrutiny_report_id>/"
_A = "scrutiny/agency-reports/<int:agency_report_id>/"

urlpatterns: list = [
    path("scrutiny/", views.dashboard, name="dashboard"),
    path("scrutiny/overdue-actions/", views.overdue_actions, name="overdue_actions"),
    # Quarterly data sets (datasets_views.py); before the panels' <slug> routes, which would not match them anyway.
    path("scrutiny/data-sets/", datasets_views.datasets_home, name="datasets"),
    path("scrutiny/data-sets/upload/", datasets_views.values_upload, name="dataset_upload"),
    path("scrutiny/data-sets/indicators/new/", datasets_views.indicator_new, name="dataset_indicator_new"),
    path(
        "scrutiny/data-sets/indicators/<int:indicator_id>/", datasets_views.indicator_detail, name="dataset_indicator"
    ),
    path(
        "scrutiny/data-sets/indicators/<int:indicator_id>/edit/",
        datasets_views.indicator_edit,
        name="dataset_indicator_edit",
    ),
    path(
        "scrutiny/data-sets/indicators/<int:indicator_id>/trend.svg",
        datasets_views.indicator_chart,
        name="dataset_indicator_chart",
    ),
    path(
        "scrutiny/data-sets/indicators/<int:indicator_id>/trend.csv",
        datasets_views.indicator_csv,
        name="dataset_indicator_csv",
    ),
    path(
        "scrutiny/data-sets/indicators/<int:indicator_id>/trend.xlsx",
        datasets_views.indicator_xlsx,
        name="dataset_indicator_xlsx",
    ),
    path("scrutiny/data-sets/quarters/<str:quarter>/", datasets_views.quarter_detail, name="dataset_quarter"),
    path("scrutiny/data-sets/quarters/<str:quarter>.csv", datasets_views.quarter_csv, name="dataset_quarter_csv"),
    path("scrutiny/data-sets/quarters/<str:quarter>.xlsx", datasets_views.quarter_xlsx, name="dataset_quarter_xlsx"),
    path(
        "scrutiny/data-sets/quarters/<str:quarter>/figures/<str:agency>/",
        datasets_views.values_enter,
        name="dataset_values_enter",
    ),
    path(
        "scrutiny/data-sets/quarters/<str:quarter>/analyses/<int:agency_id>/",
        datasets_views.analysis_edit,
        name="dataset_analysis",
    ),
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
    path("scrutiny/<slug:panel>/records/", views.panel_records, name="panel_records"),
    path("scrutiny/<slug:panel>.svg", views.panel_chart, name="panel_chart"),
    path("scrutiny/<slug:panel>.csv", views.panel_csv, name="panel_csv"),
    # The quarterly scrutiny reports and the annual report.
    path("scrutiny/reports/", report_views.report_list, name="report_list"),
    path(_R, report_views.report_detail, name="report_detail"),
    path(_R + "narrative/add/", report_views.narrative_add, name="narrative_add"),
    path(_R + "narrative/<int:report_narrative_id>/", report_views.narrative_edit, name="narrative_edit"),
    path(_R + "narrative/<int:report_narrative_id>/remove/", report_views.narrative_remove, name="narrative_remove"),
    path(_R + "publish/", report_views.report_publish, name="report_publish"),
    path(_R + "draft/", report_views.report_reopen, name="report_reopen"),
    path(_R + "render/", report_views.report_render_view, name="report_render"),
    path(_R + "versions/", report_views.report_versions, name="report_versions"),
    path(
        _R + "versions/<int:report_version_id>/docx/",
        report_views.report_version_docx,
        name="report_version_docx",
    ),
    # The annual reports the agencies owe the partnership.
    path("scrutiny/agency-reports/", report_views.agency_report_list, name="agency_report_list"),
    path(_A, report_views.agency_report_detail, name="agency_report_detail"),
    path(_A + "receive/", report_views.agency_report_receive, name="agency_report_receive"),
    path(_A + "summary/", report_views.agency_report_summary, name="agency_report_summary"),
    path(_A + "file/", report_views.agency_report_file, name="agency_report_file"),
]

# The scrutineer's annual plan (issue 17, item 6).
_PLAN = "scrutiny/plan/<int:scrutiny_plan_id>/"
_ACTIVITY = "scrutiny/plan/activities/<int:plan_activity_id>/"
urlpatterns += [
    path("scrutiny/plan/", plan_views.plan_list, name="plan_list"),
    path("scrutiny/plan/start/", plan_views.plan_start, name="plan_start"),
    path(_PLAN, plan_views.plan_detail, name="plan_detail"),
    path(f"{_PLAN}move/", plan_views.plan_move, name="plan_move"),
    path(f"{_PLAN}activities/", plan_views.activity_add, name="plan_activity_add"),
    path(_ACTIVITY, plan_views.activity_detail, name="plan_activity"),
    path(f"{_ACTIVITY}move/", plan_views.activity_move, name="plan_activity_move"),
    path(f"{_ACTIVITY}evidence/", plan_views.evidence_add, name="plan_evidence_add"),
    path(
        f"{_ACTIVITY}evidence/<int:evidence_link_id>/remove/", plan_views.evidence_remove, name="plan_evidence_remove"
    ),
    path(f"{_ACTIVITY}recommendations/", plan_views.recommendation_raise, name="plan_recommendation_raise"),
]

# Professional disagreements between agencies (issue 17, item 7).
_DISAGREEMENT = "scrutiny/disagreements/<int:disagreement_id>/"
urlpatterns += [
    path("scrutiny/disagreements/", disagreement_views.disagreement_list, name="disagreement_list"),
    path("scrutiny/disagreements/new/", disagreement_views.disagreement_create, name="disagreement_create"),
    path(_DISAGREEMENT, disagreement_views.disagreement_detail, name="disagreement_detail"),
    path(f"{_DISAGREEMENT}escalate/", disagreement_views.disagreement_escalate, name="disagreement_escalate"),
    path(f"{_DISAGREEMENT}resolve/", disagreement_views.disagreement_resolve, name="disagreement_resolve"),
]
