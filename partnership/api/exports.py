"""Exports written by the worker (spreadsheets): ask for one, poll its status, download the file.

The same rules as the pages (``partnership.views.exports``): a job is open to
its requester and to whom its kind shares it with; anyone else, and anyone of
another partnership, gets 404, as for a missing job. Which kinds there are, who
may ask for each and with which parameters, is declared by the apps
(``partnership.exports``): a kind that refuses the member answers 403, bad
parameters 400 with field errors under ``parameters``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.views import _DETAIL, _FIELD_ERRORS, _answers
from partnership.exports import export_kinds
from partnership.selectors.exports import EXPORT_STATES, export_job_get
from partnership.services.exports import (
    export_download,
    export_file_response,
    export_job_has_file,
    export_job_is_stuck,
    export_request,
    export_retry,
)

if TYPE_CHECKING:
    from partnership.models import ExportJob, Partnership

TAG = "Exports"
PARAMETERS_HELP = (
    "The kind's own parameters. sa.compliance_matrix: cycle (id), format (csv or xlsx), and the matrix's "
    "filters search, state, standard, at_most, basis. sa.cycle_returns: cycle (id)."
)


class ExportNotReady(APIException):
    status_code = 409
    default_code = "not_ready"
    default_detail = "The export is not ready yet: poll its status until its state is done."


class ExportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[], help_text="The kind of export.")
    parameters = serializers.DictField(required=False, default=dict, help_text=PARAMETERS_HELP)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = sorted(export_kinds())


class ExportJobSerializer(serializers.Serializer):
    """One export and how far it has got."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    parameters = serializers.DictField(read_only=True, help_text="As the kind kept them.")
    state = serializers.ChoiceField(choices=EXPORT_STATES, read_only=True)
    rows_done = serializers.IntegerField(read_only=True)
    rows_total = serializers.IntegerField(read_only=True, allow_null=True, help_text="Null until counted.")
    stuck = serializers.SerializerMethodField(
        help_text="Queued or running for far longer than it should: it is sent again by the background service."
    )
    error = serializers.CharField(read_only=True, help_text="Why it failed (empty otherwise).")
    file_name = serializers.CharField(source="file.name", read_only=True, default=None, allow_null=True)
    file_bytes = serializers.IntegerField(source="file.size", read_only=True, default=None, allow_null=True)
    requested_at = serializers.DateTimeField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True, allow_null=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(help_text="Answers 409 until the state is done.")

    @extend_schema_field(serializers.BooleanField())
    def get_stuck(self, job: ExportJob) -> bool:
        return export_job_is_stuck(job)

    def _url(self, job: ExportJob, name: str) -> str:
        return reverse(f"api:{name}", kwargs={"slug": job.partnership.slug, "job_id": job.pk})

    @extend_schema_field(serializers.CharField())
    def get_status_url(self, job: ExportJob) -> str:
        return self._url(job, "export_job")

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, job: ExportJob) -> str:
        return self._url(job, "export_download")


def _job_data(job: ExportJob, *, partnership: Partnership) -> dict:
    job.partnership = partnership
    return ExportJobSerializer(job).data


def _private(response: HttpResponse) -> HttpResponse:
    # Exports carry the partnership's returns: never kept by a browser's or a proxy's cache.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


class _ExportAPIView(PartnershipScopedAPIView):
    # Any member: the kind decides who may ask (403) and who may open a job (404 otherwise).
    read_roles: frozenset[str] = frozenset()
    write_roles: frozenset[str] = frozenset()


@extend_schema(tags=[TAG])
class ExportRequestView(_ExportAPIView):
    """Ask for an export: it is written by the worker. Poll the status URL it answers with."""

    serializer_class = ExportRequestSerializer

    @extend_schema(
        summary="Ask for an export (written in the background); answers 202 with its status",
        request=ExportRequestSerializer,
        responses=_answers({202: ExportJobSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            job = export_request(
                partnership=self.partnership,
                membership=self.membership,
                kind=serializer.validated_data["kind"],
                data=serializer.validated_data["parameters"],
            )
        except DjangoValidationError as exc:
            # The kind's field errors are about the parameters: say so, as a nested serializer would.
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            raise APIValidationError({"parameters": errors}) from None
        data = _job_data(job, partnership=self.partnership)
        response = Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})
        return _private(response)


@extend_schema(tags=[TAG])
class ExportJobView(_ExportAPIView):
    """An export's status: poll it until ``state`` is done (then download it) or failed. A done export's file
    is deleted a week after it was written (state expired); retry makes it again from the data as it is then."""

    serializer_class = ExportJobSerializer

    @extend_schema(summary="An export and how far it has got", responses=_answers({200: ExportJobSerializer}))
    def get(self, request: Request, slug: str, job_id: int) -> Response:
        job = export_job_get(partnership=self.partnership, membership=self.membership, job_id=job_id)
        return _private(Response(_job_data(job, partnership=self.partnership)))


@extend_schema(tags=[TAG])
class ExportRetryView(_ExportAPIView):
    """Try a failed export again (or one stuck for far longer than it should be): queued afresh, same id."""

    serializer_class = ExportJobSerializer

    @extend_schema(
        summary="Try an export again: a failed or stuck one is queued afresh (202); any other is answered as is",
        request=None,
        # No body is read, but a POST's parser still answers an oversized or unsupported one (413, 415).
        responses=_answers({202: ExportJobSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, job_id: int) -> Response:
        job = export_retry(partnership=self.partnership, membership=self.membership, job_id=job_id)
        return _private(Response(_job_data(job, partnership=self.partnership), status=status.HTTP_202_ACCEPTED))


class _SpreadsheetRenderer(BaseRenderer):
    """Lets a client ask for the download with ``Accept`` set to the file's type (no 406); the file is sent as a
    streamed ``HttpResponse`` and errors are still JSON (``ExportDownloadView.finalize_response``)."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - never chosen
        return data


class _CSVRenderer(_SpreadsheetRenderer):
    media_type = "text/csv"
    format = "csv"


class _XLSXRenderer(_SpreadsheetRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


@extend_schema(tags=[TAG])
class ExportDownloadView(_ExportAPIView):
    """The file itself, the download recorded in the export's history before it is sent, as on the page."""

    serializer_class = None
    renderer_classes = [JSONRenderer, _CSVRenderer, _XLSXRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            # An error (401, 403, 404, 409): its body is JSON whatever the client accepts.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(
        summary="Download an export's file (CSV or XLSX)",
        responses={
            (key if isinstance(key, tuple) else (key, "application/json")): value
            for key, value in _answers(
                {
                    (200, _CSVRenderer.media_type): OpenApiResponse(
                        OpenApiTypes.BINARY, description="A CSV export, as an attachment."
                    ),
                    (200, _XLSXRenderer.media_type): OpenApiResponse(
                        OpenApiTypes.BINARY, description="An Excel (XLSX) export, as an attachment."
                    ),
                    409: OpenApiResponse(
                        _DETAIL, description="Not written yet, failed, or deleted after a week: see its status."
                    ),
                }
            ).items()
        },
    )
    def get(self, request: Request, slug: str, job_id: int) -> HttpResponse:
        job = export_download(partnership=self.partnership, membership=self.membership, job_id=job_id)
        if not export_job_has_file(job):
            raise ExportNotReady()
        return _private(export_file_response(partnership=self.partnership, job=job))
