"""Pages under /p/<slug>/scrutiny/."""

from django.urls import path

from scrutiny import views

app_name = "scrutiny"

_R = "scrutiny/reports/<int:scrutiny_report_id>/"
_A = "scrutiny/agency-reports/<int:agency_report_id>/"

urlpatterns: list = [
    path("scrutiny/", views.dashboard, name="dashboard"),
    path("scrutiny/overdue-actions/", views.overdue_actions, name="overdue_actions"),
    path("scrutiny/<slug:panel>.svg", views.panel_chart, name="panel_chart"),
    path("scrutiny/<slug:panel>.csv", views.panel_csv, name="panel_csv"),
    # The quarterly scrutiny reports and the annual report.
    path("scrutiny/reports/", views.report_list, name="report_list"),
    path(_R, views.report_detail, name="report_detail"),
    path(_R + "narrative/add/", views.narrative_add, name="narrative_add"),
    path(_R + "narrative/<int:report_narrative_id>/", views.narrative_edit, name="narrative_edit"),
    path(_R + "narrative/<int:report_narrative_id>/remove/", views.narrative_remove, name="narrative_remove"),
    path(_R + "publish/", views.report_publish, name="report_publish"),
    path(_R + "draft/", views.report_reopen, name="report_reopen"),
    path(_R + "render/", views.report_render_view, name="report_render"),
    path(_R + "versions/", views.report_versions, name="report_versions"),
    # The annual reports the agencies owe the partnership.
    path("scrutiny/agency-reports/", views.agency_report_list, name="agency_report_list"),
    path(_A, views.agency_report_detail, name="agency_report_detail"),
    path(_A + "receive/", views.agency_report_receive, name="agency_report_receive"),
    path(_A + "summary/", views.agency_report_summary, name="agency_report_summary"),
    path(_A + "file/", views.agency_report_file, name="agency_report_file"),
]
