"""Documents (PDFs rendered by the worker): a version's status, its download, and any subject's documents.

The same rule as the pages (``partnership.views.documents``): a member outside
the document's audience gets 404, exactly as for a missing version or another
partnership's. A render is asked for on the subject's own endpoint (the
outcomes form's, the rapid review template's...), which answers 202 with the
version; poll its status here until ``state`` is ``ready`` (or ``failed``),
then download it. Every download is recorded, as on the page, and business
managers see a document's downloads in its status.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.views import _DETAIL, _answers
from partnership.models import Document, DocumentVersion, Membership, Partnership
from partnership.selectors.documents import (
    document_download_list,
    document_downloads_allowed,
    document_version_get,
)
from partnership.services.documents import (
    document_pdf_response,
    document_version_download,
    document_version_has_pdf,
    document_version_is_stuck,
)

DOWNLOADS_SHOWN = 50


class DocumentNotReady(APIException):
    status_code = 409
    default_code = "not_ready"
    default_detail = "The PDF is not ready yet: poll the version's status until its state is ready."


# --- Shapes ---------------------------------------------------------------------------------------------


class DocumentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True, help_text="What the document is, e.g. lr.outcomes_form.")
    title = serializers.CharField(read_only=True)


class DownloadSerializer(serializers.Serializer):
    at = serializers.DateTimeField(read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    person_id = serializers.IntegerField(source="person.id", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    person_email = serializers.EmailField(source="person.email", read_only=True)


class DocumentVersionSerializer(serializers.Serializer):
    """One version of a document and where its rendering has got to."""

    id = serializers.IntegerField(read_only=True)
    document = DocumentSummarySerializer(read_only=True)
    number = serializers.IntegerField(read_only=True)
    state = serializers.ChoiceField(choices=DocumentVersion.State.choices, read_only=True)
    stuck = serializers.SerializerMethodField(
        help_text="Failed, or queued/rendering for longer than any render takes: ask for it again."
    )
    error = serializers.CharField(read_only=True, help_text="Why the rendering failed (empty otherwise).")
    pdf_bytes = serializers.IntegerField(read_only=True, allow_null=True)
    requested_at = serializers.DateTimeField(read_only=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(help_text="Answers 409 until the state is ready.")

    @extend_schema_field(serializers.BooleanField())
    def get_stuck(self, version: DocumentVersion) -> bool:
        return document_version_is_stuck(version)

    def _url(self, version: DocumentVersion, name: str) -> str:
        return reverse(f"api:{name}", kwargs={"slug": version.partnership.slug, "version_id": version.pk})

    @extend_schema_field(serializers.CharField())
    def get_status_url(self, version: DocumentVersion) -> str:
        return self._url(version, "document_version")

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, version: DocumentVersion) -> str:
        return self._url(version, "document_download")


class DocumentVersionStatusSerializer(DocumentVersionSerializer):
    downloads = DownloadSerializer(
        source="recent_downloads",
        many=True,
        read_only=True,
        allow_null=True,
        help_text="The newest downloads of the document, any version (business managers only; null for others).",
    )
    older_downloads = serializers.BooleanField(
        source="has_older_downloads", read_only=True, help_text="Whether there are more downloads."
    )


class DocumentSerializer(DocumentSummarySerializer):
    """One of a subject's documents, with its newest version (null before any was asked for)."""

    latest = DocumentVersionSerializer(read_only=True, allow_null=True)


def document_version_data(version: DocumentVersion, *, partnership: Partnership) -> dict:
    """A version as ``DocumentVersionSerializer`` reads it (the partnership set for its URLs, no query)."""
    version.partnership = partnership
    return DocumentVersionSerializer(version).data


def documents_data(documents: list[Document], *, partnership: Partnership) -> list[dict]:
    """``documents_for_subject``'s list as ``DocumentSerializer`` reads it."""
    for document in documents:
        if document.latest is not None:
            document.latest.partnership = partnership
            document.latest.document = document
    return DocumentSerializer(documents, many=True).data


def _private(response: HttpResponse) -> HttpResponse:
    # Documents carry case material: never kept by a browser's or a proxy's cache.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


# --- Endpoints ------------------------------------------------------------------------------------------


class _DocumentAPIView(PartnershipScopedAPIView):
    # Any member: the document's audience decides, in the selectors (404 outside it).
    read_roles: frozenset[str] = frozenset()
    model = DocumentVersion
    lookup_url_kwarg = "version_id"


@extend_schema(tags=["Documents"])
class DocumentVersionView(_DocumentAPIView):
    """A document version's status: poll it after asking for a render, until ``state`` is ready or failed."""

    serializer_class = DocumentVersionStatusSerializer

    @extend_schema(summary="A document version and its rendering status", responses=_answers({200: serializer_class}))
    def get(self, request: Request, slug: str, version_id: int) -> Response:
        version = document_version_get(partnership=self.partnership, version_id=version_id, membership=self.membership)
        version.partnership = self.partnership
        downloads = _downloads(self.partnership, self.membership, version.document)
        version.recent_downloads, version.has_older_downloads = downloads
        return _private(Response(DocumentVersionStatusSerializer(version).data))


def _downloads(partnership: Partnership, membership: Membership, document: Document) -> tuple[list | None, bool]:
    if not document_downloads_allowed(membership=membership):
        return None, False
    return document_download_list(partnership=partnership, document=document, limit=DOWNLOADS_SHOWN)


def _json_errors(responses: dict) -> dict:
    # The download answers a PDF or, for anything else, JSON: say so per status, not both for every one.
    return {(key if isinstance(key, tuple) else (key, "application/json")): value for key, value in responses.items()}


class PDFRenderer(BaseRenderer):
    """Lets a client ask for the download with ``Accept: application/pdf`` (no 406); the PDF itself is sent as
    an ``HttpResponse``, and errors are still rendered as JSON (see ``DocumentDownloadView.finalize_response``)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - never chosen
        return data


@extend_schema(tags=["Documents"])
class DocumentDownloadView(_DocumentAPIView):
    """The PDF itself, recorded as a download (who, which version, when) before it is sent, as on the page."""

    serializer_class = None
    renderer_classes = [JSONRenderer, PDFRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            # An error (401, 403, 404, 409): its body is JSON whatever the client accepts.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(
        summary="Download a document version's PDF",
        responses=_json_errors(
            _answers(
                {
                    (200, "application/pdf"): OpenApiResponse(
                        OpenApiTypes.BINARY, description="The PDF, as an attachment."
                    ),
                    409: OpenApiResponse(
                        _DETAIL, description="Not rendered yet (or the rendering failed): see its status."
                    ),
                }
            )
        ),
    )
    def get(self, request: Request, slug: str, version_id: int) -> HttpResponse:
        version = document_version_download(
            partnership=self.partnership, membership=self.membership, version_id=version_id
        )
        if not document_version_has_pdf(version):
            raise DocumentNotReady()
        filename = f"{slugify(version.document.title)[:80] or 'document'}-v{version.number}.pdf"
        return _private(document_pdf_response(partnership=self.partnership, version=version, filename=filename))
