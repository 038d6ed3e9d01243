"""Reads of documents and their versions, each document opened only by whom its subject admits.

Who may open a document is its subject's to say (``SubjectType.documents_readable_by``:
by default the roles of ``Document.audience`` among those who may see the
subject; per object where the subject says so, e.g. an agency's own lead).
A version of another partnership, a missing one and one the member may not
open all raise ``Http404``: the member cannot tell them apart. Who downloaded
a document's PDFs is for business managers only.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, ExpressionWrapper, Model, Q, QuerySet
from django.http import Http404

from partnership.models import MANAGER_ROLES, Document, DocumentDownload, DocumentVersion, Membership, Partnership
from partnership.selectors.files import encrypted_column_pieces
from partnership.subjects import subject_documents_readable_by

# Who may read a document's downloads (who took a copy of case material, and when).
DOWNLOAD_LOG_ROLES = MANAGER_ROLES


def document_is_open_to(*, document: Document, membership: Membership, subject: Model | None = None) -> bool:
    """Whether the member may open the document, as its subject says (``subject``: when the caller has it)."""
    if subject is None:
        subject = document.subject
    return subject_documents_readable_by(subject, document, membership)


def _version(*, partnership: Partnership, version_id: int, membership: Membership, with_pdf: bool) -> DocumentVersion:
    # Never the PDF or the HTML, which can be megabytes: a download streams the PDF (``document_version_pdf_pieces``).
    versions = (
        DocumentVersion.objects.in_partnership(partnership)
        .select_related("document", "requested_by")
        .defer("html", "pdf")
    )
    if with_pdf:
        versions = versions.annotate(has_pdf=ExpressionWrapper(Q(pdf__isnull=False), output_field=BooleanField()))
    version = versions.filter(pk=version_id).first()
    if version is None:
        raise Http404("No such document.")
    subject = version.document.subject  # one query; kept on the document for the page's link back to it
    if subject is not None and subject.partnership_id == partnership.pk:
        subject.partnership = partnership  # its link needs the slug: no second query
    if not document_is_open_to(document=version.document, membership=membership, subject=subject):
        raise Http404("No such document.")
    return version


def document_version_get(*, partnership: Partnership, version_id: int, membership: Membership) -> DocumentVersion:
    """A version for its status page (without the PDF's bytes)."""
    return _version(partnership=partnership, version_id=version_id, membership=membership, with_pdf=False)


def document_version_with_pdf(*, partnership: Partnership, version_id: int, membership: Membership) -> DocumentVersion:
    """A version for its download, with ``has_pdf`` (the PDF itself is read by ``document_version_pdf_pieces``)."""
    return _version(partnership=partnership, version_id=version_id, membership=membership, with_pdf=True)


def document_version_pdf_pieces(*, partnership: Partnership, version_id: int) -> Iterator[bytes]:
    """The version's PDF, decrypted a piece at a time (``encrypted_column_pieces``); empty without a PDF."""
    row = DocumentVersion.objects.in_partnership(partnership).filter(pk=version_id)
    return encrypted_column_pieces(row=row, column="pdf")


def documents_for_subject(*, partnership: Partnership, subject: Model, membership: Membership) -> list[Document]:
    """The subject's documents the member may open, each with ``latest`` set to its newest version (or None)."""
    documents = list(
        Document.objects.in_partnership(partnership)
        .filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
        .order_by("kind")
    )
    documents = [d for d in documents if document_is_open_to(document=d, membership=membership, subject=subject)]
    latest: dict[int, DocumentVersion] = {}
    for version in document_versions(partnership=partnership, documents=documents):
        latest.setdefault(version.document_id, version)
    for document in documents:
        document.latest = latest.get(document.pk)
    return documents


def document_versions(*, partnership: Partnership, documents: list[Document]) -> QuerySet[DocumentVersion]:
    """Versions of the given documents, newest first, without HTML or PDF bytes."""
    return (
        DocumentVersion.objects.in_partnership(partnership)
        .filter(document__in=documents)
        .defer("html", "pdf")
        .order_by("document_id", "-number")
    )


def document_downloads_allowed(*, membership: Membership) -> bool:
    return membership.has_role(*DOWNLOAD_LOG_ROLES)


def document_download_list(
    *, partnership: Partnership, document: Document, limit: int
) -> tuple[list[DocumentDownload], bool]:
    """The document's newest ``limit`` downloads (who, which version, when) and whether there are older ones.

    One query, whatever the number of downloads; the versions' HTML and PDF are not loaded.
    """
    downloads = list(
        DocumentDownload.objects.in_partnership(partnership)
        .filter(document=document)
        .select_related("person", "version")
        .only(
            "id",
            "at",
            "version__id",
            "version__number",
            "person__id",
            "person__full_name",
            "person__email",
        )
        .order_by("-at", "-id")[: limit + 1]
    )
    return downloads[:limit], len(downloads) > limit
