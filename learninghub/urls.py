"""Pages under /p/<slug>/learning-hub/: cycles, their phases and checklists."""

from django.urls import path

from learninghub.views import cycles as cycle_views
from learninghub.views import findings as findings_views
from learninghub.views import members as member_views

app_name = "learninghub"

_C = "learning-hub/<int:hub_cycle_id>/"
_F = _C + "findings/"
_N = _C + "members/<int:hub_nomination_id>/"
urlpatterns: list = [
    path("learning-hub/", cycle_views.cycle_list, name="cycle_list"),
    path("learning-hub/new/", cycle_views.cycle_create, name="cycle_create"),
    path(_C, cycle_views.cycle_detail, name="cycle_detail"),
    path(_C + "edit/", cycle_views.cycle_edit, name="cycle_edit"),
    path(_C + "close/", cycle_views.cycle_close, name="cycle_close"),
    path(_C + "phases/<int:hub_phase_id>/move/", cycle_views.phase_move, name="phase_move"),
    path("learning-hub/tasks/<int:hub_task_id>/tick/", cycle_views.task_tick, name="task_tick"),
    path(_F, findings_views.cycle_findings, name="cycle_findings"),
    path(_F + "audits/new/", findings_views.audit_commission, name="findings_audit_commission"),
    path(_F + "audits/link/", findings_views.audit_link, name="findings_audit_link"),
    path(_F + "audits/<int:hub_audit_id>/unlink/", findings_views.audit_unlink, name="findings_audit_unlink"),
    path(_F + "add/", findings_views.finding_add, name="findings_add"),
    path(_F + "<int:hub_finding_id>/remove/", findings_views.finding_remove, name="findings_remove"),
    path(_F + "drafts/add/", findings_views.draft_add, name="findings_draft_add"),
    path(_F + "drafts/<int:hub_draft_id>/move/", findings_views.draft_move, name="findings_draft_move"),
    path(_F + "drafts/agree/", findings_views.drafts_agree, name="findings_drafts_agree"),
    path(_F + "measures/add/", findings_views.measure_add, name="findings_measure_add"),
    path(_F + "measures/<int:hub_measure_id>/review/", findings_views.measure_review, name="findings_measure_review"),
    path(_F + "report/", findings_views.findings_report, name="findings_report"),
    path(_C + "members/", member_views.cycle_members, name="cycle_members"),
    path(_C + "members/nominate/", member_views.nomination_create, name="nomination_create"),
    path(_C + "members/submit/", member_views.membership_submit, name="membership_submit"),
    path(_N + "shortlist/", member_views.nomination_shortlist, name="nomination_shortlist"),
    path(_N + "decline/", member_views.nomination_decline, name="nomination_decline"),
    path(_N + "withdraw/", member_views.nomination_withdraw, name="nomination_withdraw"),
]
