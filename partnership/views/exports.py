"""An export's progress page, its download, and "try again" (exports built by the worker).

Open to the member who asked for it, and to whom its kind shares it with
(``partnership.exports``); anyone else, and any member of another partnership,
gets 404, exactly as for a missing export. The page refreshes itself until the
export is done or failed: htmx swaps the status region when JavaScript runs, a
``<noscript>`` meta refresh reloads the page when it does not.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from partnership.access import partnership_view
from partnership.selectors.exports import export_job_get
from partnership.services.exports import (
    export_download,
    export_file_response,
    export_job_has_file,
    export_job_is_finished,
    export_job_is_stuck,
    export_retry,
)

POLL_SECONDS = 3


def _private(response: HttpResponse) -> HttpResponse:
    # Exports carry the partnership's returns: never kept by a browser's or a proxy's cache.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


@partnership_view()
@require_GET
def export_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """Where an export has got to: its state and rows written of the total, the download once done, a clear
    message and "Try again" if it failed. A poll whose state and rows have not moved (``?seen=``) gets 204."""
    job = export_job_get(partnership=request.partnership, membership=request.membership, job_id=job_id)
    finished = export_job_is_finished(job)
    stuck = not finished and export_job_is_stuck(job)
    url_kwargs = {"slug": request.partnership.slug, "job_id": job.pk}
    seen = f"{job.state}-{job.rows_done}"
    context = {
        "job": job,
        "stuck": stuck,
        "polling": not finished and not stuck,
        "seen": seen,
        "status_url": reverse("partnership:export_status", kwargs=url_kwargs),
        "download_url": reverse("partnership:export_download", kwargs=url_kwargs),
        "retry_url": reverse("partnership:export_retry", kwargs=url_kwargs),
        "poll_seconds": POLL_SECONDS,
    }
    if request.htmx:
        if request.GET.get("seen") == seen and context["polling"]:
            response = HttpResponse(status=204)
        else:
            response = render(request, "partnership/exports/_progress.html", context)
    else:
        response = render(request, "partnership/exports/status.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return _private(response)


@partnership_view()
@require_GET
def export_download_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """The file as an attachment, the download recorded in the job's history first; before it is ready, the
    progress page instead."""
    job = export_download(partnership=request.partnership, membership=request.membership, job_id=job_id)
    if not export_job_has_file(job):
        return redirect("partnership:export_status", slug=request.partnership.slug, job_id=job.pk)
    return _private(export_file_response(partnership=request.partnership, job=job))


@partnership_view()
@require_POST
def export_retry_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """Queue a failed (or stuck) export again, or a deleted one afresh, then show its progress."""
    job = export_retry(partnership=request.partnership, membership=request.membership, job_id=job_id)
    return redirect("partnership:export_status", slug=request.partnership.slug, job_id=job.pk)
