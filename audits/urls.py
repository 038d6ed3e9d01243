"""Pages under /p/<slug>/: the schools register (Section 11 and s175 self-assessments)."""

from django.urls import path

from audits.views import moderation as moderation_views
from audits.views import schools as school_views
from audits.views import self_assessment as sa_views

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
    path(_R, sa_views.return_detail, name="sa_return_detail"),
    path(_R + "sign/", sa_views.return_sign, name="sa_return_sign"),
    path(_R + "send-back/", sa_views.return_send_back, name="sa_return_send_back"),
    path(_R + "moderate/", moderation_views.return_moderate, name="sa_return_moderate"),
    path(_R + "agreed-actions/", moderation_views.agreed_action_add, name="agreed_action_add"),
    path(_S, sa_views.standard_detail, name="standard_detail"),
    path(_S + "actions/<int:gap_action_id>/remove/", sa_views.gap_action_remove, name="gap_action_remove"),
    path(_S + "evidence/<int:evidence_id>/", sa_views.standard_evidence_download, name="standard_evidence_download"),
]
