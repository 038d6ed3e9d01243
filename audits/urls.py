"""Pages under /p/<slug>/: the schools register (Section 11 and s175 self-assessments)."""

from django.urls import path

from audits.views import schools as school_views

app_name = "audits"

urlpatterns: list = [
    path("schools/", school_views.school_list, name="school_list"),
    path("schools/import/", school_views.school_import, name="school_import"),
    path("schools/<int:school_id>/", school_views.school_detail, name="school_detail"),
]
