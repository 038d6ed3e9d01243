"""Pages under /p/<slug>/learning-hub/: cycles, their phases and checklists."""

from django.urls import path

from learninghub.views import cycles as cycle_views
from learninghub.views import feedback as feedback_views
from learninghub.views import findings as findings_views
from learninghub.views import members as member_views
from learninghub.views import sessions as session_views

app_name = "learninghub"

_C = "learning-hub/<int:hub_cycle_id>/"
_F = _C + "findings/"
_N = _C + "members/<int:hub_nomination_id>/"
_S = "learning-hub/sessions/<int:hub_session_id>/"
_SA = "learning-hub/session-actions/<int:hub_session_action_id>/"
urlpatterns: list = [
    path("learning-hub/", cycle_views.cycle_list, name="cycle_list"),
    path("learning-hub/new/", cycle_views.cycle_create, name="cycle_create"),
    path(_C, cycle_views.cycle_detail, name="cycle_detail"),
    path(_C + "edit/", cycle_views.cycle_edit, name="cycle_edit"),
    path(_C + "close/", cycle_views.cycle_close, name="cycle_close"),
    path(_C + "phases/<int:hub_phase_id>/move/", cycle_views.phase_move, name="phase_move"),
    path("learning-hub/tasks/<int:hub_task_id>/tick/", cycle_views.task_tick, name="task_tick"),
    path("learning-hub/tasks/<int:hub_task_id>/assign/", cycle_views.task_assign, name="task_assign"),
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
    path(_C + "observers/new/", cycle_views.observer_invite, name="observer_invite"),
    path(_C + "observers/<int:hub_observer_id>/revoke/", cycle_views.observer_revoke, name="observer_revoke"),
    path(_C + "members/", member_views.cycle_members, name="cycle_members"),
    path(_C + "members/nominate/", member_views.nomination_create, name="nomination_create"),
    path(_C + "members/submit/", member_views.membership_submit, name="membership_submit"),
    path(_N + "shortlist/", member_views.nomination_shortlist, name="nomination_shortlist"),
    path(_N + "decline/", member_views.nomination_decline, name="nomination_decline"),
    path(_N + "withdraw/", member_views.nomination_withdraw, name="nomination_withdraw"),
    path(_C + "sessions/", session_views.session_list, name="session_list"),
    path(_C + "sessions/new/", session_views.session_create, name="session_create"),
    path(_S, session_views.session_detail, name="session_detail"),
    path(_S + "edit/", session_views.session_edit, name="session_edit"),
    path(_S + "attendance/", session_views.session_attendance, name="session_attendance"),
    path(_S + "actions/new/", session_views.action_create, name="session_action_create"),
    path(_S + "move/", session_views.session_move, name="session_move"),
    path(_S + "invitation/", session_views.session_ics, name="session_ics"),
    path(_S + "invitation/<int:membership_id>/", session_views.session_member_ics, name="session_member_ics"),
    path(_SA + "tick/", session_views.action_tick, name="session_action_tick"),
    path(_SA + "delete/", session_views.action_delete, name="session_action_delete"),
]

# The delivery plan of a cycle.
from learninghub.views import plans as plan_views  # noqa: E402

_PLAN = _C + "plan/"
urlpatterns += [
    path(_PLAN, plan_views.plan_detail, name="plan_detail"),
    path(_PLAN + "start/", plan_views.plan_start, name="plan_start"),
    path(_PLAN + "figures/new/", plan_views.indicator_edit, name="plan_indicator_add"),
    path(_PLAN + "figures/<int:plan_indicator_id>/edit/", plan_views.indicator_edit, name="plan_indicator_edit"),
    path(_PLAN + "figures/<int:plan_indicator_id>/remove/", plan_views.indicator_remove, name="plan_indicator_remove"),
    path(_PLAN + "upload/", plan_views.plan_upload, name="plan_upload"),
    path(_PLAN + "items/new/", plan_views.item_add, name="plan_item_add"),
    path(_PLAN + "items/<int:plan_item_id>/edit/", plan_views.item_edit, name="plan_item_edit"),
    path(_PLAN + "items/<int:plan_item_id>/remove/", plan_views.item_remove, name="plan_item_remove"),
    path(_PLAN + "versions/new/", plan_views.version_save, name="plan_version_save"),
    path(_PLAN + "versions/<int:plan_version_id>/", plan_views.version_detail, name="plan_version_detail"),
    path(_PLAN + "compare/", plan_views.plan_compare, name="plan_compare"),
]

# Month 3: feedback (learninghub/views/feedback.py).

_F = _C + "feedback/"
urlpatterns += [
    path(_F, feedback_views.feedback, name="feedback"),
    path(_F + "sessions/new/", feedback_views.session_edit, name="feedback_session_create"),
    path(_F + "sessions/<int:feedback_session_id>/edit/", feedback_views.session_edit, name="feedback_session_edit"),
    path(_F + "children/new/", feedback_views.child_edit, name="child_feedback_create"),
    path(_F + "children/<int:child_feedback_id>/edit/", feedback_views.child_edit, name="child_feedback_edit"),
    path(_F + "figures/new/", feedback_views.figure_create, name="evaluation_figure_create"),
    path(_F + "you-said-we-did/new/", feedback_views.entry_edit, name="you_said_we_did_create"),
    path(_F + "you-said-we-did/<int:you_said_we_did_id>/edit/", feedback_views.entry_edit, name="you_said_we_did_edit"),
    path(_F + "you-said-we-did/<int:you_said_we_did_id>/move/", feedback_views.entry_move, name="you_said_we_did_move"),
    path(
        _F + "sessions/<int:feedback_session_id>/delete/",
        feedback_views.record_delete,
        {"kind": "sessions"},
        name="feedback_session_delete",
    ),
    path(
        _F + "children/<int:child_feedback_id>/delete/",
        feedback_views.record_delete,
        {"kind": "children"},
        name="child_feedback_delete",
    ),
    path(
        _F + "figures/<int:evaluation_figure_id>/delete/",
        feedback_views.record_delete,
        {"kind": "figures"},
        name="evaluation_figure_delete",
    ),
    path(
        _F + "you-said-we-did/<int:you_said_we_did_id>/delete/",
        feedback_views.record_delete,
        {"kind": "entries"},
        name="you_said_we_did_delete",
    ),
    path(_F + "surveys/new/", feedback_views.survey_create, name="survey_create"),
    path(_F + "surveys/<int:feedback_survey_id>/", feedback_views.survey_builder, name="survey_builder"),
    path(_F + "surveys/<int:feedback_survey_id>/move/", feedback_views.survey_move, name="survey_move"),
    path(_F + "surveys/<int:feedback_survey_id>/results/", feedback_views.survey_results, name="survey_results"),
    path(
        _F + "surveys/<int:feedback_survey_id>/questions/<int:survey_question_id>/remove/",
        feedback_views.question_remove,
        name="survey_question_remove",
    ),
    path("learning-hub/you-said-we-did/", feedback_views.you_said_we_did_list, name="you_said_we_did_list"),
]
