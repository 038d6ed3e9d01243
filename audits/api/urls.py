"""API under /api/v1/partnerships/<slug>/: the schools register (Section 11 and s175 self-assessments)."""

from django.urls import path

from audits.api import schools as school_api
from audits.api import self_assessment as sa_api

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
    path(_R, sa_api.ReturnDetailView.as_view(), name="sa_return_detail"),
    path(_R + "submit/", sa_api.ReturnSubmitView.as_view(), name="sa_return_submit"),
    path(_R + "sign/", sa_api.ReturnSignView.as_view(), name="sa_return_sign"),
    path(_R + "send-back/", sa_api.ReturnSendBackView.as_view(), name="sa_return_send_back"),
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
