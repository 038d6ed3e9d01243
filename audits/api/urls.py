"""API under /api/v1/partnerships/<slug>/: audit templates (and, with the audits app, rounds and returns)."""

from django.urls import path

from audits.api import findings as finding_api
from audits.api import rounds as round_api
from audits.api import templates as template_api

app_name = "audits_api"

_P = "partnerships/<slug:slug>/"

urlpatterns: list = []

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
