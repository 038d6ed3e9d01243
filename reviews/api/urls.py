"""API under /api/v1/partnerships/<slug>/: incidents, rapid reviews, returns, decisions, learning reviews."""

from django.urls import path

from reviews.api import decision as decision_api
from reviews.api import incident_views, request_views
from reviews.api import learning_review as learning_review_api
from reviews.api import learning_review_workflow as workflow_api
from reviews.api import recommendations as recommendation_api

app_name = "reviews_api"

urlpatterns: list = []

# The rapid review meeting, decision, partners' sign-off, Panel submission and timeliness.
_RR = "partnerships/<slug:slug>/rapid-reviews/<int:rapid_review_id>/"
urlpatterns += [
    path(
        "partnerships/<slug:slug>/rapid-reviews/timeliness/", decision_api.TimelinessView.as_view(), name="timeliness"
    ),
    path(_RR + "meeting/", decision_api.MeetingView.as_view(), name="rapid_review_meeting"),
    path(_RR + "meeting/attendees/", decision_api.AttendeeListView.as_view(), name="rapid_review_attendee_list"),
    path(
        _RR + "meeting/attendees/<int:attendee_id>/",
        decision_api.AttendeeDetailView.as_view(),
        name="rapid_review_attendee_detail",
    ),
    path(_RR + "decision/", decision_api.DecisionView.as_view(), name="rapid_review_decision"),
    path(_RR + "decision/approve/", decision_api.DecisionApproveView.as_view(), name="rapid_review_decision_approve"),
    path(
        _RR + "decision/send-back/", decision_api.DecisionSendBackView.as_view(), name="rapid_review_decision_send_back"
    ),
    path(_RR + "sent-to-panel/", decision_api.SentToPanelView.as_view(), name="rapid_review_sent_to_panel"),
    path(_RR + "template/pdf/", decision_api.TemplatePdfView.as_view(), name="rapid_review_template_pdf"),
    path(_RR + "documents/", decision_api.RapidReviewDocumentListView.as_view(), name="rapid_review_documents"),
    path(_RR + "themes/", recommendation_api.RapidReviewThemesView.as_view(), name="rapid_review_themes"),
]

# Serious incidents, rapid reviews (with their milestones) and agency information requests.
_P = "partnerships/<slug:slug>/"
urlpatterns += [
    path(_P + "incidents/", incident_views.IncidentListView.as_view(), name="incident_list"),
    path(_P + "incidents/<int:incident_id>/", incident_views.IncidentDetailView.as_view(), name="incident_detail"),
    path(
        _P + "incidents/<int:incident_id>/children/",
        incident_views.IncidentChildListView.as_view(),
        name="incident_child_list",
    ),
    path(
        _P + "incidents/<int:incident_id>/children/<int:child_id>/",
        incident_views.IncidentChildDetailView.as_view(),
        name="incident_child_detail",
    ),
    path(_P + "rapid-reviews/", incident_views.RapidReviewListView.as_view(), name="rapid_review_list"),
    path(_RR, incident_views.RapidReviewDetailView.as_view(), name="rapid_review_detail"),
    path(_RR + "requests/", request_views.RapidReviewRequestListView.as_view(), name="rapid_review_request_list"),
    path(_P + "requests/", request_views.MyRequestListView.as_view(), name="my_request_list"),
    path(
        _P + "requests/<int:request_id>/", request_views.InformationRequestDetailView.as_view(), name="request_detail"
    ),
    path(
        _P + "requests/<int:request_id>/submit/",
        request_views.InformationRequestSubmitView.as_view(),
        name="request_submit",
    ),
    path(
        _P + "requests/<int:request_id>/send-back/",
        request_views.InformationRequestSendBackView.as_view(),
        name="request_send_back",
    ),
    path(
        _P + "requests/<int:request_id>/withdraw/",
        request_views.InformationRequestWithdrawView.as_view(),
        name="request_withdraw",
    ),
    path(_P + "identity-views/", incident_views.IdentityLogView.as_view(), name="identity_log"),
]

# Learning reviews, their outcomes form (with its SMART rows), comments and the publication decision.

_LR = "partnerships/<slug:slug>/learning-reviews/<int:learning_review_id>/"
urlpatterns += [
    path(
        "partnerships/<slug:slug>/learning-reviews/",
        learning_review_api.LearningReviewListView.as_view(),
        name="learning_review_list",
    ),
    path(_LR, learning_review_api.LearningReviewDetailView.as_view(), name="learning_review_detail"),
    path(_LR + "outcomes-form/", learning_review_api.OutcomesFormView.as_view(), name="learning_review_outcomes_form"),
    path(
        _LR + "recommendations/",
        recommendation_api.OutcomesRecommendationsView.as_view(),
        name="learning_review_recommendations",
    ),
    path(_LR + "themes/", recommendation_api.LearningReviewThemesView.as_view(), name="learning_review_themes"),
    path(_LR + "comments/", learning_review_api.CommentListView.as_view(), name="learning_review_comments"),
    path(_LR + "publication/", learning_review_api.PublicationView.as_view(), name="learning_review_publication"),
    path(_LR + "contributors/", workflow_api.ContributorListView.as_view(), name="learning_review_contributor_list"),
    path(
        _LR + "contributors/<int:contributor_id>/",
        workflow_api.ContributorDetailView.as_view(),
        name="learning_review_contributor_detail",
    ),
    path(_LR + "requests/", workflow_api.LearningReviewRequestListView.as_view(), name="learning_review_requests"),
    path(_LR + "start-drafting/", workflow_api.StartDraftingView.as_view(), name="learning_review_start_drafting"),
    path(_LR + "circulate/", workflow_api.CirculateView.as_view(), name="learning_review_circulate"),
    path(_LR + "take-back/", workflow_api.TakeBackView.as_view(), name="learning_review_take_back"),
    path(_LR + "finalise/", workflow_api.FinaliseView.as_view(), name="learning_review_finalise"),
    path(_LR + "documents/", workflow_api.LearningReviewDocumentListView.as_view(), name="learning_review_documents"),
    path(_LR + "outcomes-form/pdf/", workflow_api.OutcomesFormPdfView.as_view(), name="learning_review_pdf"),
    path(
        _LR + "public-summary/pdf/",
        workflow_api.PublicSummaryPdfView.as_view(),
        name="learning_review_public_summary_pdf",
    ),
]
