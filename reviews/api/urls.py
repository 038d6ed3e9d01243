"""API under /api/v1/partnerships/<slug>/: incidents, rapid reviews, returns, decisions, learning reviews."""

from django.urls import path

from reviews.api import decision as decision_api
from reviews.api import incident_views, request_views
from reviews.api import learning_review as learning_review_api

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
    path(_LR + "comments/", learning_review_api.CommentListView.as_view(), name="learning_review_comments"),
    path(_LR + "publication/", learning_review_api.PublicationView.as_view(), name="learning_review_publication"),
]
