"""API v1 routes. Every path below a partnership carries its slug; the kwarg names are the contract."""

from django.urls import path, re_path

from partnership.api import action_plans, documents, exports, manage, signoff, tasks, tokens, views
from partnership.api import priorities as priority_api
from partnership.api import recommendations as recommendation_api

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
        "partnerships/<slug:slug>/members/<int:membership_id>/deactivate/",
        manage.MemberDeactivateView.as_view(),
        name="member_deactivate",
    ),
    path(
        "partnerships/<slug:slug>/members/<int:membership_id>/reactivate/",
        manage.MemberReactivateView.as_view(),
        name="member_reactivate",
    ),
    path(
        "partnerships/<slug:slug>/members/<int:membership_id>/reset-second-factor/",
        manage.MemberSecondFactorResetView.as_view(),
        name="member_reset_second_factor",
    ),
    path("partnerships/<slug:slug>/invitations/", manage.InvitationListView.as_view(), name="invitation_list"),
    path(
        "partnerships/<slug:slug>/invitations/<int:invitation_id>/",
        manage.InvitationDetailView.as_view(),
        name="invitation_detail",
    ),
    path(
        "partnerships/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        manage.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("partnerships/<slug:slug>/settings/", manage.PartnershipSettingsView.as_view(), name="settings"),
    path("partnerships/<slug:slug>/closure-days/", manage.ClosureDayListView.as_view(), name="closure_day_list"),
    path(
        "partnerships/<slug:slug>/closure-days/<int:closure_day_id>/",
        manage.ClosureDayDetailView.as_view(),
        name="closure_day_detail",
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
    path("partnerships/<slug:slug>/tasks/", tasks.MyTaskListView.as_view(), name="my_tasks"),
    path("partnerships/<slug:slug>/sign-offs/<int:sign_off_id>/", signoff.SignOffDetailView.as_view(), name="sign_off"),
    path(
        "partnerships/<slug:slug>/sign-offs/<int:sign_off_id>/approve/",
        signoff.SignOffApproveView.as_view(),
        name="sign_off_approve",
    ),
    path(
        "partnerships/<slug:slug>/sign-offs/<int:sign_off_id>/send-back/",
        signoff.SignOffSendBackView.as_view(),
        name="sign_off_send_back",
    ),
    path(
        "partnerships/<slug:slug>/documents/<int:version_id>/",
        documents.DocumentVersionView.as_view(),
        name="document_version",
    ),
    path(
        "partnerships/<slug:slug>/documents/<int:version_id>/download/",
        documents.DocumentDownloadView.as_view(),
        name="document_download",
    ),
    path("partnerships/<slug:slug>/exports/", exports.ExportRequestView.as_view(), name="export_request"),
    path("partnerships/<slug:slug>/exports/<int:job_id>/", exports.ExportJobView.as_view(), name="export_job"),
    path(
        "partnerships/<slug:slug>/exports/<int:job_id>/retry/", exports.ExportRetryView.as_view(), name="export_retry"
    ),
    path(
        "partnerships/<slug:slug>/exports/<int:job_id>/download/",
        exports.ExportDownloadView.as_view(),
        name="export_download",
    ),
    # Recommendations, rounds put to the partners, learning themes, dissemination records.
    path(
        "partnerships/<slug:slug>/recommendations/",
        recommendation_api.RecommendationListView.as_view(),
        name="recommendation_list",
    ),
    path(
        "partnerships/<slug:slug>/recommendations/<int:recommendation_id>/",
        recommendation_api.RecommendationDetailView.as_view(),
        name="recommendation_detail",
    ),
    path(
        "partnerships/<slug:slug>/recommendations/<int:recommendation_id>/close/",
        recommendation_api.RecommendationCloseView.as_view(),
        name="recommendation_close",
    ),
    path(
        "partnerships/<slug:slug>/recommendations/<int:recommendation_id>/themes/",
        recommendation_api.RecommendationThemesView.as_view(),
        name="recommendation_themes",
    ),
    path(
        "partnerships/<slug:slug>/recommendation-rounds/",
        recommendation_api.RoundListView.as_view(),
        name="recommendation_round_list",
    ),
    path(
        "partnerships/<slug:slug>/recommendation-rounds/<int:round_id>/",
        recommendation_api.RoundDetailView.as_view(),
        name="recommendation_round_detail",
    ),
    path("partnerships/<slug:slug>/priorities/", priority_api.PriorityListView.as_view(), name="priority_list"),
    path(
        "partnerships/<slug:slug>/priorities/<int:priority_id>/",
        priority_api.PriorityDetailView.as_view(),
        name="priority_detail",
    ),
    path("partnerships/<slug:slug>/learning-themes/", recommendation_api.ThemeListView.as_view(), name="theme_list"),
    path(
        "partnerships/<slug:slug>/learning-themes/<int:theme_id>/",
        recommendation_api.ThemeDetailView.as_view(),
        name="theme_detail",
    ),
    path(
        "partnerships/<slug:slug>/learning-themes/<int:theme_id>/retire/",
        recommendation_api.ThemeRetireView.as_view(),
        name="theme_retire",
    ),
    path(
        "partnerships/<slug:slug>/disseminations/",
        recommendation_api.DisseminationListView.as_view(),
        name="dissemination_list",
    ),
    path(
        "partnerships/<slug:slug>/disseminations/<int:dissemination_id>/",
        recommendation_api.DisseminationDetailView.as_view(),
        name="dissemination_detail",
    ),
    path(
        "partnerships/<slug:slug>/disseminations/<int:dissemination_id>/file/",
        recommendation_api.DisseminationFileView.as_view(),
        name="dissemination_file",
    ),
    # Action plans, actions, progress with evidence, and the board's progress reports (issue 9, part B).
    *[
        path(f"partnerships/<slug:slug>/{route}", view.as_view(), name=name)
        for route, view, name in (
            ("recommendations/<int:recommendation_id>/action-plan/", action_plans.ActionPlanView, "action_plan"),
            (
                "recommendations/<int:recommendation_id>/action-plan/agree/",
                action_plans.ActionPlanAgreeView,
                "action_plan_agree",
            ),
            (
                "recommendations/<int:recommendation_id>/action-plan/reorder/",
                action_plans.ActionPlanReorderView,
                "action_plan_reorder",
            ),
            (
                "recommendations/<int:recommendation_id>/action-plan/complete/",
                action_plans.ActionPlanCompleteView,
                "action_plan_complete",
            ),
            (
                "recommendations/<int:recommendation_id>/action-plan/close/",
                action_plans.ActionPlanCloseView,
                "action_plan_close",
            ),
            (
                "recommendations/<int:recommendation_id>/action-plan/reopen/",
                action_plans.ActionPlanReopenView,
                "action_plan_reopen",
            ),
            ("actions/", action_plans.ActionListView, "action_list"),
            ("actions/<int:action_id>/", action_plans.ActionDetailView, "action_detail"),
            ("actions/<int:action_id>/complete/", action_plans.ActionCompleteView, "action_complete"),
            ("actions/<int:action_id>/updates/", action_plans.ActionUpdateListView, "action_update_list"),
            (
                "actions/<int:action_id>/evidence/<int:file_id>/",
                action_plans.ActionEvidenceDownloadView,
                "action_evidence_download",
            ),
            ("progress-reports/", action_plans.ProgressReportListView, "progress_report_list"),
            ("progress-reports/<int:report_id>/", action_plans.ProgressReportDetailView, "progress_report_detail"),
            ("progress-reports/<int:report_id>/pdf/", action_plans.ProgressReportPdfView, "progress_report_pdf"),
            ("progress-reports/<int:report_id>/docx/", action_plans.ProgressReportDocxView, "progress_report_docx"),
        )
    ],
    # Any other path ending in a slash (a malformed slug or id included) gets the API's JSON 404;
    # slashless ones are still redirected by APPEND_SLASH. [\s\S], not ".": a path with a newline
    # (%0A) in it must match too, or it falls through to the site's HTML 404.
    re_path(r"^(?:[\s\S]*/)?$", views.not_found),
]
