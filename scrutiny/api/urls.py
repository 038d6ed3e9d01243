"""API under /api/v1/partnerships/<slug>/scrutiny/."""

from django.urls import path

from scrutiny.api import challenges as challenges_api
from scrutiny.api import dashboard as dashboard_api
from scrutiny.api import datasets as datasets_api
from scrutiny.api import disagreements as disagreements_api
from scrutiny.api import plan as plan_api
from scrutiny.api import reports as reports_api

app_name = "scrutiny_api"

_S = "partnerships/<slug:slug>/scrutiny/"
_R = _S + "reports/<int:scrutiny_report_id>/"
_A = _S + "agency-reports/<int:agency_report_id>/"

urlpatterns: list = [
    path("partnerships/<slug:slug>/scrutiny/dashboard/", dashboard_api.DashboardView.as_view(), name="dashboard"),
    path(
        "partnerships/<slug:slug>/scrutiny/dashboard/<slug:panel>/records/",
        dashboard_api.FigureRecordsView.as_view(),
        name="figure_records",
    ),
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

# The scrutineer's annual plan (issue 17, item 6).
_S = "partnerships/<slug:slug>/scrutiny/"
_PLAN = _S + "plans/<int:scrutiny_plan_id>/"
_ACTIVITY = _S + "activities/<int:plan_activity_id>/"
urlpatterns += [
    path(_S + "plans/", plan_api.PlanListView.as_view(), name="plan_list"),
    path(_PLAN, plan_api.PlanDetailView.as_view(), name="plan_detail"),
    path(_PLAN + "move/", plan_api.PlanMoveView.as_view(), name="plan_move"),
    path(_PLAN + "activities/", plan_api.ActivityListView.as_view(), name="plan_activity_list"),
    path(_ACTIVITY, plan_api.ActivityDetailView.as_view(), name="plan_activity"),
    path(_ACTIVITY + "move/", plan_api.ActivityMoveView.as_view(), name="plan_activity_move"),
    path(_ACTIVITY + "evidence/", plan_api.EvidenceListView.as_view(), name="plan_evidence_list"),
    path(
        _ACTIVITY + "evidence/<int:evidence_link_id>/",
        plan_api.EvidenceDetailView.as_view(),
        name="plan_evidence_detail",
    ),
    path(_ACTIVITY + "recommendations/", plan_api.RecommendationRaiseView.as_view(), name="plan_recommendation_raise"),
]

# Professional disagreements between agencies (issue 17, item 7).
_D = _S + "disagreements/"
urlpatterns += [
    path(_D, disagreements_api.DisagreementListView.as_view(), name="disagreement_list"),
    path(_D + "figures/", disagreements_api.DisagreementFiguresView.as_view(), name="disagreement_figures"),
    path(_D + "<int:disagreement_id>/", disagreements_api.DisagreementDetailView.as_view(), name="disagreement_detail"),
    path(
        _D + "<int:disagreement_id>/escalate/",
        disagreements_api.DisagreementEscalateView.as_view(),
        name="disagreement_escalate",
    ),
    path(
        _D + "<int:disagreement_id>/resolve/",
        disagreements_api.DisagreementResolveView.as_view(),
        name="disagreement_resolve",
    ),
]

urlpatterns += [
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
    # The quarterly scrutiny reports and the annual report.
    path(_S + "reports/", reports_api.ReportListView.as_view(), name="report_list"),
    path(_R, reports_api.ReportDetailView.as_view(), name="report_detail"),
    path(_R + "publish/", reports_api.ReportPublishView.as_view(), name="report_publish"),
    path(_R + "draft/", reports_api.ReportDraftView.as_view(), name="report_draft"),
    path(_R + "narrative/", reports_api.NarrativeListView.as_view(), name="narrative_list"),
    path(
        _R + "narrative/<int:report_narrative_id>/", reports_api.NarrativeDetailView.as_view(), name="narrative_detail"
    ),
    path(_R + "render/", reports_api.ReportRenderView.as_view(), name="report_render"),
    path(_R + "versions/", reports_api.ReportVersionsView.as_view(), name="report_versions"),
    path(
        _R + "versions/<int:report_version_id>/docx/",
        reports_api.ReportVersionDocxView.as_view(),
        name="report_version_docx",
    ),
    # The annual reports agencies owe the partnership.
    path(_S + "agency-reports/", reports_api.AgencyReportListView.as_view(), name="agency_report_list"),
    path(_A, reports_api.AgencyReportDetailView.as_view(), name="agency_report_detail"),
    path(_A + "receive/", reports_api.AgencyReportReceiveView.as_view(), name="agency_report_receive"),
    path(_A + "file/", reports_api.AgencyReportFileView.as_view(), name="agency_report_file"),
]
