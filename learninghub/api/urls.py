"""API under /api/v1/partnerships/<slug>/learning-hub/: cycles, their phases and checklist tasks."""

from django.urls import path

from learninghub.api import cycles as cycle_api
from learninghub.api import feedback as feedback_api
from learninghub.api import findings as findings_api
from learninghub.api import members as member_api
from learninghub.api import observers as observer_api
from learninghub.api import sessions as session_api

app_name = "learninghub_api"

_P = "partnerships/<slug:slug>/learning-hub/"
_C = _P + "cycles/<int:hub_cycle_id>/"
_F = _C + "findings/"
_N = _C + "members/<int:hub_nomination_id>/"
_S = _P + "sessions/<int:hub_session_id>/"
_SA = _P + "session-actions/<int:hub_session_action_id>/"
urlpatterns: list = [
    path(_P + "cycles/", cycle_api.CycleListView.as_view(), name="cycle_list"),
    path(_C, cycle_api.CycleDetailView.as_view(), name="cycle_detail"),
    path(_C + "move/", cycle_api.CycleMoveView.as_view(), name="cycle_move"),
    path(_C + "phases/<int:hub_phase_id>/", cycle_api.PhaseDetailView.as_view(), name="phase_detail"),
    path(_C + "tasks/", cycle_api.CycleTaskListView.as_view(), name="cycle_tasks"),
    path(_P + "tasks/<int:hub_task_id>/tick/", cycle_api.TaskTickView.as_view(), name="task_tick"),
    path(_P + "tasks/<int:hub_task_id>/assign/", cycle_api.TaskAssignView.as_view(), name="task_assign"),
    path(_F, findings_api.FindingsView.as_view(), name="findings"),
    path(_F + "audits/", findings_api.AuditCommissionView.as_view(), name="findings_audit_commission"),
    path(_F + "audits/link/", findings_api.AuditLinkView.as_view(), name="findings_audit_link"),
    path(_F + "audits/<int:hub_audit_id>/", findings_api.AuditUnlinkView.as_view(), name="findings_audit_unlink"),
    path(_F + "items/", findings_api.FindingCreateView.as_view(), name="findings_add"),
    path(_F + "items/<int:hub_finding_id>/", findings_api.FindingDetailView.as_view(), name="findings_remove"),
    path(_F + "drafts/", findings_api.DraftCreateView.as_view(), name="findings_draft_add"),
    path(_F + "drafts/<int:hub_draft_id>/move/", findings_api.DraftMoveView.as_view(), name="findings_draft_move"),
    path(_F + "drafts/agree/", findings_api.DraftsAgreeView.as_view(), name="findings_drafts_agree"),
    path(_F + "measures/", findings_api.MeasureCreateView.as_view(), name="findings_measure_add"),
    path(
        _F + "measures/<int:hub_measure_id>/review/",
        findings_api.MeasureReviewView.as_view(),
        name="findings_measure_review",
    ),
    path(_F + "report/", findings_api.ReportView.as_view(), name="findings_report"),
    path(_C + "observers/", observer_api.CycleObserverListView.as_view(), name="cycle_observers"),
    path(
        _C + "observers/<int:hub_observer_id>/revoke/",
        observer_api.ObserverRevokeView.as_view(),
        name="observer_revoke",
    ),
    path(_C + "members/", member_api.MembersView.as_view(), name="cycle_members"),
    path(_C + "members/submit/", member_api.MembershipSubmitView.as_view(), name="membership_submit"),
    path(_N, member_api.NominationDetailView.as_view(), name="nomination_detail"),
    path(_N + "shortlist/", member_api.NominationShortlistView.as_view(), name="nomination_shortlist"),
    path(_N + "withdraw/", member_api.NominationWithdrawView.as_view(), name="nomination_withdraw"),
    path(_C + "sessions/", session_api.SessionListView.as_view(), name="session_list"),
    path(_S, session_api.SessionDetailView.as_view(), name="session_detail"),
    path(_S + "move/", session_api.SessionMoveView.as_view(), name="session_move"),
    path(_S + "attendance/", session_api.SessionAttendanceView.as_view(), name="session_attendance"),
    path(_S + "actions/", session_api.SessionActionListView.as_view(), name="session_actions"),
    path(_S + "invitation/", session_api.SessionInvitationView.as_view(), name="session_ics"),
    path(
        _S + "invitation/<int:membership_id>/",
        session_api.SessionMemberInvitationView.as_view(),
        name="session_member_ics",
    ),
    path(_SA, session_api.SessionActionDetailView.as_view(), name="session_action_detail"),
    path(_SA + "tick/", session_api.SessionActionTickView.as_view(), name="session_action_tick"),
]

# The delivery plan of a cycle.
from learninghub.api import plans as plan_api  # noqa: E402

_PLAN = _C + "plan/"
urlpatterns += [
    path(_PLAN, plan_api.PlanView.as_view(), name="plan"),
    path(_PLAN + "indicators/", plan_api.PlanIndicatorListView.as_view(), name="plan_indicator_list"),
    path(
        _PLAN + "indicators/<int:plan_indicator_id>/",
        plan_api.PlanIndicatorDetailView.as_view(),
        name="plan_indicator_detail",
    ),
    path(_PLAN + "upload/", plan_api.PlanUploadView.as_view(), name="plan_upload"),
    path(_PLAN + "items/", plan_api.PlanItemListView.as_view(), name="plan_item_list"),
    path(_PLAN + "items/<int:plan_item_id>/", plan_api.PlanItemDetailView.as_view(), name="plan_item_detail"),
    path(_PLAN + "versions/", plan_api.PlanVersionListView.as_view(), name="plan_version_list"),
    path(
        _PLAN + "versions/<int:plan_version_id>/", plan_api.PlanVersionDetailView.as_view(), name="plan_version_detail"
    ),
    path(_PLAN + "compare/", plan_api.PlanCompareView.as_view(), name="plan_compare"),
]

# Month 3: feedback (learninghub/api/feedback.py).
_F = _C + "feedback/"
_S = _F + "surveys/<int:feedback_survey_id>/"
urlpatterns += [
    path(_F + "sessions/", feedback_api.SessionListView.as_view(), name="feedback_session_list"),
    path(
        _F + "sessions/<int:feedback_session_id>/",
        feedback_api.SessionDetailView.as_view(),
        name="feedback_session_detail",
    ),
    path(_F + "children/", feedback_api.ChildFeedbackListView.as_view(), name="child_feedback_list"),
    path(
        _F + "children/<int:child_feedback_id>/",
        feedback_api.ChildFeedbackDetailView.as_view(),
        name="child_feedback_detail",
    ),
    path(_F + "figures/", feedback_api.FigureListView.as_view(), name="evaluation_figure_list"),
    path(
        _F + "figures/<int:evaluation_figure_id>/",
        feedback_api.FigureDetailView.as_view(),
        name="evaluation_figure_detail",
    ),
    path(_F + "surveys/", feedback_api.SurveyListView.as_view(), name="survey_list"),
    path(_S, feedback_api.SurveyDetailView.as_view(), name="survey_detail"),
    path(_S + "questions/", feedback_api.SurveyQuestionListView.as_view(), name="survey_question_list"),
    path(
        _S + "questions/<int:survey_question_id>/",
        feedback_api.SurveyQuestionDetailView.as_view(),
        name="survey_question_detail",
    ),
    path(_S + "move/", feedback_api.SurveyMoveView.as_view(), name="survey_move"),
    path(_S + "results/", feedback_api.SurveyResultsView.as_view(), name="survey_results"),
    path(_F + "you-said-we-did/", feedback_api.EntryListView.as_view(), name="you_said_we_did_list"),
    path(
        _F + "you-said-we-did/<int:you_said_we_did_id>/",
        feedback_api.EntryDetailView.as_view(),
        name="you_said_we_did_detail",
    ),
    path(
        _F + "you-said-we-did/<int:you_said_we_did_id>/move/",
        feedback_api.EntryMoveView.as_view(),
        name="you_said_we_did_move",
    ),
    path(_P + "you-said-we-did/", feedback_api.PublishedEntryListView.as_view(), name="you_said_we_did_published"),
]
