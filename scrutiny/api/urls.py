"""API under /api/v1/partnerships/<slug>/scrutiny/."""

from django.urls import path

from scrutiny.api import dashboard as dashboard_api
from scrutiny.api import reports as reports_api

app_name = "scrutiny_api"

_S = "partnerships/<slug:slug>/scrutiny/"
_R = _S + "reports/<int:scrutiny_report_id>/"
_A = _S + "agency-reports/<int:agency_report_id>/"

urlpatterns: list = [
    path("partnerships/<slug:slug>/scrutiny/dashboard/", dashboard_api.DashboardView.as_view(), name="dashboard"),
    # The quarterly scrutiny reports and the annual report.
    path(_S + "reports/", reports_api.ReportListView.as_view(), name="report_list"),
    path(_R, reports_api.ReportDetailView.as_view(), name="report_detail"),
    path(_R + "publish/", reports_api.ReportPublishView.as_view(), name="report_publish"),
    path(_R + "draft/", reports_api.ReportDraftView.as_view(), name="report_draft"),
    path(_R + "narrative/", reports_api.NarrativeListView.as_view(), name="narrative_list"),
    path(
        _R + "narrative/<int:report_narrative_id>/", reports_api.NarrativeDetailView.as_view(), name="narrative_detail"
    ),
    path(_R + "render/", reports_api.ReportRenderView.as_view(), name="report_render"),
    path(_R + "versions/", reports_api.ReportVersionsView.as_view(), name="report_versions"),
    # The annual reports agencies owe the partnership.
    path(_S + "agency-reports/", reports_api.AgencyReportListView.as_view(), name="agency_report_list"),
    path(_A, reports_api.AgencyReportDetailView.as_view(), name="agency_report_detail"),
    path(_A + "receive/", reports_api.AgencyReportReceiveView.as_view(), name="agency_report_receive"),
    path(_A + "file/", reports_api.AgencyReportFileView.as_view(), name="agency_report_file"),
]
