"""API of the scrutiny reports: the quarterly scrutiny reports and the annual report, their narrative, renders and
versions; and the annual reports agencies owe the partnership.

The same rules as the pages: leadership and the scrutineer read the reports; the business managers or the scrutineer
start one; the scrutineer alone writes the narrative (versioned: 409 when stale, 428 without a version); the business
managers publish. Rendering answers 202 with the document version to follow in the documents API: one version is
both the PDF and its Word copy (DOCX), each downloaded from its own address once the version is ready. Agency leads
read and send their own agency's annual reports. Another partnership's rows are 404 like missing ones.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api import RequestBodyTooLarge
from partnership.api.action_plans import _DOCX, _FILE, _FileAPIView, _json_errors
from partnership.api.base import PartnershipScopedAPIView, SizeLimitedJSONParser
from partnership.api.documents import DocumentNotReady, _private
from partnership.api.versions import expected_version
from partnership.api.views import _DETAIL, _FIELD_ERRORS, _answers, _conflict
from partnership.services.files import MAX_FILE_BYTES, stored_file_response
from scrutiny.selectors import reports as selectors
from scrutiny.selectors.reports import (
    AGENCY_REPORT_KINDS,
    AGENCY_REPORT_MODEL,
    AGENCY_REPORT_READ_ROLES,
    NARRATIVE_PLACES,
    NARRATIVE_WRITE_ROLES,
    QUARTERS,
    REPORT_CREATE_ROLES,
    REPORT_KINDS,
    REPORT_MANAGE_ROLES,
    REPORT_MODEL,
    REPORT_READ_ROLES,
    REPORT_STATES,
)
from scrutiny.services import report_render
from scrutiny.services import reports as services

TAG = "Scrutiny reports"
_YEAR = {"min_value": 2000, "max_value": 2100}
_NOT_ALLOWED = OpenApiResponse(description="You may see this, but your role does not let you change it.")

# The reporting year's quarters with their months: the schema names them ReportingQuarterEnum (config/settings.py),
# the same enum as the scrutiny plan's.
REPORTING_QUARTERS = [(quarter, QUARTERS[quarter]) for quarter in sorted(QUARTERS)]


# --- Serializers ------------------------------------------------------------------------------------------------


class ScrutinyReportNarrativeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    place = serializers.ChoiceField(choices=NARRATIVE_PLACES.choices, read_only=True)
    heading = serializers.CharField(read_only=True, help_text="A further section's heading; empty for the others.")
    body = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Send it back (or If-Match) to change it.")


class ScrutinyReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=REPORT_KINDS.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    period_start = serializers.DateField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    state = serializers.ChoiceField(choices=REPORT_STATES.choices, read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ScrutinyReportDetailSerializer(ScrutinyReportSerializer):
    narrative = ScrutinyReportNarrativeSerializer(many=True, read_only=True)


class ScrutinyReportCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=REPORT_KINDS.choices)
    reporting_year = serializers.IntegerField(
        help_text="The reporting year's first year: 2025 is April 2025 to March 2026.", **_YEAR
    )
    quarter = serializers.ChoiceField(
        choices=REPORTING_QUARTERS,
        required=False,
        allow_null=True,
        help_text="1 (April to June) to 4 (January to March); quarterly reports only.",
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ScrutinyReportVersionSerializer(serializers.Serializer):
    updated_at = serializers.DateTimeField(required=False, help_text="The version you read (or send If-Match).")


class ScrutinyReportNarrativeUpdateSerializer(ScrutinyReportVersionSerializer):
    body = serializers.CharField(allow_blank=True, max_length=20000, trim_whitespace=False)
    heading = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Further sections only."
    )


class ScrutinyReportNarrativeAddSerializer(serializers.Serializer):
    heading = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)


class ScrutinyReportVersionFilesSerializer(serializers.Serializer):
    document_version_id = serializers.IntegerField(help_text="Follow it in the documents API: ready means both files.")
    number = serializers.IntegerField()
    state = serializers.CharField()
    requested_at = serializers.DateTimeField()
    status_url = serializers.CharField(help_text="The version's status (the documents API).")
    pdf_download_url = serializers.CharField(help_text="The PDF, once the state is ready (409 before).")
    docx_download_url = serializers.CharField(
        allow_null=True,
        help_text="The Word copy (DOCX), once the state is ready (409 before); null for a version made before Word "
        "copies were kept.",
    )


class ScrutinyReportVersionsSerializer(serializers.Serializer):
    versions = ScrutinyReportVersionFilesSerializer(many=True, help_text="Newest first.")


class AgencyAnnualReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    agency_id = serializers.IntegerField(read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)
    kind = serializers.ChoiceField(choices=AGENCY_REPORT_KINDS.choices, read_only=True)
    subject = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    reporting_year = serializers.IntegerField(read_only=True)
    requested_on = serializers.DateField(read_only=True)
    due_on = serializers.DateField(read_only=True)
    received_on = serializers.DateField(read_only=True, allow_null=True)
    summary = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class AgencyAnnualReportRequestSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=AGENCY_REPORT_KINDS.choices)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=120, help_text="For kind other.")
    reporting_year = serializers.IntegerField(**_YEAR)
    due_on = serializers.DateField()


class AgencyAnnualReportSummarySerializer(ScrutinyReportVersionSerializer):
    summary = serializers.CharField(allow_blank=True, max_length=5000)


class AgencyAnnualReportReceiveSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The agency's report: PDF, Word, OpenDocument text..., up to 10 MB.")
    received_on = serializers.DateField(required=False, help_text="Today when left out.")


# --- Reports ----------------------------------------------------------------------------------------------------


class _ReportAPIView(PartnershipScopedAPIView):
    read_roles = REPORT_READ_ROLES
    write_roles = REPORT_MANAGE_ROLES
    model = REPORT_MODEL
    serializer_class = ScrutinyReportSerializer

    def scoped_queryset(self, partnership):
        return selectors.scrutiny_reports_list(partnership=partnership)

    def report(self, scrutiny_report_id) -> object:
        return selectors.scrutiny_report_get(partnership=self.partnership, scrutiny_report_id=scrutiny_report_id)

    def report_answer(self, report, *, code: int = status.HTTP_200_OK) -> Response:
        report = self.report(report.pk)
        data = dict(ScrutinyReportSerializer(report).data)
        data["narrative"] = ScrutinyReportNarrativeSerializer(
            selectors.report_narrative(partnership=self.partnership, report=report), many=True
        ).data
        return Response(data, status=code)


class ReportListView(_ReportAPIView):
    """The partnership's scrutiny reports, newest period first; the business managers or the scrutineer start one."""

    write_roles = REPORT_CREATE_ROLES

    @extend_schema(
        tags=[TAG], summary="Scrutiny reports", responses=_answers({200: ScrutinyReportSerializer(many=True)})
    )
    def get(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ScrutinyReportSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Start a quarterly scrutiny report or the annual report (business managers, the scrutineer)",
        request=ScrutinyReportCreateSerializer,
        responses=_answers({201: ScrutinyReportDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = ScrutinyReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.scrutiny_report_create(
            partnership=self.partnership,
            actor=request.user,
            kind=data["kind"],
            reporting_year=data["reporting_year"],
            quarter=data.get("quarter"),
            title=data.get("title", ""),
        )
        return self.report_answer(report, code=status.HTTP_201_CREATED)


class ReportDetailView(_ReportAPIView):
    """One report with its narrative."""

    @extend_schema(tags=[TAG], summary="A scrutiny report", responses=_answers({200: ScrutinyReportDetailSerializer}))
    def get(self, request: Request, slug: str, scrutiny_report_id: int) -> Response:
        return self.report_answer(self.report(scrutiny_report_id))


class _ReportMoveView(_ReportAPIView):
    move = None

    def _post(self, request: Request, scrutiny_report_id: int) -> Response:
        report = self.report(scrutiny_report_id)
        serializer = ScrutinyReportVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        type(self).move(
            partnership=self.partnership,
            actor=request.user,
            report=report,
            expected_updated_at=expected_version(request, serializer.validated_data),
        )
        return self.report_answer(report)


class ReportPublishView(_ReportMoveView):
    """Publish a report: its narrative is settled."""

    move = services.scrutiny_report_publish

    @extend_schema(
        tags=[TAG],
        summary="Publish a report (business managers)",
        request=ScrutinyReportVersionSerializer,
        responses=_answers(
            {200: ScrutinyReportDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("report")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, scrutiny_report_id: int) -> Response:
        return self._post(request, scrutiny_report_id)


class ReportDraftView(_ReportMoveView):
    """Take a published report back to draft, to correct its narrative."""

    move = services.scrutiny_report_reopen

    @extend_schema(
        tags=[TAG],
        summary="Take a report back to draft (business managers)",
        request=ScrutinyReportVersionSerializer,
        responses=_answers(
            {200: ScrutinyReportDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("report")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, scrutiny_report_id: int) -> Response:
        return self._post(request, scrutiny_report_id)


class NarrativeListView(_ReportAPIView):
    """Add a further section to the narrative (the scrutineer)."""

    write_roles = NARRATIVE_WRITE_ROLES
    serializer_class = ScrutinyReportNarrativeSerializer

    @extend_schema(
        tags=[TAG],
        summary="Add a further section to the narrative (the scrutineer)",
        request=ScrutinyReportNarrativeAddSerializer,
        responses=_answers({201: ScrutinyReportNarrativeSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, scrutiny_report_id: int) -> Response:
        report = self.report(scrutiny_report_id)
        serializer = ScrutinyReportNarrativeAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.report_narrative_add(
            partnership=self.partnership, actor=request.user, report=report, **serializer.validated_data
        )
        return Response(ScrutinyReportNarrativeSerializer(row).data, status=status.HTTP_201_CREATED)


class NarrativeDetailView(_ReportAPIView):
    """One section of the narrative: read by the report's readers, written by the scrutineer."""

    write_roles = NARRATIVE_WRITE_ROLES
    serializer_class = ScrutinyReportNarrativeSerializer

    def narrative(self, scrutiny_report_id, report_narrative_id) -> object:
        return selectors.report_narrative_get(
            partnership=self.partnership,
            report=self.report(scrutiny_report_id),
            report_narrative_id=report_narrative_id,
        )

    @extend_schema(
        tags=[TAG], summary="A section of the narrative", responses=_answers({200: ScrutinyReportNarrativeSerializer})
    )
    def get(self, request: Request, slug: str, scrutiny_report_id: int, report_narrative_id: int) -> Response:
        return Response(ScrutinyReportNarrativeSerializer(self.narrative(scrutiny_report_id, report_narrative_id)).data)

    @extend_schema(
        tags=[TAG],
        summary="Write a section of the narrative (the scrutineer)",
        request=ScrutinyReportNarrativeUpdateSerializer,
        responses=_answers(
            {200: ScrutinyReportNarrativeSerializer, 400: _FIELD_ERRORS, 409: _conflict("section")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, scrutiny_report_id: int, report_narrative_id: int) -> Response:
        row = self.narrative(scrutiny_report_id, report_narrative_id)
        serializer = ScrutinyReportNarrativeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = services.report_narrative_update(
            partnership=self.partnership,
            actor=request.user,
            narrative=row,
            body=data["body"],
            heading=data.get("heading", row.heading),
            expected_updated_at=expected_version(request, data),
        )
        return Response(ScrutinyReportNarrativeSerializer(row).data)

    @extend_schema(
        tags=[TAG],
        summary="Remove a further section (the scrutineer; send If-Match)",
        responses=_answers({204: None, 400: _FIELD_ERRORS, 409: _conflict("section")}),
    )
    def delete(self, request: Request, slug: str, scrutiny_report_id: int, report_narrative_id: int) -> Response:
        row = self.narrative(scrutiny_report_id, report_narrative_id)
        services.report_narrative_remove(
            partnership=self.partnership,
            actor=request.user,
            narrative=row,
            expected_updated_at=expected_version(request, {}),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _version_files(slug: str, report, version, *, has_docx: bool) -> dict:
    def url(name: str, **kwargs) -> str:
        return reverse(name, kwargs={"slug": slug, **kwargs})

    return {
        "document_version_id": version.pk,
        "number": version.number,
        "state": version.state,
        "requested_at": version.requested_at,
        "status_url": url("api:document_version", version_id=version.pk),
        "pdf_download_url": url("api:document_download", version_id=version.pk),
        "docx_download_url": (
            url("scrutiny_api:report_version_docx", scrutiny_report_id=report.pk, report_version_id=version.pk)
            if has_docx
            else None
        ),
    }


class ReportRenderView(_ReportAPIView):
    """Ask the worker for the report as PDF and DOCX: one version, both files; follow it to its downloads."""

    # Whoever reads the reports may ask for one.
    write_roles = REPORT_READ_ROLES
    serializer_class = ScrutinyReportVersionFilesSerializer

    @extend_schema(
        tags=[TAG],
        summary="Ask for the report as PDF and DOCX (worker-rendered, kept as one version)",
        request=None,
        # No body is read, but a POST's parser still answers an oversized or unsupported one (400, 413, 415).
        responses=_answers({202: ScrutinyReportVersionFilesSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, scrutiny_report_id: int) -> Response:
        report = self.report(scrutiny_report_id)
        version = report_render.scrutiny_report_render_request(
            partnership=self.partnership, actor=request.user, report=report
        )
        has_docx = selectors.report_version_keeps_docx(partnership=self.partnership, version_id=version.pk)
        data = _version_files(slug, report, version, has_docx=has_docx)
        return Response(ScrutinyReportVersionFilesSerializer(data).data, status=status.HTTP_202_ACCEPTED)


class ReportVersionsView(_ReportAPIView):
    """Every version made of the report, newest first, each its PDF and its Word copy (older ones still
    downloadable)."""

    serializer_class = ScrutinyReportVersionsSerializer

    @extend_schema(
        tags=[TAG], summary="A report's versions", responses=_answers({200: ScrutinyReportVersionsSerializer})
    )
    def get(self, request: Request, slug: str, scrutiny_report_id: int) -> Response:
        report = self.report(scrutiny_report_id)
        entries = selectors.report_versions(partnership=self.partnership, report=report, membership=self.membership)
        versions = [_version_files(slug, report, e.version, has_docx=e.docx is not None) for e in entries]
        return Response(ScrutinyReportVersionsSerializer({"versions": versions}).data)


class ReportVersionDocxView(_FileAPIView):
    """A version's Word copy, recorded as a download (who, which version, when) before it is sent, as on the page."""

    read_roles = REPORT_READ_ROLES
    model = REPORT_MODEL

    @extend_schema(
        tags=[TAG],
        summary="Download a report version's Word copy (DOCX)",
        responses=_json_errors(
            _answers({**_DOCX, 409: OpenApiResponse(_DETAIL, description="Not made yet: see the version's status.")})
        ),
    )
    def get(self, request: Request, slug: str, scrutiny_report_id: int, report_version_id: int) -> HttpResponse:
        report = selectors.scrutiny_report_get(partnership=self.partnership, scrutiny_report_id=scrutiny_report_id)
        row = report_render.report_version_docx_download(
            partnership=self.partnership, membership=self.membership, report=report, version_id=report_version_id
        )
        if row is None:
            raise DocumentNotReady("The Word copy is not made yet: poll the version's status until its state is ready.")
        return _private(report_render.report_version_docx_response(partnership=self.partnership, row=row))


# --- Agency annual reports --------------------------------------------------------------------------------------


class _AgencyReportAPIView(PartnershipScopedAPIView):
    read_roles = AGENCY_REPORT_READ_ROLES
    write_roles = REPORT_MANAGE_ROLES
    model = AGENCY_REPORT_MODEL
    serializer_class = AgencyAnnualReportSerializer

    def scoped_queryset(self, partnership):
        return selectors.agency_annual_reports_list(partnership=partnership, membership=self.membership)

    def row(self, agency_report_id) -> object:
        return selectors.agency_annual_report_get(
            partnership=self.partnership, membership=self.membership, agency_report_id=agency_report_id
        )


class AgencyReportListView(_AgencyReportAPIView):
    """The agencies' annual reports the caller may read (an agency lead: their agency's); the business managers ask
    for one, with a deadline the deadline engine chases."""

    @extend_schema(
        tags=[TAG],
        summary="Agencies' annual reports",
        responses=_answers({200: AgencyAnnualReportSerializer(many=True)}),
    )
    def get(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AgencyAnnualReportSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Ask an agency for its annual report (business managers)",
        request=AgencyAnnualReportRequestSerializer,
        responses=_answers({201: AgencyAnnualReportSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = AgencyAnnualReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = services.agency_annual_report_request(
            partnership=self.partnership,
            actor=request.user,
            agency_id=data["agency_id"],
            kind=data["kind"],
            subject=data.get("subject", ""),
            reporting_year=data["reporting_year"],
            due_on=data["due_on"],
            requested_on=timezone.localdate(),
        )
        return Response(AgencyAnnualReportSerializer(self.row(row.pk)).data, status=status.HTTP_201_CREATED)


class AgencyReportDetailView(_AgencyReportAPIView):
    """One agency annual report; the business managers write its summary for the annual report."""

    @extend_schema(
        tags=[TAG], summary="An agency's annual report", responses=_answers({200: AgencyAnnualReportSerializer})
    )
    def get(self, request: Request, slug: str, agency_report_id: int) -> Response:
        return Response(AgencyAnnualReportSerializer(self.row(agency_report_id)).data)

    @extend_schema(
        tags=[TAG],
        summary="Summarise a received agency annual report (business managers)",
        request=AgencyAnnualReportSummarySerializer,
        responses=_answers(
            {200: AgencyAnnualReportSerializer, 400: _FIELD_ERRORS, 409: _conflict("summary")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, agency_report_id: int) -> Response:
        row = self.row(agency_report_id)
        serializer = AgencyAnnualReportSummarySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.agency_annual_report_summarise(
            partnership=self.partnership,
            actor=request.user,
            report=row,
            summary=serializer.validated_data["summary"],
            expected_updated_at=expected_version(request, serializer.validated_data),
        )
        return Response(AgencyAnnualReportSerializer(self.row(row.pk)).data)


class AgencyReportMultiPartParser(MultiPartParser):
    """Multipart for one report file, refused above what it can carry (the files service checks the file)."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except (TypeError, ValueError):
            length = 0
        if length > MAX_FILE_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestBodyTooLarge()
        return super().parse(stream, media_type, parser_context)


class AgencyReportReceiveView(_AgencyReportAPIView):
    """Send the agency's report (multipart/form-data): kept encrypted, and the request is marked received."""

    # The agency's lead or a business manager (checked per report below).
    write_roles = AGENCY_REPORT_READ_ROLES
    parser_classes = [AgencyReportMultiPartParser, SizeLimitedJSONParser]

    @extend_schema(
        tags=[TAG],
        summary="Send an agency's annual report (its agency lead, business managers)",
        request={"multipart/form-data": AgencyAnnualReportReceiveSerializer},
        responses=_answers({200: AgencyAnnualReportSerializer, 400: _FIELD_ERRORS, 403: _NOT_ALLOWED}, takes_body=True),
    )
    def post(self, request: Request, slug: str, agency_report_id: int) -> Response:
        row = self.row(agency_report_id)
        if not selectors.agency_annual_report_receives(report=row, membership=self.membership):
            raise PermissionDenied("Only the agency's lead or a business manager sends the agency's report.")
        serializer = AgencyAnnualReportReceiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.agency_annual_report_receive(
            partnership=self.partnership,
            actor=request.user,
            report=row,
            upload=serializer.validated_data["file"],
            received_on=serializer.validated_data.get("received_on") or timezone.localdate(),
        )
        return Response(AgencyAnnualReportSerializer(self.row(row.pk)).data)


class AgencyReportFileView(_FileAPIView):
    """The newest file received for an agency's annual report, as an attachment."""

    read_roles = AGENCY_REPORT_READ_ROLES
    model = AGENCY_REPORT_MODEL

    @extend_schema(
        tags=[TAG], summary="Download an agency's annual report", responses=_json_errors(_answers(dict(_FILE)))
    )
    def get(self, request: Request, slug: str, agency_report_id: int) -> HttpResponse:
        row = selectors.agency_annual_report_get(
            partnership=self.partnership, membership=self.membership, agency_report_id=agency_report_id
        )
        return stored_file_response(
            selectors.agency_annual_report_file_with_data(partnership=self.partnership, report=row)
        )
