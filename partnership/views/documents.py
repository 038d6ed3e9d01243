"""A document version's progress page and its PDF download.

Any member may open them whom the document's subject admits (its audience's
roles, or per object: an agency's own lead): anyone else gets 404, exactly as
for a missing document. Every
download is recorded; business managers see the document's downloads on its
status page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.models import DocumentVersion
from partnership.selectors.documents import document_download_list, document_downloads_allowed, document_version_get
from partnership.services.documents import (
    document_pdf_response,
    document_version_download,
    document_version_has_pdf,
    document_version_is_stuck,
)
from partnership.subjects import subject_downloads_beside_pdf, subject_url

FINISHED = (DocumentVersion.State.READY, DocumentVersion.State.FAILED)
POLL_SECONDS = 2
DOWNLOADS_SHOWN = 50


def _private(response: HttpResponse) -> HttpResponse:
    # Documents carry case material: never kept by a browser's or a proxy's cache.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


@partnership_view()
@require_GET
def document_status(request: HttpRequest, version_id: int) -> HttpResponse:
    """Where a rendering has got to. With htmx the progress region asks again every 2 s until it ends.

    A poll whose state has not changed since the last answer (``?seen=``) gets
    204, which htmx does not swap, so a screen reader hears each change once.
    """
    version = document_version_get(
        partnership=request.partnership, version_id=version_id, membership=request.membership
    )
    stuck = version.state not in FINISHED and document_version_is_stuck(version)
    url_kwargs = {"slug": request.partnership.slug, "version_id": version.pk}
    status_url = reverse("partnership:document_status", kwargs=url_kwargs)
    context = {
        "version": version,
        "document": version.document,
        "stuck": stuck,
        "polling": version.state not in FINISHED and not stuck,
        "status_url": status_url,
        "download_url": reverse("partnership:document_download", kwargs=url_kwargs),
        "poll_seconds": POLL_SECONDS,
        # What the subject keeps beside a ready version's PDF (a scrutiny report's Word copy), offered with it.
        "beside_pdf": (
            subject_downloads_beside_pdf(version.document.subject, version)
            if version.state == DocumentVersion.State.READY
            else []
        ),
    }
    if request.htmx:
        if request.GET.get("seen") == version.state and context["polling"]:
            response = HttpResponse(status=204)
        else:
            response = render(request, "partnership/documents/_progress.html", context)
    else:
        subject = version.document.subject
        context["subject"] = subject
        context["subject_url"] = subject_url(subject)
        if document_downloads_allowed(membership=request.membership):
            context["downloads"], context["older_downloads"] = document_download_list(
                partnership=request.partnership, document=version.document, limit=DOWNLOADS_SHOWN
            )
        response = render(request, "partnership/documents/status.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return _private(response)


@partnership_view()
@require_GET
def document_download(request: HttpRequest, version_id: int) -> HttpResponse:
    """The PDF as an attachment, the download recorded first; before it is ready, the progress page instead."""
    version = document_version_download(
        partnership=request.partnership, membership=request.membership, version_id=version_id
    )
    if not document_version_has_pdf(version):
        return redirect("partnership:document_status", slug=request.partnership.slug, version_id=version.pk)
    filename = f"{slugify(version.document.title)[:80] or 'document'}-v{version.number}.pdf"
    return _private(document_pdf_response(partnership=request.partnership, version=version, filename=filename))
