"""Pages under /p/<slug>/: serious incidents, rapid reviews, learning reviews."""

from django.urls import path

from reviews.views import decision as decision_views
from reviews.views import incidents as incident_views
from reviews.views import learning_review as learning_review_views
from reviews.views import rapid_review as rapid_review_views
from reviews.views import recommendations as recommendation_views
from reviews.views import requests as request_views

app_name = "reviews"

urlpatterns: list = []

# Serious incidents, rapid reviews and agency information requests.
urlpatterns += [
    path("rapid-reviews/", rapid_review_views.rapid_review_list, name="rapid_review_list"),
    path("rapid-reviews/<int:rapid_review_id>/", rapid_review_views.rapid_review_detail, name="rapid_review_detail"),
    path("incidents/new/", incident_views.incident_create, name="incident_create"),
    path("incidents/<int:incident_id>/edit/", incident_views.incident_edit, name="incident_edit"),
    path("incidents/<int:incident_id>/identities/", incident_views.incident_identities, name="incident_identities"),
    path("incidents/<int:incident_id>/children/new/", incident_views.incident_child_add, name="incident_child_add"),
    path(
        "incidents/<int:incident_id>/children/<int:child_id>/correct/",
        incident_views.incident_child_correct,
        name="incident_child_correct",
    ),
    path("identity-views/", incident_views.identity_log, name="identity_log"),
    path("rapid-reviews/<int:rapid_review_id>/requests/", request_views.request_tracker, name="request_tracker"),
    path("rapid-reviews/<int:rapid_review_id>/requests/new/", request_views.request_create, name="request_create"),
    path("requests/", request_views.my_requests, name="my_requests"),
    path("requests/<int:request_id>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/autosave/", request_views.request_autosave, name="request_autosave"),
    path("requests/<int:request_id>/send-back/", request_views.request_send_back, name="request_send_back"),
    path("requests/<int:request_id>/withdraw/", request_views.request_withdraw, name="request_withdraw"),
]

# The rapid review meeting, its decision, the partners' sign-off, the Panel, the template; timeliness.
urlpatterns += [
    path("rapid-reviews/timeliness/", decision_views.timeliness, name="timeliness"),
    path("rapid-reviews/<int:rapid_review_id>/meeting/", decision_views.meeting, name="rapid_review_meeting"),
    path(
        "rapid-reviews/<int:rapid_review_id>/meeting/date/",
        decision_views.meeting_date,
        name="rapid_review_meeting_date",
    ),
    path(
        "rapid-reviews/<int:rapid_review_id>/meeting/attendees/",
        decision_views.attendee_add,
        name="rapid_review_attendee_add",
    ),
    path(
        "rapid-reviews/<int:rapid_review_id>/meeting/attendees/<int:attendee_id>/remove/",
        decision_views.attendee_remove,
        name="rapid_review_attendee_remove",
    ),
    path("rapid-reviews/<int:rapid_review_id>/decision/", decision_views.decision, name="rapid_review_decision"),
    path(
        "rapid-reviews/<int:rapid_review_id>/themes/",
        recommendation_views.rapid_review_themes,
        name="rapid_review_themes",
    ),
    path(
        "rapid-reviews/<int:rapid_review_id>/decision/record/",
        decision_views.decision_record,
        name="rapid_review_decision_record",
    ),
    path(
        "rapid-reviews/<int:rapid_review_id>/decision/approve/",
        decision_views.decision_approve,
        name="rapid_review_decision_approve",
    ),
    path(
        "rapid-reviews/<int:rapid_review_id>/decision/send-back/",
        decision_views.decision_send_back,
        name="rapid_review_decision_send_back",
    ),
    path(
        "rapid-reviews/<int:rapid_review_id>/decision/sent-to-panel/",
        decision_views.sent_to_panel,
        name="rapid_review_sent_to_panel",
    ),
    path(
        "rapid-reviews/<int:rapid_review_id>/template/",
        decision_views.template_print,
        name="rapid_review_template",
    ),
    path(
        "rapid-reviews/<int:rapid_review_id>/template/pdf/",
        decision_views.template_pdf,
        name="rapid_review_template_pdf",
    ),
]

# Learning reviews: the plan, contributors, agency requests, the outcomes form, comments, finalising, publication.

_LR = "learning-reviews/<int:learning_review_id>/"
urlpatterns += [
    path("learning-reviews/", learning_review_views.learning_review_list, name="learning_review_list"),
    path("learning-reviews/new/", learning_review_views.learning_review_open, name="learning_review_open"),
    path(
        "rapid-reviews/<int:rapid_review_id>/learning-review/new/",
        learning_review_views.learning_review_open_from_rapid_review,
        name="learning_review_open_from_rapid_review",
    ),
    path(_LR, learning_review_views.learning_review_detail, name="learning_review_detail"),
    path(
        _LR + "recommendations/",
        recommendation_views.learning_review_recommendations,
        name="learning_review_recommendations",
    ),
    path(_LR + "themes/", recommendation_views.learning_review_themes, name="learning_review_themes"),
    path(_LR + "plan/", learning_review_views.learning_review_edit, name="learning_review_edit"),
    path(
        _LR + "contributors/",
        learning_review_views.learning_review_contributor_add,
        name="learning_review_contributor_add",
    ),
    path(
        _LR + "contributors/<int:contributor_id>/",
        learning_review_views.learning_review_contributor_update,
        name="learning_review_contributor_update",
    ),
    path(
        _LR + "contributors/<int:contributor_id>/remove/",
        learning_review_views.learning_review_contributor_remove,
        name="learning_review_contributor_remove",
    ),
    path(_LR + "requests/", learning_review_views.learning_review_requests, name="learning_review_requests"),
    path(
        _LR + "start-drafting/",
        learning_review_views.learning_review_start_drafting,
        name="learning_review_start_drafting",
    ),
    path(
        _LR + "outcomes-form/",
        learning_review_views.learning_review_outcomes_form,
        name="learning_review_outcomes_form",
    ),
    path(_LR + "circulate/", learning_review_views.learning_review_circulate, name="learning_review_circulate"),
    path(_LR + "take-back/", learning_review_views.learning_review_take_back, name="learning_review_take_back"),
    path(_LR + "comments/", learning_review_views.learning_review_comments, name="learning_review_comments"),
    path(_LR + "finalise/", learning_review_views.learning_review_finalise, name="learning_review_finalise"),
    path(_LR + "publication/", learning_review_views.learning_review_publication, name="learning_review_publication"),
    path(_LR + "print/", learning_review_views.learning_review_print, name="learning_review_print"),
    path(_LR + "pdf/", learning_review_views.learning_review_pdf, name="learning_review_pdf"),
    path(
        _LR + "public-summary/",
        learning_review_views.learning_review_public_summary,
        name="learning_review_public_summary",
    ),
    path(
        _LR + "public-summary/pdf/",
        learning_review_views.learning_review_public_summary_pdf,
        name="learning_review_public_summary_pdf",
    ),
]
