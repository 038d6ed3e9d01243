"""Pages under /p/<slug>/: the schools register, Section 11 and s175 self-assessments, audit templates, the audit
programme, case audit rounds, returns and findings."""

from django.urls import path

from audits.views import findings as finding_views
from audits.views import moderation as moderation_views
from audits.views import returns as return_views
from audits.views import rounds as round_views
from audits.views import schools as school_views
from audits.views import self_assessment as sa_views
from audits.views import templates as template_views

app_name = "audits"

urlpatterns: list = [
    path("schools/", school_views.school_list, name="school_list"),
    path("schools/import/", school_views.school_import, name="school_import"),
    path("schools/<int:school_id>/", school_views.school_detail, name="school_detail"),
]

# Section 11 and s175 self-assessments.
_R = "self-assessment-returns/<int:return_id>/"
_S = _R + "standards/<int:standard_id>/"
urlpatterns += [
    path("self-assessments/", sa_views.cycle_list, name="cycle_list"),
    path("self-assessments/new/", sa_views.cycle_create, name="cycle_create"),
    path("self-assessments/mine/", sa_views.my_returns, name="sa_my_returns"),
    path("self-assessments/<int:cycle_id>/", sa_views.cycle_detail, name="cycle_detail"),
    path("self-assessments/<int:cycle_id>/matrix/", sa_views.cycle_matrix, name="cycle_matrix"),
    path("self-assessments/<int:cycle_id>/matrix/export/", sa_views.cycle_matrix_export, name="cycle_matrix_export"),
    path(
        "self-assessments/<int:cycle_id>/matrix/exports/",
        sa_views.cycle_matrix_export_request,
        name="cycle_matrix_export_request",
    ),
    path(
        "self-assessments/<int:cycle_id>/exports/returns/",
        sa_views.cycle_returns_export_request,
        name="cycle_returns_export_request",
    ),
    path(_R, sa_views.return_detail, name="sa_return_detail"),
    path(_R + "sign/", sa_views.return_sign, name="sa_return_sign"),
    path(_R + "send-back/", sa_views.return_send_back, name="sa_return_send_back"),
    path(_R + "summary-pdf/", sa_views.return_summary_pdf, name="sa_return_summary_pdf"),
    path(_R + "moderate/", moderation_views.return_moderate, name="sa_return_moderate"),
    path(_R + "agreed-actions/", moderation_views.agreed_action_add, name="agreed_action_add"),
    path(_S, sa_views.standard_detail, name="standard_detail"),
    path(_S + "actions/<int:gap_action_id>/remove/", sa_views.gap_action_remove, name="gap_action_remove"),
    path(_S + "evidence/<int:evidence_id>/", sa_views.standard_evidence_download, name="standard_evidence_download"),
]

# Audit templates: the list, copying a built-in, a template, a version and editing its draft.
urlpatterns += [
    path("audits/templates/", template_views.template_list_page, name="template_list"),
    path("audits/templates/copy/", template_views.template_copy, name="template_copy"),
    path("audits/templates/new/", template_views.template_create, name="template_create"),
    path("audits/templates/<int:template_id>/", template_views.template_detail, name="template_detail"),
    path("audits/templates/<int:template_id>/archive/", template_views.template_archive, name="template_archive"),
    path("audits/templates/<int:template_id>/draft/", template_views.template_draft, name="template_draft"),
    path(
        "audits/template-versions/<int:template_version_id>/",
        template_views.template_version_detail,
        name="template_version_detail",
    ),
    path(
        "audits/template-versions/<int:template_version_id>/publish/",
        template_views.template_version_publish,
        name="template_version_publish",
    ),
    path(
        "audits/template-versions/<int:template_version_id>/sections/",
        template_views.template_section_add,
        name="template_section_add",
    ),
    path(
        "audits/template-sections/<int:template_section_id>/",
        template_views.template_section_edit,
        name="template_section_edit",
    ),
    path(
        "audits/template-sections/<int:template_section_id>/remove/",
        template_views.template_section_remove,
        name="template_section_remove",
    ),
    path(
        "audits/template-sections/<int:template_section_id>/questions/",
        template_views.template_question_add,
        name="template_question_add",
    ),
    path(
        "audits/template-questions/<int:template_question_id>/",
        template_views.template_question_edit,
        name="template_question_edit",
    ),
    path(
        "audits/template-questions/<int:template_question_id>/remove/",
        template_views.template_question_remove,
        name="template_question_remove",
    ),
]

# The annual programme, case audit rounds, their screened cases and the agencies' assignments.
urlpatterns += [
    path("audits/", round_views.round_list, name="round_list"),
    path("audits/programme/", round_views.programme, name="programme"),
    path("audits/programme/<int:planned_audit_id>/", round_views.planned_edit, name="planned_edit"),
    path("audits/programme/<int:planned_audit_id>/remove/", round_views.planned_remove, name="planned_remove"),
    path("audits/rounds/new/", round_views.round_create, name="round_create"),
    path("audits/rounds/<int:audit_round_id>/", round_views.round_detail, name="round_detail"),
    path("audits/rounds/<int:audit_round_id>/edit/", round_views.round_edit, name="round_edit"),
    path("audits/rounds/<int:audit_round_id>/stage/", round_views.round_move, name="round_move"),
    path("audits/rounds/<int:audit_round_id>/screen/", round_views.round_screen, name="round_screen"),
    path("audits/cases/<int:audit_case_id>/", round_views.case_detail, name="case_detail"),
    path("audits/cases/<int:audit_case_id>/select/", round_views.case_select, name="case_select"),
    path("audits/cases/<int:audit_case_id>/discussion/", round_views.case_discussion, name="case_discussion"),
    path("audits/cases/<int:audit_case_id>/assign/", round_views.case_assign, name="case_assign"),
    path("audits/returns/<int:audit_return_id>/withdraw/", round_views.return_withdraw, name="return_withdraw"),
]

# Returns: the practitioner's list, answering one, moderating and sending back, its evidence.
urlpatterns += [
    path("audits/my-returns/", return_views.my_returns, name="my_returns"),
    path("audits/returns/<int:audit_return_id>/", return_views.return_detail, name="return_detail"),
    path("audits/returns/<int:audit_return_id>/moderate/", return_views.return_moderate, name="return_moderate"),
    path("audits/returns/<int:audit_return_id>/send-back/", return_views.return_send_back, name="return_send_back"),
    path(
        "audits/returns/<int:audit_return_id>/evidence/<int:evidence_file_id>/",
        return_views.return_evidence,
        name="return_evidence",
    ),
]

# Findings: distributions, strengths and areas by theme, the summary PDF, raising them as recommendations.
urlpatterns += [
    path("audits/rounds/<int:audit_round_id>/findings/", finding_views.round_findings, name="round_findings"),
    path("audits/rounds/<int:audit_round_id>/findings/new/", finding_views.finding_add, name="finding_add"),
    path(
        "audits/rounds/<int:audit_round_id>/findings/<int:audit_finding_id>/remove/",
        finding_views.finding_remove,
        name="finding_remove",
    ),
    path("audits/rounds/<int:audit_round_id>/findings/raise/", finding_views.findings_raise, name="findings_raise"),
    path("audits/rounds/<int:audit_round_id>/findings/pdf/", finding_views.findings_pdf, name="findings_pdf"),
]
