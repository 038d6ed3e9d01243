"""API under /api/v1/partnerships/<slug>/: the schools register, Section 11 and s175 self-assessments, audit
templates, the audit programme, case audit rounds, returns and findings."""

from django.urls import path

from audits.api import compliance_matrix as matrix_api
from audits.api import findings as finding_api
from audits.api import rounds as round_api
from audits.api import schools as school_api
from audits.api import self_assessment as sa_api
from audits.api import templates as template_api

app_name = "audits_api"

_P = "partnerships/<slug:slug>/"
urlpatterns: list = [
    path(_P + "schools/", school_api.SchoolListView.as_view(), name="school_list"),
    path(_P + "schools/import/", school_api.SchoolImportView.as_view(), name="school_import"),
    path(_P + "schools/<int:school_id>/", school_api.SchoolDetailView.as_view(), name="school_detail"),
]

# Section 11 and s175 self-assessments.
_R = _P + "self-assessment-returns/<int:return_id>/"
_S = _R + "standards/<int:standard_id>/"
urlpatterns += [
    path(_P + "self-assessments/", sa_api.CycleListView.as_view(), name="cycle_list"),
    path(_P + "self-assessments/mine/", sa_api.MyReturnListView.as_view(), name="sa_my_returns"),
    path(_P + "self-assessments/<int:cycle_id>/", sa_api.CycleDetailView.as_view(), name="cycle_detail"),
    path(_P + "self-assessments/<int:cycle_id>/returns/", sa_api.CycleReturnListView.as_view(), name="cycle_returns"),
    path(_P + "self-assessments/<int:cycle_id>/matrix/", matrix_api.MatrixView.as_view(), name="cycle_matrix"),
    path(
        _P + "self-assessments/<int:cycle_id>/matrix/csv/", matrix_api.MatrixCSVView.as_view(), name="cycle_matrix_csv"
    ),
    path(
        _P + "self-assessments/<int:cycle_id>/matrix/xlsx/",
        matrix_api.MatrixXLSXView.as_view(),
        name="cycle_matrix_xlsx",
    ),
    path(_R, sa_api.ReturnDetailView.as_view(), name="sa_return_detail"),
    path(_R + "submit/", sa_api.ReturnSubmitView.as_view(), name="sa_return_submit"),
    path(_R + "sign/", sa_api.ReturnSignView.as_view(), name="sa_return_sign"),
    path(_R + "send-back/", sa_api.ReturnSendBackView.as_view(), name="sa_return_send_back"),
    path(_R + "summary-pdf/", sa_api.ReturnSummaryPdfView.as_view(), name="sa_return_summary_pdf"),
    path(_R + "moderation/", sa_api.ReturnModerationView.as_view(), name="sa_return_moderation"),
    path(_R + "agreed-actions/", sa_api.AgreedActionListView.as_view(), name="agreed_action_list"),
    path(_S, sa_api.StandardDetailView.as_view(), name="standard_detail"),
    path(_S + "actions/", sa_api.GapActionListView.as_view(), name="gap_action_list"),
    path(_S + "actions/<int:gap_action_id>/", sa_api.GapActionDetailView.as_view(), name="gap_action_detail"),
    path(_S + "evidence/", sa_api.EvidenceListView.as_view(), name="standard_evidence_list"),
    path(
        _S + "evidence/<int:evidence_id>/",
        sa_api.EvidenceDownloadView.as_view(),
        name="standard_evidence_download",
    ),
]

urlpatterns += [
    path(f"{_P}audit-templates/", template_api.TemplateListView.as_view(), name="template_list"),
    path(f"{_P}audit-templates/copy/", template_api.TemplateCopyView.as_view(), name="template_copy"),
    path(f"{_P}audit-templates/<int:template_id>/", template_api.TemplateDetailView.as_view(), name="template_detail"),
    path(
        f"{_P}audit-templates/<int:template_id>/draft/", template_api.TemplateDraftView.as_view(), name="template_draft"
    ),
    path(
        f"{_P}audit-template-versions/<int:template_version_id>/",
        template_api.TemplateVersionView.as_view(),
        name="template_version",
    ),
    path(
        f"{_P}audit-template-versions/<int:template_version_id>/publish/",
        template_api.TemplateVersionPublishView.as_view(),
        name="template_version_publish",
    ),
    path(
        f"{_P}audit-template-versions/<int:template_version_id>/sections/",
        template_api.TemplateSectionAddView.as_view(),
        name="template_section_add",
    ),
    path(
        f"{_P}audit-template-sections/<int:template_section_id>/",
        template_api.TemplateSectionView.as_view(),
        name="template_section",
    ),
    path(
        f"{_P}audit-template-sections/<int:template_section_id>/questions/",
        template_api.TemplateQuestionAddView.as_view(),
        name="template_question_add",
    ),
    path(
        f"{_P}audit-template-questions/<int:template_question_id>/",
        template_api.TemplateQuestionView.as_view(),
        name="template_question",
    ),
    path(f"{_P}audit-scales/", template_api.ScaleListView.as_view(), name="scale_list"),
]

urlpatterns += [
    path(f"{_P}audit-programme/", round_api.ProgrammeView.as_view(), name="programme"),
    path(f"{_P}audit-programme/<int:planned_audit_id>/", round_api.PlannedAuditView.as_view(), name="planned_audit"),
    path(f"{_P}audit-rounds/", round_api.RoundListView.as_view(), name="round_list"),
    path(f"{_P}audit-rounds/<int:audit_round_id>/", round_api.RoundDetailView.as_view(), name="round_detail"),
    path(f"{_P}audit-rounds/<int:audit_round_id>/stage/", round_api.RoundMoveView.as_view(), name="round_move"),
    path(f"{_P}audit-rounds/<int:audit_round_id>/cases/", round_api.RoundScreenView.as_view(), name="round_screen"),
    path(f"{_P}audit-cases/<int:audit_case_id>/", round_api.CaseView.as_view(), name="case"),
    path(
        f"{_P}audit-cases/<int:audit_case_id>/discussion/",
        round_api.CaseDiscussionView.as_view(),
        name="case_discussion",
    ),
    path(f"{_P}audit-cases/<int:audit_case_id>/returns/", round_api.CaseAssignView.as_view(), name="case_assign"),
    path(f"{_P}audit-returns/", round_api.MyReturnsView.as_view(), name="my_returns"),
    path(f"{_P}audit-returns/<int:audit_return_id>/", round_api.ReturnView.as_view(), name="return"),
    path(
        f"{_P}audit-returns/<int:audit_return_id>/submit/", round_api.ReturnSubmitView.as_view(), name="return_submit"
    ),
    path(
        f"{_P}audit-returns/<int:audit_return_id>/moderate/",
        round_api.ReturnModerateView.as_view(),
        name="return_moderate",
    ),
    path(
        f"{_P}audit-returns/<int:audit_return_id>/send-back/",
        round_api.ReturnSendBackView.as_view(),
        name="return_send_back",
    ),
]

urlpatterns += [
    path(f"{_P}audit-rounds/<int:audit_round_id>/findings/", finding_api.FindingsView.as_view(), name="findings"),
    path(
        f"{_P}audit-rounds/<int:audit_round_id>/findings/raise/",
        finding_api.FindingsRaiseView.as_view(),
        name="findings_raise",
    ),
    path(
        f"{_P}audit-rounds/<int:audit_round_id>/findings/pdf/",
        finding_api.FindingsPdfView.as_view(),
        name="findings_pdf",
    ),
]

urlpatterns += [
    path(
        f"{_P}audit-rounds/<int:audit_round_id>/findings/<int:audit_finding_id>/",
        finding_api.FindingView.as_view(),
        name="finding",
    ),
    path(
        f"{_P}audit-returns/<int:audit_return_id>/withdraw/",
        round_api.ReturnWithdrawView.as_view(),
        name="return_withdraw",
    ),
    path(
        f"{_P}audit-returns/<int:audit_return_id>/evidence/<int:evidence_file_id>/",
        round_api.ReturnEvidenceView.as_view(),
        name="return_evidence",
    ),
]
