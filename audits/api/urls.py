"""API under /api/v1/partnerships/<slug>/: the schools register (Section 11 and s175 self-assessments)."""

from django.urls import path

from audits.api import schools as school_api

app_name = "audits_api"

_P = "partnerships/<slug:slug>/"
urlpatterns: list = [
    path(_P + "schools/", school_api.SchoolListView.as_view(), name="school_list"),
    path(_P + "schools/import/", school_api.SchoolImportView.as_view(), name="school_import"),
    path(_P + "schools/<int:school_id>/", school_api.SchoolDetailView.as_view(), name="school_detail"),
]
