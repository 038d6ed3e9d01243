"""Pages under /p/<slug>/: every view here is wrapped by ``partnership_view``."""

from django.urls import path

from partnership.views import action_plans as plan_views
from partnership.views import documents as document_views
from partnership.views import exports as export_views
from partnership.views import home, manage, working_days
from partnership.views import priorities as priority_views
from partnership.views import recommendations as recommendation_views
from partnership.views import signoff as signoff_views
from partnership.views import tasks as task_views

app_name = "partnership"

urlpatterns = [
    path("", home.partnership_home, name="home"),
    path("tasks/", task_views.my_tasks, name="my_tasks"),
    path("working-days/", working_days.working_days, name="working_days"),
    # Business managers' administration pages.
    path("manage/agencies/", manage.agency_list, name="agency_list"),
    path("manage/agencies/new/", manage.agency_create, name="agency_create"),
    path("manage/agencies/<int:agency_id>/", manage.agency_detail, name="agency_detail"),
    path("manage/members/", manage.member_list, name="member_list"),
    path("manage/members/<int:membership_id>/", manage.member_detail, name="member_detail"),
    path("manage/members/<int:membership_id>/deactivate/", manage.member_deactivate, name="member_deactivate"),
    path("manage/members/<int:membership_id>/reactivate/", manage.member_reactivate, name="member_reactivate"),
    path(
        "manage/members/<int:membership_id>/reset-second-factor/",
        manage.member_reset_second_factor,
        name="member_reset_second_factor",
    ),
    path(
        "manage/members/<int:membership_id>/api-tokens/<int:token_id>/revoke/",
        manage.member_api_token_revoke,
        name="member_api_token_revoke",
    ),
    path("manage/service-accounts/new/", manage.service_account_create, name="service_account_create"),
    path(
        "manage/members/<int:membership_id>/api-tokens/new/",
        manage.service_account_token_create,
        name="service_account_token_create",
    ),
    path("manage/sharing/", manage.sharing_list, name="sharing_list"),
    path("manage/sharing/new/", manage.sharing_create, name="sharing_create"),
    path("manage/sharing/<int:grant_id>/", manage.sharing_detail, name="sharing_detail"),
    path("manage/invitations/new/", manage.invitation_create, name="invitation_create"),
    path("manage/invitations/<int:invitation_id>/revoke/", manage.invitation_revoke, name="invitation_revoke"),
    path("manage/settings/", manage.settings, name="settings"),
    path(
        "manage/settings/closure-days/<int:closure_day_id>/delete/",
        manage.closure_day_delete,
        name="closure_day_delete",
    ),
    # Three-partner sign-off of any subject (decisions, recommendations...).
    path("sign-offs/<int:sign_off_id>/", signoff_views.sign_off_detail, name="sign_off_detail"),
    # Recommendations: the register, one recommendation, rounds put to the partners, themes, dissemination.
    path("recommendations/", recommendation_views.recommendation_register, name="recommendation_register"),
    path("recommendations/export/", recommendation_views.recommendation_export, name="recommendation_export"),
    path("recommendations/new/", recommendation_views.recommendation_create, name="recommendation_create"),
    path(
        "recommendations/<int:recommendation_id>/",
        recommendation_views.recommendation_detail,
        name="recommendation_detail",
    ),
    path(
        "recommendations/<int:recommendation_id>/edit/",
        recommendation_views.recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "recommendations/<int:recommendation_id>/themes/",
        recommendation_views.recommendation_themes,
        name="recommendation_themes",
    ),
    path(
        "recommendations/<int:recommendation_id>/close/",
        recommendation_views.recommendation_close,
        name="recommendation_close",
    ),
    path(
        "recommendations/rounds/new/",
        recommendation_views.recommendation_round_create,
        name="recommendation_round_create",
    ),
    path(
        "recommendations/rounds/<int:round_id>/",
        recommendation_views.recommendation_round_detail,
        name="recommendation_round_detail",
    ),
    path("priorities/", priority_views.priority_list_page, name="priority_list"),
    path("priorities/<int:priority_id>/edit/", priority_views.priority_edit, name="priority_edit"),
    path("learning-themes/", recommendation_views.theme_list, name="theme_list"),
    path("learning-themes/<int:theme_id>/", recommendation_views.theme_detail, name="theme_detail"),
    path("learning-themes/<int:theme_id>/edit/", recommendation_views.theme_edit, name="theme_edit"),
    path("disseminations/new/", recommendation_views.dissemination_create, name="dissemination_create"),
    path(
        "disseminations/<int:dissemination_id>/file/",
        recommendation_views.dissemination_file,
        name="dissemination_file",
    ),
    path(
        "disseminations/<int:dissemination_id>/delete/",
        recommendation_views.dissemination_delete,
        name="dissemination_delete",
    ),
    # PDFs rendered by the worker: progress, then the download.
    path("documents/<int:version_id>/", document_views.document_status, name="document_status"),
    path("documents/<int:version_id>/download/", document_views.document_download, name="document_download"),
    # Spreadsheets written by the worker: progress, then the download (or "try again").
    path("exports/<int:job_id>/", export_views.export_status, name="export_status"),
    path("exports/<int:job_id>/download/", export_views.export_download_view, name="export_download"),
    path("exports/<int:job_id>/retry/", export_views.export_retry_view, name="export_retry"),
]

# Action plans, their actions' progress and evidence, and the board's progress reports (issue 9, part B).
_PLAN = "recommendations/<int:recommendation_id>/action-plan/"
urlpatterns += [
    path(_PLAN, plan_views.action_plan_detail, name="action_plan_detail"),
    path(f"{_PLAN}agree/", plan_views.action_plan_agree, name="action_plan_agree"),
    path(f"{_PLAN}actions/new/", plan_views.action_create, name="action_create"),
    path(f"{_PLAN}complete/", plan_views.recommendation_complete, name="action_plan_complete"),
    path(f"{_PLAN}close/", plan_views.recommendation_close_completed, name="action_plan_close"),
    path(f"{_PLAN}reopen/", plan_views.recommendation_reopen, name="action_plan_reopen"),
    path("actions/<int:action_id>/", plan_views.action_detail, name="action_detail"),
    path("actions/<int:action_id>/edit/", plan_views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/remove/", plan_views.action_remove, name="action_remove"),
    path("actions/<int:action_id>/move/", plan_views.action_move, name="action_move"),
    path("actions/<int:action_id>/complete/", plan_views.action_complete, name="action_complete"),
    path(
        "actions/<int:action_id>/evidence/<int:file_id>/",
        plan_views.action_evidence_download,
        name="action_evidence_download",
    ),
    path("progress-reports/", plan_views.progress_report_list_view, name="progress_report_list"),
    path("progress-reports/<int:report_id>/", plan_views.progress_report_detail, name="progress_report_detail"),
    path("progress-reports/<int:report_id>/docx/", plan_views.progress_report_docx, name="progress_report_docx"),
]
