"""The API does what the pages do: every page under /p/<slug>/, and every action posted to one, has an API
operation, or is listed below as having no API meaning (with the reason).

The page routes and the methods each accepts are read from the URL resolver and
the views' ``require_http_methods`` decorators, so a page or a POST action
added later fails here, by name, until the API can do it too (or the allow-list
says why it never will). The API operations named are checked against the
OpenAPI schema, so a renamed or removed operation fails here as well.
"""

from __future__ import annotations

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.isolation.test_tenancy_sweep import ALL_ROUTES, Route

PAGE_PREFIX = "p/<slug:slug>/"
HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}

# (page route, method) → the API operations that do the same, as (API route name, method).
PAGE_TO_API: dict[tuple[str, str], list[tuple[str, str]]] = {
    # --- The kernel: the partnership, tasks, administration, sign-off, documents.
    ("partnership:home", "GET"): [("api:partnership_detail", "GET")],
    ("partnership:my_tasks", "GET"): [("api:my_tasks", "GET")],
    ("partnership:working_days", "GET"): [("api:working_days", "GET")],
    ("partnership:agency_list", "GET"): [("api:agency_list", "GET")],
    ("partnership:agency_create", "GET"): [("api:agency_list", "GET")],
    ("partnership:agency_create", "POST"): [("api:agency_list", "POST")],
    ("partnership:agency_detail", "GET"): [("api:agency_detail", "GET")],
    ("partnership:agency_detail", "POST"): [("api:agency_detail", "PATCH")],
    ("partnership:member_list", "GET"): [("api:member_list", "GET"), ("api:invitation_list", "GET")],
    ("partnership:member_detail", "GET"): [("api:member_detail", "GET")],
    ("partnership:member_detail", "POST"): [("api:member_detail", "PATCH")],
    ("partnership:member_deactivate", "POST"): [("api:member_deactivate", "POST")],
    ("partnership:member_reactivate", "POST"): [("api:member_reactivate", "POST")],
    ("partnership:member_reset_second_factor", "POST"): [("api:member_reset_second_factor", "POST")],
    ("partnership:member_api_token_revoke", "POST"): [("api:member_api_token_revoke", "POST")],
    ("partnership:service_account_create", "GET"): [("api:service_account_list", "GET")],
    ("partnership:service_account_create", "POST"): [("api:service_account_list", "POST")],
    ("partnership:service_account_token_create", "POST"): [("api:member_api_token_list", "POST")],
    ("partnership:invitation_create", "GET"): [("api:invitation_list", "GET")],
    ("partnership:invitation_create", "POST"): [("api:invitation_list", "POST")],
    ("partnership:invitation_revoke", "POST"): [("api:invitation_revoke", "POST")],
    ("partnership:settings", "GET"): [("api:settings", "GET"), ("api:closure_day_list", "GET")],
    # The settings page takes two forms: the settings themselves, and a new closure day.
    ("partnership:settings", "POST"): [("api:settings", "PATCH"), ("api:closure_day_list", "POST")],
    ("partnership:closure_day_delete", "POST"): [("api:closure_day_detail", "DELETE")],
    ("partnership:sign_off_detail", "GET"): [("api:sign_off", "GET")],
    ("partnership:sign_off_detail", "POST"): [("api:sign_off_approve", "POST"), ("api:sign_off_send_back", "POST")],
    ("partnership:document_status", "GET"): [("api:document_version", "GET")],
    ("partnership:document_download", "GET"): [("api:document_download", "GET")],
    ("partnership:export_status", "GET"): [("api:export_job", "GET")],
    ("partnership:export_download", "GET"): [("api:export_download", "GET")],
    ("partnership:export_retry", "POST"): [("api:export_retry", "POST")],
    # --- Serious incidents, rapid reviews, information requests.
    ("reviews:rapid_review_list", "GET"): [("reviews_api:rapid_review_list", "GET")],
    ("reviews:rapid_review_detail", "GET"): [
        ("reviews_api:rapid_review_detail", "GET"),
        ("reviews_api:rapid_review_documents", "GET"),
    ],
    ("reviews:incident_create", "GET"): [("reviews_api:incident_list", "GET")],
    ("reviews:incident_create", "POST"): [("reviews_api:incident_list", "POST")],
    ("reviews:incident_edit", "GET"): [("reviews_api:incident_detail", "GET")],
    ("reviews:incident_edit", "POST"): [("reviews_api:incident_detail", "PATCH")],
    # Shown on an explicit POST on the page; the API's incident detail carries them for the roles that may see
    # them (each view logged).
    ("reviews:incident_identities", "POST"): [("reviews_api:incident_detail", "GET")],
    ("reviews:incident_child_add", "GET"): [("reviews_api:incident_detail", "GET")],
    ("reviews:incident_child_add", "POST"): [("reviews_api:incident_child_list", "POST")],
    ("reviews:incident_child_correct", "GET"): [("reviews_api:incident_child_detail", "GET")],
    ("reviews:incident_child_correct", "POST"): [("reviews_api:incident_child_detail", "PATCH")],
    ("reviews:identity_log", "GET"): [("reviews_api:identity_log", "GET")],
    ("reviews:request_tracker", "GET"): [("reviews_api:rapid_review_request_list", "GET")],
    ("reviews:request_create", "GET"): [("reviews_api:rapid_review_request_list", "GET")],
    ("reviews:request_create", "POST"): [("reviews_api:rapid_review_request_list", "POST")],
    ("reviews:my_requests", "GET"): [("reviews_api:my_request_list", "GET")],
    ("reviews:request_detail", "GET"): [("reviews_api:request_detail", "GET")],
    # The return page's one form saves a draft or submits it.
    ("reviews:request_detail", "POST"): [
        ("reviews_api:request_detail", "PATCH"),
        ("reviews_api:request_submit", "POST"),
    ],
    ("reviews:request_autosave", "POST"): [("reviews_api:request_detail", "PATCH")],
    ("reviews:request_send_back", "POST"): [("reviews_api:request_send_back", "POST")],
    ("reviews:request_withdraw", "POST"): [("reviews_api:request_withdraw", "POST")],
    ("reviews:timeliness", "GET"): [("reviews_api:timeliness", "GET")],
    # --- Scrutiny: the dashboard's figures (its charts and CSVs draw the same), the overdue actions behind them.
    ("scrutiny:dashboard", "GET"): [("scrutiny_api:dashboard", "GET")],
    ("scrutiny:panel_chart", "GET"): [("scrutiny_api:dashboard", "GET")],
    ("scrutiny:panel_csv", "GET"): [("scrutiny_api:dashboard", "GET")],
    ("scrutiny:overdue_actions", "GET"): [("api:action_list", "GET")],
    ("scrutiny:challenge_list", "GET"): [("scrutiny_api:challenge_list", "GET")],
    ("scrutiny:challenge_raise", "GET"): [("scrutiny_api:challenge_list", "GET")],
    ("scrutiny:challenge_raise", "POST"): [("scrutiny_api:challenge_list", "POST")],
    ("scrutiny:challenge_detail", "GET"): [
        ("scrutiny_api:challenge_detail", "GET"),
        ("scrutiny_api:challenge_recommendations", "GET"),
    ],
    ("scrutiny:challenge_edit", "GET"): [("scrutiny_api:challenge_detail", "GET")],
    ("scrutiny:challenge_edit", "POST"): [("scrutiny_api:challenge_detail", "PATCH")],
    ("scrutiny:challenge_respond", "POST"): [("scrutiny_api:challenge_respond", "POST")],
    ("scrutiny:challenge_accept", "POST"): [("scrutiny_api:challenge_accept", "POST")],
    ("scrutiny:challenge_escalate", "POST"): [("scrutiny_api:challenge_escalate", "POST")],
    ("scrutiny:challenge_close", "POST"): [("scrutiny_api:challenge_close", "POST")],
    ("scrutiny:challenge_recommend", "POST"): [("scrutiny_api:challenge_recommendations", "POST")],
    # The scrutineer's annual plan.
    ("scrutiny:plan_list", "GET"): [("scrutiny_api:plan_list", "GET")],
    ("scrutiny:plan_start", "POST"): [("scrutiny_api:plan_list", "POST")],
    ("scrutiny:plan_detail", "GET"): [("scrutiny_api:plan_detail", "GET")],
    ("scrutiny:plan_move", "POST"): [("scrutiny_api:plan_move", "POST")],
    ("scrutiny:plan_activity_add", "POST"): [("scrutiny_api:plan_activity_list", "POST")],
    ("scrutiny:plan_activity", "GET"): [("scrutiny_api:plan_activity", "GET")],
    ("scrutiny:plan_activity", "POST"): [("scrutiny_api:plan_activity", "PATCH")],
    ("scrutiny:plan_activity_move", "POST"): [("scrutiny_api:plan_activity_move", "POST")],
    ("scrutiny:plan_evidence_add", "POST"): [("scrutiny_api:plan_evidence_list", "POST")],
    ("scrutiny:plan_evidence_remove", "POST"): [("scrutiny_api:plan_evidence_detail", "DELETE")],
    ("scrutiny:plan_recommendation_raise", "POST"): [("scrutiny_api:plan_recommendation_raise", "POST")],
    # Professional disagreements.
    ("scrutiny:disagreement_list", "GET"): [("scrutiny_api:disagreement_list", "GET")],
    ("scrutiny:disagreement_create", "GET"): [("scrutiny_api:disagreement_list", "GET")],
    ("scrutiny:disagreement_create", "POST"): [("scrutiny_api:disagreement_list", "POST")],
    ("scrutiny:disagreement_detail", "GET"): [("scrutiny_api:disagreement_detail", "GET")],
    ("scrutiny:disagreement_escalate", "POST"): [("scrutiny_api:disagreement_escalate", "POST")],
    ("scrutiny:disagreement_resolve", "POST"): [("scrutiny_api:disagreement_resolve", "POST")],
    ("scrutiny:panel_records", "GET"): [("scrutiny_api:figure_records", "GET")],
    # Scrutiny's quarterly data sets.
    ("scrutiny:datasets", "GET"): [("scrutiny_api:dataset_indicators", "GET")],
    ("scrutiny:dataset_indicator_new", "GET"): [("scrutiny_api:dataset_indicators", "GET")],
    ("scrutiny:dataset_indicator_new", "POST"): [("scrutiny_api:dataset_indicators", "POST")],
    ("scrutiny:dataset_indicator", "GET"): [
        ("scrutiny_api:dataset_indicator", "GET"),
        ("scrutiny_api:dataset_indicator_trend", "GET"),
    ],
    ("scrutiny:dataset_indicator_edit", "GET"): [("scrutiny_api:dataset_indicator", "GET")],
    ("scrutiny:dataset_indicator_edit", "POST"): [("scrutiny_api:dataset_indicator", "PATCH")],
    ("scrutiny:dataset_indicator_chart", "GET"): [("scrutiny_api:dataset_indicator_trend", "GET")],
    ("scrutiny:dataset_indicator_csv", "GET"): [("scrutiny_api:dataset_indicator_trend", "GET")],
    ("scrutiny:dataset_indicator_xlsx", "GET"): [("scrutiny_api:dataset_indicator_trend", "GET")],
    ("scrutiny:dataset_quarter", "GET"): [
        ("scrutiny_api:dataset_values", "GET"),
        ("scrutiny_api:dataset_analyses", "GET"),
    ],
    ("scrutiny:dataset_quarter_csv", "GET"): [("scrutiny_api:dataset_values", "GET")],
    ("scrutiny:dataset_quarter_xlsx", "GET"): [("scrutiny_api:dataset_values", "GET")],
    ("scrutiny:dataset_values_enter", "GET"): [("scrutiny_api:dataset_values", "GET")],
    # The form saves one agency's quarter at once; the API changes each figure (with its own version).
    ("scrutiny:dataset_values_enter", "POST"): [
        ("scrutiny_api:dataset_values", "POST"),
        ("scrutiny_api:dataset_value", "PATCH"),
        ("scrutiny_api:dataset_value", "DELETE"),
    ],
    ("scrutiny:dataset_upload", "GET"): [("scrutiny_api:dataset_values_upload", "POST")],
    ("scrutiny:dataset_upload", "POST"): [("scrutiny_api:dataset_values_upload", "POST")],
    ("scrutiny:dataset_analysis", "GET"): [("scrutiny_api:dataset_analyses", "GET")],
    ("scrutiny:dataset_analysis", "POST"): [
        ("scrutiny_api:dataset_analyses", "POST"),
        ("scrutiny_api:dataset_analysis", "PATCH"),
    ],
    # The scrutiny reports and the agencies' annual reports.
    ("scrutiny:report_list", "GET"): [("scrutiny_api:report_list", "GET")],
    ("scrutiny:report_list", "POST"): [("scrutiny_api:report_list", "POST")],
    ("scrutiny:report_detail", "GET"): [("scrutiny_api:report_detail", "GET")],
    ("scrutiny:narrative_add", "POST"): [("scrutiny_api:narrative_list", "POST")],
    ("scrutiny:narrative_edit", "POST"): [("scrutiny_api:narrative_detail", "PATCH")],
    ("scrutiny:narrative_remove", "POST"): [("scrutiny_api:narrative_detail", "DELETE")],
    ("scrutiny:report_publish", "POST"): [("scrutiny_api:report_publish", "POST")],
    ("scrutiny:report_reopen", "POST"): [("scrutiny_api:report_draft", "POST")],
    ("scrutiny:report_render", "POST"): [("scrutiny_api:report_render", "POST")],
    ("scrutiny:report_versions", "GET"): [("scrutiny_api:report_versions", "GET")],
    ("scrutiny:report_version_docx", "GET"): [("scrutiny_api:report_version_docx", "GET")],
    ("scrutiny:agency_report_list", "GET"): [("scrutiny_api:agency_report_list", "GET")],
    ("scrutiny:agency_report_list", "POST"): [("scrutiny_api:agency_report_list", "POST")],
    ("scrutiny:agency_report_detail", "GET"): [("scrutiny_api:agency_report_detail", "GET")],
    ("scrutiny:agency_report_receive", "POST"): [("scrutiny_api:agency_report_receive", "POST")],
    ("scrutiny:agency_report_summary", "POST"): [("scrutiny_api:agency_report_detail", "PATCH")],
    ("scrutiny:agency_report_file", "GET"): [("scrutiny_api:agency_report_file", "GET")],
    ("reviews:rapid_review_meeting", "GET"): [("reviews_api:rapid_review_meeting", "GET")],
    ("reviews:rapid_review_meeting_date", "POST"): [("reviews_api:rapid_review_meeting", "PUT")],
    ("reviews:rapid_review_attendee_add", "POST"): [("reviews_api:rapid_review_attendee_list", "POST")],
    ("reviews:rapid_review_attendee_remove", "POST"): [("reviews_api:rapid_review_attendee_detail", "DELETE")],
    ("reviews:rapid_review_decision", "GET"): [("reviews_api:rapid_review_decision", "GET")],
    ("reviews:rapid_review_decision_record", "POST"): [("reviews_api:rapid_review_decision", "PUT")],
    ("reviews:rapid_review_decision_approve", "POST"): [("reviews_api:rapid_review_decision_approve", "POST")],
    ("reviews:rapid_review_decision_send_back", "POST"): [("reviews_api:rapid_review_decision_send_back", "POST")],
    ("reviews:rapid_review_sent_to_panel", "POST"): [("reviews_api:rapid_review_sent_to_panel", "POST")],
    ("reviews:rapid_review_template_pdf", "POST"): [("reviews_api:rapid_review_template_pdf", "POST")],
    # --- Learning reviews.
    ("reviews:learning_review_list", "GET"): [("reviews_api:learning_review_list", "GET")],
    ("reviews:learning_review_open", "GET"): [("reviews_api:learning_review_list", "GET")],
    ("reviews:learning_review_open", "POST"): [("reviews_api:learning_review_list", "POST")],
    ("reviews:learning_review_open_from_rapid_review", "GET"): [("reviews_api:rapid_review_decision", "GET")],
    # With rapid_review_id in the body.
    ("reviews:learning_review_open_from_rapid_review", "POST"): [("reviews_api:learning_review_list", "POST")],
    ("reviews:learning_review_detail", "GET"): [
        ("reviews_api:learning_review_detail", "GET"),
        ("reviews_api:learning_review_contributor_list", "GET"),
        ("reviews_api:learning_review_documents", "GET"),
    ],
    ("reviews:learning_review_edit", "GET"): [("reviews_api:learning_review_detail", "GET")],
    ("reviews:learning_review_edit", "POST"): [("reviews_api:learning_review_detail", "PATCH")],
    ("reviews:learning_review_contributor_add", "POST"): [("reviews_api:learning_review_contributor_list", "POST")],
    ("reviews:learning_review_contributor_update", "POST"): [
        ("reviews_api:learning_review_contributor_detail", "PATCH")
    ],
    ("reviews:learning_review_contributor_remove", "POST"): [
        ("reviews_api:learning_review_contributor_detail", "DELETE")
    ],
    ("reviews:learning_review_requests", "GET"): [("reviews_api:learning_review_requests", "GET")],
    ("reviews:learning_review_requests", "POST"): [("reviews_api:learning_review_requests", "POST")],
    ("reviews:learning_review_start_drafting", "POST"): [("reviews_api:learning_review_start_drafting", "POST")],
    ("reviews:learning_review_outcomes_form", "GET"): [("reviews_api:learning_review_outcomes_form", "GET")],
    ("reviews:learning_review_outcomes_form", "POST"): [("reviews_api:learning_review_outcomes_form", "PUT")],
    ("reviews:learning_review_circulate", "GET"): [("reviews_api:learning_review_contributor_list", "GET")],
    ("reviews:learning_review_circulate", "POST"): [("reviews_api:learning_review_circulate", "POST")],
    ("reviews:learning_review_take_back", "POST"): [("reviews_api:learning_review_take_back", "POST")],
    ("reviews:learning_review_comments", "GET"): [("reviews_api:learning_review_comments", "GET")],
    ("reviews:learning_review_comments", "POST"): [("reviews_api:learning_review_comments", "POST")],
    ("reviews:learning_review_finalise", "POST"): [("reviews_api:learning_review_finalise", "POST")],
    ("reviews:learning_review_publication", "GET"): [("reviews_api:learning_review_detail", "GET")],
    ("reviews:learning_review_publication", "POST"): [("reviews_api:learning_review_publication", "PUT")],
    ("reviews:learning_review_pdf", "POST"): [("reviews_api:learning_review_pdf", "POST")],
    ("reviews:learning_review_public_summary_pdf", "POST"): [
        ("reviews_api:learning_review_public_summary_pdf", "POST")
    ],
    # --- Recommendations, rounds, learning themes, dissemination (issue 9).
    ("partnership:recommendation_register", "GET"): [
        ("api:recommendation_list", "GET"),
        ("api:theme_list", "GET"),
    ],
    # The register's CSV and XLSX: the same filtered rows as the register's JSON.
    ("partnership:recommendation_export", "GET"): [("api:recommendation_list", "GET")],
    ("partnership:recommendation_create", "GET"): [("api:theme_list", "GET")],
    ("partnership:recommendation_create", "POST"): [("api:recommendation_list", "POST")],
    ("partnership:recommendation_detail", "GET"): [
        ("api:recommendation_detail", "GET"),
        ("api:dissemination_list", "GET"),
    ],
    ("partnership:recommendation_edit", "GET"): [("api:recommendation_detail", "GET")],
    ("partnership:recommendation_edit", "POST"): [("api:recommendation_detail", "PATCH")],
    ("partnership:recommendation_themes", "POST"): [("api:recommendation_themes", "PUT")],
    ("partnership:recommendation_close", "POST"): [("api:recommendation_close", "POST")],
    ("partnership:recommendation_round_create", "GET"): [("api:recommendation_list", "GET")],
    ("partnership:recommendation_round_create", "POST"): [("api:recommendation_round_list", "POST")],
    ("partnership:recommendation_round_detail", "GET"): [("api:recommendation_round_detail", "GET")],
    # A partner lead's decision on the round, as on the sign-off page.
    ("partnership:recommendation_round_detail", "POST"): [
        ("api:sign_off_approve", "POST"),
        ("api:sign_off_send_back", "POST"),
    ],
    ("partnership:theme_list", "GET"): [("api:theme_list", "GET")],
    ("partnership:theme_list", "POST"): [("api:theme_list", "POST")],
    ("partnership:theme_detail", "GET"): [("api:theme_detail", "GET")],
    ("partnership:theme_edit", "GET"): [("api:theme_detail", "GET")],
    ("partnership:theme_edit", "POST"): [("api:theme_detail", "PATCH")],
    ("partnership:dissemination_create", "GET"): [("api:dissemination_list", "GET")],
    ("partnership:dissemination_create", "POST"): [("api:dissemination_list", "POST")],
    ("partnership:dissemination_file", "GET"): [("api:dissemination_file", "GET")],
    ("partnership:dissemination_delete", "POST"): [("api:dissemination_detail", "DELETE")],
    ("reviews:learning_review_recommendations", "GET"): [("reviews_api:learning_review_recommendations", "GET")],
    ("reviews:learning_review_recommendations", "POST"): [("reviews_api:learning_review_recommendations", "POST")],
    # A GET of the tagging address goes to the review's page, where its themes are read.
    ("reviews:learning_review_themes", "GET"): [("reviews_api:learning_review_themes", "GET")],
    ("reviews:learning_review_themes", "POST"): [("reviews_api:learning_review_themes", "PUT")],
    ("reviews:rapid_review_themes", "GET"): [("reviews_api:rapid_review_themes", "GET")],
    ("reviews:rapid_review_themes", "POST"): [("reviews_api:rapid_review_themes", "PUT")],
    # --- Action plans, actions and their progress, the board's progress reports.
    ("partnership:action_plan_detail", "GET"): [("api:action_plan", "GET")],
    ("partnership:action_plan_agree", "POST"): [("api:action_plan_agree", "POST")],
    ("partnership:action_create", "GET"): [("api:action_plan", "GET")],
    ("partnership:action_create", "POST"): [("api:action_list", "POST")],
    ("partnership:action_plan_complete", "POST"): [("api:action_plan_complete", "POST")],
    ("partnership:action_plan_close", "POST"): [("api:action_plan_close", "POST")],
    ("partnership:action_plan_reopen", "POST"): [("api:action_plan_reopen", "POST")],
    ("partnership:action_detail", "GET"): [("api:action_detail", "GET"), ("api:action_update_list", "GET")],
    ("partnership:action_detail", "POST"): [("api:action_update_list", "POST")],
    ("partnership:action_edit", "GET"): [("api:action_detail", "GET")],
    ("partnership:action_edit", "POST"): [("api:action_detail", "PATCH")],
    ("partnership:action_remove", "POST"): [("api:action_detail", "DELETE")],
    # Up or down one place on the page; the API takes the whole new order.
    ("partnership:action_move", "POST"): [("api:action_plan_reorder", "POST")],
    ("partnership:action_complete", "POST"): [("api:action_complete", "POST")],
    ("partnership:action_evidence_download", "GET"): [("api:action_evidence_download", "GET")],
    ("partnership:progress_report_list", "GET"): [("api:progress_report_list", "GET")],
    ("partnership:progress_report_list", "POST"): [("api:progress_report_list", "POST")],
    ("partnership:progress_report_detail", "GET"): [("api:progress_report_detail", "GET")],
    ("partnership:progress_report_docx", "GET"): [("api:progress_report_docx", "GET")],
    # --- Priorities (kernel) and audits (issue 10): templates, programme, rounds, cases, returns, findings.
    ("partnership:priority_list", "GET"): [("api:priority_list", "GET")],
    ("partnership:priority_list", "POST"): [("api:priority_list", "POST")],
    ("partnership:priority_edit", "GET"): [("api:priority_detail", "GET")],
    ("partnership:priority_edit", "POST"): [("api:priority_detail", "PATCH")],
    ("audits:template_list", "GET"): [("audits_api:template_list", "GET")],
    ("audits:template_copy", "POST"): [("audits_api:template_copy", "POST")],
    ("audits:template_create", "POST"): [("audits_api:template_list", "POST")],
    ("audits:template_detail", "GET"): [("audits_api:template_detail", "GET")],
    ("audits:template_detail", "POST"): [("audits_api:template_detail", "PATCH")],
    ("audits:template_archive", "POST"): [("audits_api:template_detail", "PATCH")],
    ("audits:template_draft", "POST"): [("audits_api:template_draft", "POST")],
    ("audits:template_version_detail", "GET"): [("audits_api:template_version", "GET")],
    ("audits:template_version_publish", "POST"): [("audits_api:template_version_publish", "POST")],
    ("audits:template_section_add", "POST"): [("audits_api:template_section_add", "POST")],
    ("audits:template_section_edit", "GET"): [("audits_api:template_version", "GET")],
    ("audits:template_section_edit", "POST"): [("audits_api:template_section", "PATCH")],
    ("audits:template_section_remove", "POST"): [("audits_api:template_section", "DELETE")],
    ("audits:template_question_add", "GET"): [("audits_api:scale_list", "GET")],
    ("audits:template_question_add", "POST"): [("audits_api:template_question_add", "POST")],
    ("audits:template_question_edit", "GET"): [("audits_api:template_version", "GET")],
    ("audits:template_question_edit", "POST"): [("audits_api:template_question", "PATCH")],
    ("audits:template_question_remove", "POST"): [("audits_api:template_question", "DELETE")],
    ("audits:programme", "GET"): [("audits_api:programme", "GET")],
    ("audits:programme", "POST"): [("audits_api:programme", "POST")],
    ("audits:planned_edit", "GET"): [("audits_api:programme", "GET")],
    ("audits:planned_edit", "POST"): [("audits_api:planned_audit", "PATCH")],
    ("audits:planned_remove", "POST"): [("audits_api:planned_audit", "DELETE")],
    ("audits:round_list", "GET"): [("audits_api:round_list", "GET")],
    ("audits:round_create", "GET"): [("audits_api:template_list", "GET")],
    ("audits:round_create", "POST"): [("audits_api:round_list", "POST")],
    ("audits:round_detail", "GET"): [("audits_api:round_detail", "GET")],
    ("audits:round_edit", "GET"): [("audits_api:round_detail", "GET")],
    ("audits:round_edit", "POST"): [("audits_api:round_detail", "PATCH")],
    ("audits:round_move", "POST"): [("audits_api:round_move", "POST")],
    ("audits:round_screen", "POST"): [("audits_api:round_screen", "POST")],
    ("audits:case_detail", "GET"): [("audits_api:case", "GET")],
    ("audits:case_select", "POST"): [("audits_api:case", "PATCH")],
    ("audits:case_discussion", "POST"): [("audits_api:case_discussion", "POST")],
    ("audits:case_assign", "POST"): [("audits_api:case_assign", "POST")],
    ("audits:my_returns", "GET"): [("audits_api:my_returns", "GET")],
    ("audits:return_detail", "GET"): [("audits_api:return", "GET")],
    ("audits:return_moderate", "POST"): [("audits_api:return_moderate", "POST")],
    ("audits:return_send_back", "POST"): [("audits_api:return_send_back", "POST")],
    ("audits:return_withdraw", "POST"): [("audits_api:return_withdraw", "POST")],
    ("audits:return_evidence", "GET"): [("audits_api:return_evidence", "GET")],
    ("audits:round_findings", "GET"): [("audits_api:findings", "GET")],
    ("audits:finding_add", "POST"): [("audits_api:findings", "POST")],
    ("audits:finding_remove", "POST"): [("audits_api:finding", "DELETE")],
    ("audits:findings_raise", "POST"): [("audits_api:findings_raise", "POST")],
    ("audits:findings_pdf", "POST"): [("audits_api:findings_pdf", "POST")],
    # Save a draft (PATCH) or submit (POST .../submit/), as the page's two buttons.
    ("audits:return_detail", "POST"): [("audits_api:return", "PATCH"), ("audits_api:return_submit", "POST")],
    # --- Audits: the schools register (Section 11 and s175).
    ("audits:school_list", "GET"): [("audits_api:school_list", "GET")],
    ("audits:school_import", "GET"): [("audits_api:school_list", "GET")],
    ("audits:school_import", "POST"): [("audits_api:school_import", "POST")],
    ("audits:school_detail", "GET"): [("audits_api:school_detail", "GET")],
    ("audits:school_detail", "POST"): [("audits_api:school_detail", "PATCH")],
    ("audits:cycle_list", "GET"): [("audits_api:cycle_list", "GET")],
    ("audits:cycle_create", "GET"): [("audits_api:cycle_list", "GET")],
    ("audits:cycle_create", "POST"): [("audits_api:cycle_list", "POST")],
    ("audits:sa_my_returns", "GET"): [("audits_api:sa_my_returns", "GET")],
    ("audits:cycle_detail", "GET"): [("audits_api:cycle_detail", "GET"), ("audits_api:cycle_returns", "GET")],
    ("audits:cycle_matrix", "GET"): [("audits_api:cycle_matrix", "GET")],
    # The page's one export (``format=csv|xlsx``) is two API operations, one per file type.
    ("audits:cycle_matrix_export", "GET"): [
        ("audits_api:cycle_matrix_csv", "GET"),
        ("audits_api:cycle_matrix_xlsx", "GET"),
    ],
    # The pages' export buttons: one kernel operation, told the kind (and, for the matrix, the format and filters).
    ("audits:cycle_matrix_export_request", "POST"): [("api:export_request", "POST")],
    ("audits:cycle_returns_export_request", "POST"): [("api:export_request", "POST")],
    ("audits:sa_return_detail", "GET"): [("audits_api:sa_return_detail", "GET")],
    # Save draft, or save and submit: the API saves (PATCH) and submits (POST submit/) apart.
    ("audits:sa_return_detail", "POST"): [
        ("audits_api:sa_return_detail", "PATCH"),
        ("audits_api:sa_return_submit", "POST"),
    ],
    ("audits:sa_return_sign", "POST"): [("audits_api:sa_return_sign", "POST")],
    ("audits:sa_return_send_back", "POST"): [("audits_api:sa_return_send_back", "POST")],
    ("audits:sa_return_summary_pdf", "POST"): [("audits_api:sa_return_summary_pdf", "POST")],
    ("audits:sa_return_moderate", "GET"): [("audits_api:sa_return_detail", "GET")],
    ("audits:sa_return_moderate", "POST"): [("audits_api:sa_return_moderation", "POST")],
    ("audits:agreed_action_add", "POST"): [("audits_api:agreed_action_list", "POST")],
    ("audits:standard_detail", "GET"): [("audits_api:standard_detail", "GET")],
    # The standard's page takes two forms: an action for a gap, an evidence file.
    ("audits:standard_detail", "POST"): [
        ("audits_api:gap_action_list", "POST"),
        ("audits_api:standard_evidence_list", "POST"),
    ],
    ("audits:gap_action_remove", "POST"): [("audits_api:gap_action_detail", "DELETE")],
    ("audits:standard_evidence_download", "GET"): [("audits_api:standard_evidence_download", "GET")],
    # --- The learning hub (issue 11): cycles, their phases and checklists.
    ("learninghub:cycle_list", "GET"): [("learninghub_api:cycle_list", "GET")],
    ("learninghub:cycle_create", "GET"): [("api:priority_list", "GET")],
    ("learninghub:cycle_create", "POST"): [("learninghub_api:cycle_list", "POST")],
    ("learninghub:cycle_detail", "GET"): [
        ("learninghub_api:cycle_detail", "GET"),
        ("learninghub_api:cycle_tasks", "GET"),
    ],
    ("learninghub:cycle_edit", "GET"): [("learninghub_api:cycle_detail", "GET")],
    ("learninghub:cycle_edit", "POST"): [("learninghub_api:cycle_detail", "PATCH")],
    ("learninghub:cycle_close", "POST"): [("learninghub_api:cycle_move", "POST")],
    # --- The learning hub's feedback (issue 11 item 8).
    ("learninghub:feedback", "GET"): [
        ("learninghub_api:feedback_session_list", "GET"),
        ("learninghub_api:child_feedback_list", "GET"),
        ("learninghub_api:survey_list", "GET"),
        ("learninghub_api:evaluation_figure_list", "GET"),
        ("learninghub_api:you_said_we_did_list", "GET"),
    ],
    ("learninghub:feedback_session_create", "GET"): [("api:theme_list", "GET")],
    ("learninghub:feedback_session_create", "POST"): [("learninghub_api:feedback_session_list", "POST")],
    ("learninghub:feedback_session_edit", "GET"): [("learninghub_api:feedback_session_detail", "GET")],
    ("learninghub:feedback_session_edit", "POST"): [("learninghub_api:feedback_session_detail", "PATCH")],
    ("learninghub:feedback_session_delete", "POST"): [("learninghub_api:feedback_session_detail", "DELETE")],
    ("learninghub:child_feedback_create", "GET"): [("api:theme_list", "GET")],
    ("learninghub:child_feedback_create", "POST"): [("learninghub_api:child_feedback_list", "POST")],
    ("learninghub:child_feedback_edit", "GET"): [("learninghub_api:child_feedback_detail", "GET")],
    ("learninghub:child_feedback_edit", "POST"): [("learninghub_api:child_feedback_detail", "PATCH")],
    ("learninghub:child_feedback_delete", "POST"): [("learninghub_api:child_feedback_detail", "DELETE")],
    ("learninghub:evaluation_figure_create", "GET"): [("learninghub_api:evaluation_figure_list", "GET")],
    ("learninghub:evaluation_figure_create", "POST"): [("learninghub_api:evaluation_figure_list", "POST")],
    ("learninghub:evaluation_figure_delete", "POST"): [("learninghub_api:evaluation_figure_detail", "DELETE")],
    ("learninghub:you_said_we_did_create", "GET"): [("learninghub_api:you_said_we_did_list", "GET")],
    ("learninghub:you_said_we_did_create", "POST"): [("learninghub_api:you_said_we_did_list", "POST")],
    ("learninghub:you_said_we_did_edit", "GET"): [("learninghub_api:you_said_we_did_detail", "GET")],
    ("learninghub:you_said_we_did_edit", "POST"): [("learninghub_api:you_said_we_did_detail", "PATCH")],
    ("learninghub:you_said_we_did_move", "POST"): [("learninghub_api:you_said_we_did_move", "POST")],
    ("learninghub:you_said_we_did_delete", "POST"): [("learninghub_api:you_said_we_did_detail", "DELETE")],
    ("learninghub:you_said_we_did_list", "GET"): [("learninghub_api:you_said_we_did_published", "GET")],
    ("learninghub:survey_create", "GET"): [("learninghub_api:survey_list", "GET")],
    ("learninghub:survey_create", "POST"): [("learninghub_api:survey_list", "POST")],
    ("learninghub:survey_builder", "GET"): [("learninghub_api:survey_detail", "GET")],
    # The builder takes two forms: the survey's details, and a new question.
    ("learninghub:survey_builder", "POST"): [
        ("learninghub_api:survey_detail", "PATCH"),
        ("learninghub_api:survey_question_list", "POST"),
    ],
    ("learninghub:survey_question_remove", "POST"): [("learninghub_api:survey_question_detail", "DELETE")],
    ("learninghub:survey_move", "POST"): [("learninghub_api:survey_move", "POST")],
    ("learninghub:survey_results", "GET"): [("learninghub_api:survey_results", "GET")],
    ("learninghub:phase_move", "GET"): [("learninghub_api:phase_detail", "GET")],
    ("learninghub:phase_move", "POST"): [("learninghub_api:phase_detail", "PATCH")],
    ("learninghub:task_tick", "POST"): [("learninghub_api:task_tick", "POST")],
    # The task's page to give it to a member: the cycle's tasks and the partnership's members.
    ("learninghub:task_assign", "GET"): [("learninghub_api:cycle_tasks", "GET"), ("api:member_list", "GET")],
    ("learninghub:task_assign", "POST"): [("learninghub_api:task_assign", "POST")],
    # The learning hub's findings (issue 11, items 7, 9, 10).
    ("learninghub:cycle_findings", "GET"): [("learninghub_api:findings", "GET")],
    ("learninghub:findings_audit_commission", "POST"): [("learninghub_api:findings_audit_commission", "POST")],
    ("learninghub:findings_audit_link", "POST"): [("learninghub_api:findings_audit_link", "POST")],
    ("learninghub:findings_audit_unlink", "POST"): [("learninghub_api:findings_audit_unlink", "DELETE")],
    ("learninghub:findings_add", "POST"): [("learninghub_api:findings_add", "POST")],
    ("learninghub:findings_remove", "POST"): [("learninghub_api:findings_remove", "DELETE")],
    ("learninghub:findings_draft_add", "POST"): [("learninghub_api:findings_draft_add", "POST")],
    ("learninghub:findings_draft_move", "POST"): [("learninghub_api:findings_draft_move", "POST")],
    ("learninghub:findings_drafts_agree", "POST"): [("learninghub_api:findings_drafts_agree", "POST")],
    ("learninghub:findings_measure_add", "POST"): [("learninghub_api:findings_measure_add", "POST")],
    ("learninghub:findings_measure_review", "POST"): [("learninghub_api:findings_measure_review", "POST")],
    ("learninghub:findings_report", "POST"): [("learninghub_api:findings_report", "POST")],
    # Observers of a cycle from another partnership (issue 11 item 5).
    ("learninghub:observer_invite", "GET"): [("learninghub_api:cycle_observers", "GET")],
    ("learninghub:observer_invite", "POST"): [("learninghub_api:cycle_observers", "POST")],
    ("learninghub:observer_revoke", "POST"): [("learninghub_api:observer_revoke", "POST")],
    # --- Learning hub membership (issue 11 item 4): nominations, shortlist, sign-off.
    ("learninghub:cycle_members", "GET"): [("learninghub_api:cycle_members", "GET")],
    ("learninghub:nomination_create", "GET"): [("learninghub_api:cycle_members", "GET"), ("api:member_list", "GET")],
    ("learninghub:nomination_create", "POST"): [("learninghub_api:cycle_members", "POST")],
    ("learninghub:nomination_shortlist", "POST"): [("learninghub_api:nomination_shortlist", "POST")],
    ("learninghub:nomination_decline", "GET"): [("learninghub_api:nomination_detail", "GET")],
    ("learninghub:nomination_decline", "POST"): [("learninghub_api:nomination_shortlist", "POST")],
    ("learninghub:nomination_withdraw", "POST"): [("learninghub_api:nomination_withdraw", "POST")],
    ("learninghub:membership_submit", "POST"): [("learninghub_api:membership_submit", "POST")],
    # --- The learning hub's delivery plans (issue 11 item 6).
    ("learninghub:plan_detail", "GET"): [("learninghub_api:plan", "GET")],
    ("learninghub:plan_start", "POST"): [("learninghub_api:plan", "POST")],
    ("learninghub:plan_indicator_add", "GET"): [("learninghub_api:plan_indicator_list", "GET")],
    ("learninghub:plan_indicator_add", "POST"): [("learninghub_api:plan_indicator_list", "POST")],
    ("learninghub:plan_indicator_edit", "GET"): [("learninghub_api:plan_indicator_detail", "GET")],
    ("learninghub:plan_indicator_edit", "POST"): [("learninghub_api:plan_indicator_detail", "PATCH")],
    ("learninghub:plan_indicator_remove", "POST"): [("learninghub_api:plan_indicator_detail", "DELETE")],
    ("learninghub:plan_upload", "GET"): [("learninghub_api:plan", "GET")],
    ("learninghub:plan_upload", "POST"): [("learninghub_api:plan_upload", "POST")],
    # The evidence form offers the partnership's earlier cycles (and its audits' records, through their APIs).
    ("learninghub:plan_item_add", "GET"): [
        ("learninghub_api:plan_item_list", "GET"),
        ("learninghub_api:cycle_list", "GET"),
    ],
    ("learninghub:plan_item_add", "POST"): [("learninghub_api:plan_item_list", "POST")],
    ("learninghub:plan_item_edit", "GET"): [("learninghub_api:plan_item_detail", "GET")],
    ("learninghub:plan_item_edit", "POST"): [("learninghub_api:plan_item_detail", "PATCH")],
    ("learninghub:plan_item_remove", "POST"): [("learninghub_api:plan_item_detail", "DELETE")],
    ("learninghub:plan_version_save", "GET"): [("learninghub_api:plan_version_list", "GET")],
    ("learninghub:plan_version_save", "POST"): [("learninghub_api:plan_version_list", "POST")],
    ("learninghub:plan_version_detail", "GET"): [("learninghub_api:plan_version_detail", "GET")],
    ("learninghub:plan_compare", "GET"): [("learninghub_api:plan_compare", "GET")],
    ("learninghub:session_list", "GET"): [("learninghub_api:session_list", "GET")],
    ("learninghub:session_create", "GET"): [("learninghub_api:cycle_detail", "GET")],
    ("learninghub:session_create", "POST"): [("learninghub_api:session_list", "POST")],
    ("learninghub:session_detail", "GET"): [("learninghub_api:session_detail", "GET")],
    ("learninghub:session_edit", "GET"): [("learninghub_api:session_detail", "GET")],
    ("learninghub:session_edit", "POST"): [("learninghub_api:session_detail", "PATCH")],
    ("learninghub:session_attendance", "GET"): [
        ("learninghub_api:session_attendance", "GET"),
        ("api:member_list", "GET"),
    ],
    ("learninghub:session_attendance", "POST"): [("learninghub_api:session_attendance", "PUT")],
    ("learninghub:session_action_create", "GET"): [
        ("learninghub_api:session_actions", "GET"),
        ("api:member_list", "GET"),
    ],
    ("learninghub:session_action_create", "POST"): [("learninghub_api:session_actions", "POST")],
    ("learninghub:session_move", "POST"): [("learninghub_api:session_move", "POST")],
    ("learninghub:session_ics", "GET"): [("learninghub_api:session_ics", "GET")],
    ("learninghub:session_member_ics", "GET"): [("learninghub_api:session_member_ics", "GET")],
    ("learninghub:session_action_tick", "POST"): [("learninghub_api:session_action_tick", "POST")],
    ("learninghub:session_action_delete", "POST"): [("learninghub_api:session_action_detail", "DELETE")],
}

# Page routes and methods that truly have no API meaning, each with the reason. Keep it short. (The
# members page's htmx search fragment answers the same GET route as the page: the member list covers it.
# Sign-in, second factor, invitations' acceptance and the API token page live under /account/, not here.)
NO_API_MEANING: dict[tuple[str, str], str] = {
    # Screen copies of documents: an integrator gets the data as JSON and the document itself as the PDF.
    ("reviews:rapid_review_template", "GET"): (
        "The template drawn on screen for printing: the same content is the decision's JSON and the template PDF."
    ),
    ("reviews:learning_review_print", "GET"): (
        "The outcomes form drawn on screen for printing: the same content is the outcomes form's JSON and its PDF."
    ),
    ("reviews:learning_review_public_summary", "GET"): (
        "The public summary drawn on screen for printing: the API gives its PDF (public-summary/pdf/)."
    ),
    ("partnership:home", "POST"): "The home page takes no action: a POST draws the same page as a GET.",
    # A confirmation step before a POST: the API operation is the POST itself.
    ("reviews:learning_review_finalise", "GET"): "The 'are you sure?' page before finalising: no data of its own.",
}

# Page actions the API does not have yet because another issue builds them: named here so that the gap is
# visible (and this test fails once they are built and mapped above, or once the pages go).
BUILT_ELSEWHERE: dict[tuple[str, str], str] = {
    ("partnership:sharing_list", "GET"): "Issue 15 (the lead): sharing grants; shared items never go to a token.",
    ("partnership:sharing_create", "GET"): "Issue 15 (the lead): sharing grants.",
    ("partnership:sharing_create", "POST"): "Issue 15 (the lead): sharing grants.",
    ("partnership:sharing_detail", "GET"): "Issue 15 (the lead): sharing grants.",
    ("partnership:sharing_detail", "POST"): "Issue 15 (the lead): sharing grants (revoking one).",
}

_ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def _methods(callback) -> set[str]:
    """The methods a page view accepts, from the closure of its ``require_http_methods`` decorator.

    Django's decorators keep the allowed list in the wrapper's closure; a view with
    no such decorator accepts GET and POST (what a page can be sent).
    """
    view = callback
    while view is not None:
        for cell in getattr(view, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, (list, tuple))
                and value
                and all(isinstance(m, str) and m.upper() in HTTP_METHODS | {"HEAD"} for m in value)
            ):
                return {m.upper() for m in value} - {"HEAD"}
        view = getattr(view, "__wrapped__", None)
    return {"GET", "POST"}


def _is_api(route: Route) -> bool:
    return route.is_api or route.pattern.startswith("api/")


PAGE_ROUTES = [r for r in ALL_ROUTES if r.pattern.startswith(PAGE_PREFIX) and r.name and not _is_api(r)]
PAGE_ACTIONS = sorted((route.name, method) for route in PAGE_ROUTES for method in _methods(route.callback))


def test_the_walk_finds_the_pages_and_their_actions():
    # Guards the introspection: if it stopped finding decorators, every page would claim GET and POST.
    actions = set(PAGE_ACTIONS)
    assert ("partnership:my_tasks", "GET") in actions
    assert ("partnership:my_tasks", "POST") not in actions
    assert ("reviews:learning_review_start_drafting", "POST") in actions
    assert ("reviews:learning_review_start_drafting", "GET") not in actions
    assert len(PAGE_ROUTES) > 50


def test_every_page_action_has_an_api_operation():
    missing = [
        f"{name} {method}"
        for name, method in PAGE_ACTIONS
        if (name, method) not in PAGE_TO_API and (name, method) not in NO_API_MEANING | BUILT_ELSEWHERE
    ]
    assert not missing, (
        "These page actions have no API operation: "
        + "; ".join(missing)
        + ". Add the endpoint (a thin view over the same service) and map it in PAGE_TO_API, or, only if it "
        "truly has no API meaning, list it in NO_API_MEANING with the reason."
    )


def test_the_tables_name_only_existing_page_actions():
    actions = set(PAGE_ACTIONS)
    stale = sorted((set(PAGE_TO_API) | set(NO_API_MEANING) | set(BUILT_ELSEWHERE)) - actions)
    assert not stale, f"These page actions no longer exist: {stale}. Remove them from the tables."
    assert not set(PAGE_TO_API) & (set(NO_API_MEANING) | set(BUILT_ELSEWHERE))
    assert all(reason.strip() for reason in (NO_API_MEANING | BUILT_ELSEWHERE).values())


@pytest.fixture(scope="module")
def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(path, method.upper()) for path, operations in schema["paths"].items() for method in operations}


def _schema_path(route: Route) -> str:
    return "/" + _ROUTE_PARAMETER.sub(lambda m: "{" + m[1] + "}", route.pattern)


def test_every_mapped_api_operation_is_in_the_schema(schema_operations):
    api_routes = {r.name: r for r in ALL_ROUTES if r.name and _is_api(r)}
    wrong = []
    for page, operations in PAGE_TO_API.items():
        for name, method in operations:
            route = api_routes.get(name)
            if route is None or (_schema_path(route), method) not in schema_operations:
                wrong.append(f"{page} → {name} {method}")
    assert not wrong, "Mapped to API operations the OpenAPI schema does not have: " + "; ".join(wrong)
