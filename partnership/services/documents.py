"""Documents rendered to PDF by the worker; each rendering kept as a version with its hash.

``document_render_request`` runs in the web request: it renders the Django
template to HTML at once (so the PDF shows the data as it was when asked for)
and hashes it. The same HTML as an existing version returns that version: no
duplicate, enforced by the ``document_content_once`` constraint even when two
requests race. New content becomes a QUEUED version, and after commit the
render task is sent by name to the "documents" queue.

``document_version_download`` gives a member a version's PDF and records the
download (``DocumentDownload``) before it is sent.

``document_render_version`` runs in the worker: WeasyPrint turns the stored
HTML into a PDF with ``StaticOnlyURLFetcher``, which serves the project's own
static files and nothing else (no network, no other file). It is safe to run
twice: a version already READY is left alone.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max, Q
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from partnership.models import (
    Document,
    DocumentDownload,
    DocumentVersion,
    HistoryEntry,
    Membership,
    Partnership,
    Person,
    Role,
)
from partnership.selectors.documents import document_version_pdf_pieces, document_version_with_pdf
from partnership.services.history import history_record
from partnership.subjects import subject_type_for

logger = logging.getLogger(__name__)

RENDER_TASK = "partnership.tasks.document_render"
DOCUMENTS_QUEUE = "documents"
# Relative URLs in the HTML ("/static/css/print.css") resolve against this, giving file:///static/...,
# which the fetcher maps onto the static files (never onto the real /static folder of the machine).
PDF_BASE_URL = "file:///"
ERROR_MAX_LENGTH = 500
# The render task's limits (partnership.tasks.document_render): the soft one raises inside WeasyPrint and
# the version is stored FAILED; the hard one kills the worker child if the soft one could not stop it.
RENDER_SOFT_TIME_LIMIT = 90
RENDER_TIME_LIMIT = 120
# A version still queued or rendering after this long lost its message or its worker (a broker or worker
# restart, a hard time limit): asking for the same content again queues it again.
RENDER_STALLED_AFTER = timedelta(minutes=10)
# A version "rendering" for longer than the hard time limit (and a margin) has lost its worker: whatever
# was rendering it has been killed by now. The beat job sends it again, and a new render may claim it.
RENDER_LOST_AFTER = timedelta(seconds=RENDER_TIME_LIMIT + 30)
# A version queued, its task sent, yet not started after this long lost its message (a broker restarted
# without its data): sent again. Longer than a burst of renders can keep one waiting in the queue.
DISPATCH_LOST_AFTER = RENDER_STALLED_AFTER
# Renders that may die (worker killed, out of memory, hard time limit) before a version is given up.
RENDER_ATTEMPTS_MAX = 3
# Not sent yet for this long: the request's own send failed (broker down); the beat job sends it.
UNDISPATCHED_GRACE = timedelta(seconds=10)


class FetchRefusedError(ValueError):
    """A resource the document asked for that a render may not read. WeasyPrint skips it and logs it."""


class StaticOnlyURLFetcher(URLFetcher):
    """A WeasyPrint fetcher that reads only the project's static files (and inline ``data:`` URLs).

    Document HTML carries people's input, so a crafted ``<img src="file:///etc/passwd">``
    or ``<link href="http://...">`` must not read the machine's files or reach the
    network. Everything but ``data:`` and static files is refused before any I/O:
    ``http(s)``, ``ftp``, and any ``file:`` path outside the static folders.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allowed_protocols", ("file", "data"))
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 5)
        super().__init__(**kwargs)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = static_file_for_url(url)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})
        self.refused.append(url[:200])
        raise FetchRefusedError(f"Only the project's static files may be used in a document, not {url[:200]}")


def _static_roots() -> list[Path]:
    """Every folder static files are served from: STATIC_ROOT and each finder's storage locations."""
    roots = [Path(settings.STATIC_ROOT)]
    for finder in finders.get_finders():
        roots.extend(Path(storage.location) for storage in getattr(finder, "storages", {}).values())
    return [root.resolve() for root in roots]


def static_file_for_url(url: str) -> Path | None:
    """The static file a ``file:`` URL names, or None when it names anything else.

    ``file:///static/css/print.css`` (what ``{% static %}`` gives, resolved
    against ``PDF_BASE_URL``) is looked up like a request for
    ``/static/css/print.css``; an absolute ``file:`` path is accepted only when,
    links resolved, it lies inside one of the static folders.
    """
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    path = unquote(parts.path)
    static_url = urlsplit(settings.STATIC_URL).path
    candidate: Path | None = None
    if path.startswith(static_url):
        relative = path.removeprefix(static_url)
        try:
            found = finders.find(relative) if relative and "\x00" not in relative else None
        except SuspiciousFileOperation:
            found = None
        if found:
            candidate = Path(found if isinstance(found, str) else found[0])
    elif "\x00" not in path:
        candidate = Path(path)
    if candidate is None:
        return None
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_file():
        return None
    if any(resolved.is_relative_to(root) for root in _static_roots()):
        return resolved
    return None


def pdf_from_html(*, html: str, fetcher: StaticOnlyURLFetcher | None = None) -> bytes:
    """Render ``html`` to PDF bytes with WeasyPrint, reading nothing but static files."""
    fetcher = fetcher or StaticOnlyURLFetcher()
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher, media_type="print").write_pdf()


def html_hash(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def _dispatch_render(version_id: int) -> bool:
    """Send the render task for one version; True when the broker took it.

    A broker that cannot be reached is logged and answered False at once (short connect
    timeouts, no publish retries: settings), never raised: the version is recorded, its
    page says it waits for the background service, and ``documents_requeue_stalled``
    sends it when the broker is back.
    """
    try:
        # By name: a service never imports the tasks module. The queue is the worker's dedicated one.
        current_app.send_task(RENDER_TASK, kwargs={"version_id": version_id}, queue=DOCUMENTS_QUEUE, ignore_result=True)
    except Exception:  # any broker error: refused, timed out, unknown host
        logger.warning("Document version %s is queued but the broker could not be reached", version_id)
        return False
    _version_by_id(version_id).filter(dispatched_at__isnull=True).update(dispatched_at=timezone.now())
    return True


def _version_by_id(version_id: int):
    """One version by id, wherever it belongs: the worker and the dispatcher are given ids only (tasks
    take ids), and the row they were queued for names its own partnership."""
    return DocumentVersion.objects.dangerously_unscoped().filter(pk=version_id)


def _queue_render(version: DocumentVersion) -> None:
    version_id = version.pk
    transaction.on_commit(lambda: _dispatch_render(version_id))


def _document_for(
    *,
    partnership: Partnership,
    actor: Person | None,
    subject: models.Model,
    kind: str,
    title: str,
    audience: list[str],
) -> Document:
    """The subject's document of this kind, created on first use, locked, with title and audience as asked now."""
    subject_type_for(subject)  # only a declared subject has documents: it says who may read them
    subject_type = ContentType.objects.get_for_model(subject)
    documents = Document.objects.in_partnership(partnership).filter(
        subject_type=subject_type, subject_id=subject.pk, kind=kind
    )
    document = documents.select_for_update().first()
    if document is None:
        try:
            with transaction.atomic():
                document = Document.objects.create(
                    partnership=partnership,
                    subject_type=subject_type,
                    subject_id=subject.pk,
                    kind=kind,
                    title=title,
                    audience=audience,
                )
        except IntegrityError:
            # A concurrent request created it a moment ago: use theirs.
            return documents.select_for_update().get()
        history_record(
            partnership=partnership,
            actor=actor,
            instance=document,
            action=HistoryEntry.Action.CREATED,
            changes={"title": {"from": None, "to": title}, "audience": {"from": None, "to": audience}},
        )
        return document
    changes = {}
    if document.title != title:
        changes["title"] = {"from": document.title, "to": title}
    if sorted(document.audience) != audience:
        changes["audience"] = {"from": document.audience, "to": audience}
    if changes:
        document.title, document.audience = title, audience
        document.save(update_fields=["title", "audience"])
        history_record(
            partnership=partnership, actor=actor, instance=document, action=HistoryEntry.Action.UPDATED, changes=changes
        )
    return document


@transaction.atomic
def document_render_request(
    *,
    partnership: Partnership,
    actor: Person | None,
    subject: models.Model,
    kind: str,
    title: str,
    template_name: str,
    context: Mapping[str, Any],
    audience: Iterable[str] = (),
) -> DocumentVersion:
    """Render ``template_name`` with ``context`` to HTML now and ask the worker for its PDF.

    Guarantees: the HTML is rendered in this request (what the PDF shows is the
    data at this moment) and identified by its SHA-256. If the document
    already has a version with that hash, that version is returned and nothing
    new is stored or queued (one that failed or stalled is queued again); concurrent
    identical requests still store one version (the unique constraint). Else a
    QUEUED version numbered one past the last is stored and, after commit, the
    render task is sent to the "documents" queue. ``audience`` lists the roles
    that may open the document (empty: every member); it is saved on the
    document and applies to all its versions. ``subject`` must belong to
    ``partnership``. The template should extend ``documents/base_print.html``.
    """
    errors: dict[str, list[str]] = {}
    if getattr(subject, "partnership_id", None) != partnership.pk:
        raise ValidationError("Only this partnership's own work can be made into its documents.")
    kind, title = (kind or "").strip(), (title or "").strip()
    if not kind or len(kind) > 60:
        errors["kind"] = ["Name the kind of document in 1 to 60 characters."]
    if not title or len(title) > 200:
        errors["title"] = ["Give the document a title of 1 to 200 characters."]
    audience = sorted(set(audience))
    unknown = [r for r in audience if r not in Role.values]
    if unknown:
        errors["audience"] = [f"Unknown role(s): {', '.join(unknown)}."]
    if errors:
        raise ValidationError(errors)

    html = render_to_string(template_name, {**context, "document_title": title, "partnership": partnership})
    content_hash = html_hash(html)
    document = _document_for(
        partnership=partnership, actor=actor, subject=subject, kind=kind, title=title, audience=audience
    )
    # The HTML and the PDF are encrypted (and can be megabytes): not loaded, so not decrypted, to find a version.
    versions = DocumentVersion.objects.in_partnership(partnership).filter(document=document).defer("html", "pdf")
    existing = versions.filter(content_hash=content_hash).first()
    if existing is not None:
        if document_version_is_stuck(existing):
            _requeue(partnership=partnership, actor=actor, version=existing)
        return existing

    number = (versions.aggregate(last=Max("number"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            version = DocumentVersion.objects.create(
                partnership=partnership,
                document=document,
                number=number,
                content_hash=content_hash,
                html=html,
                requested_by=actor if actor is not None and actor.is_authenticated else None,
            )
    except IntegrityError:
        # The same content, or the same number, stored a moment ago by a concurrent request.
        existing = versions.filter(content_hash=content_hash).first()
        if existing is not None:
            return existing
        raise
    history_record(
        partnership=partnership,
        actor=actor,
        instance=version,
        action=HistoryEntry.Action.CREATED,
        changes={"number": {"from": None, "to": number}, "state": {"from": None, "to": version.get_state_display()}},
    )
    _queue_render(version)
    return version


def document_version_is_stuck(version: DocumentVersion) -> bool:
    """Failed, or queued/rendering for longer than any render takes: it will not finish by itself."""
    if version.state == DocumentVersion.State.FAILED:
        return True
    if version.state in (DocumentVersion.State.QUEUED, DocumentVersion.State.RENDERING):
        since = version.started_at or version.requested_at
        return since < timezone.now() - RENDER_STALLED_AFTER
    return False


def _requeue(*, partnership: Partnership, actor: Person | None, version: DocumentVersion) -> None:
    before = version.get_state_display()
    updated = (
        DocumentVersion.objects.in_partnership(partnership)
        .filter(pk=version.pk, state=version.state)
        .update(
            state=DocumentVersion.State.QUEUED,
            error="",
            requested_at=timezone.now(),
            dispatched_at=None,
            started_at=None,
            finished_at=None,
        )
    )
    if not updated:
        return
    version.refresh_from_db(fields=["state", "error", "requested_at", "started_at", "finished_at"])
    history_record(
        partnership=partnership,
        actor=actor,
        instance=version,
        action=HistoryEntry.Action.UPDATED,
        changes={"state": {"from": before, "to": version.get_state_display()}},
        reason="Asked for again",
    )
    _queue_render(version)


def document_version_download(*, partnership: Partnership, membership: Membership, version_id: int) -> DocumentVersion:
    """The version with its PDF, the download recorded when there is a PDF to give.

    Raises ``Http404`` as ``document_version_with_pdf`` does (another
    partnership's, missing, or outside the document's audience): then nothing
    is recorded. A version not yet READY is returned unrecorded (the caller
    shows its progress instead). Otherwise one ``DocumentDownload`` is written,
    and committed, before the caller sends the PDF.
    """
    version = document_version_with_pdf(partnership=partnership, version_id=version_id, membership=membership)
    if document_version_has_pdf(version):
        DocumentDownload.objects.create(
            partnership=partnership,
            document_id=version.document_id,
            version=version,
            person_id=membership.person_id,
        )
    return version


def document_version_has_pdf(version: DocumentVersion) -> bool:
    """Whether the version (from ``document_version_download``) is READY with a PDF to send."""
    return version.state == DocumentVersion.State.READY and bool(getattr(version, "has_pdf", False))


def _checked(pieces: Iterator[bytes], *, sha256: str, size: int | None, what: str) -> Iterator[bytes]:
    """The pieces as they come, checked at the end against the file's recorded digest and size.

    A mismatch (a column altered outside the application) is logged and raised, which cuts the
    download short: with its Content-Length the client sees a failed download, never a wrong file.
    """
    digest, sent = hashlib.sha256(), 0
    for piece in pieces:
        digest.update(piece)
        sent += len(piece)
        yield piece
    if (sha256 and digest.hexdigest() != sha256) or (size is not None and sent != size):
        logger.error("%s: the file sent does not match its recorded digest", what)
        raise ValueError("The stored file does not match its digest.")


def encrypted_file_response(
    *, pieces: Iterator[bytes], content_type: str, filename: str, sha256: str, size: int | None, what: str
) -> StreamingHttpResponse:
    """A file kept encrypted in a column (``encrypted_column_pieces``) as a streamed attachment, checked against
    its recorded SHA-256 and size as it goes (``what`` names it in the log when it does not match)."""
    response = StreamingHttpResponse(_checked(pieces, sha256=sha256, size=size, what=what), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    if size is not None:
        response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_pdf_response(
    *, partnership: Partnership, version: DocumentVersion, filename: str
) -> StreamingHttpResponse:
    """The version's PDF as a streamed attachment: decrypted 64 KiB at a time, read from the database a
    MiB at a time, so a web worker never holds the file (issue 13). Only for a version that
    ``document_version_has_pdf``."""
    return encrypted_file_response(
        pieces=document_version_pdf_pieces(partnership=partnership, version_id=version.pk),
        content_type="application/pdf",
        filename=filename,
        sha256=version.pdf_sha256,
        size=version.pdf_bytes,
        what=f"Document version {version.pk}'s PDF",
    )


RENDERER_KEPT_DYING = "The PDF could not be made: rendering stopped several times. Tell your administrator."


BESIDE_PDF_FAILED = (
    "The PDF was made, but not the copy kept beside it. Try again; if it fails again, tell your administrator."
)


def _is_limit(exc: BaseException) -> bool:
    from celery.exceptions import SoftTimeLimitExceeded

    return isinstance(exc, SoftTimeLimitExceeded | MemoryError)


def _short_error(exc: BaseException) -> str:
    """What a person is told: no traceback, no paths (the log has those)."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return "Rendering took too long. Try a shorter document, or ask your administrator."
    if isinstance(exc, MemoryError):
        return "The document was too large to render."
    return "The PDF could not be made. Try again; if it fails again, tell your administrator."


def _render_claimable(now: datetime) -> Q:
    """Versions a render may take: queued, or left rendering by a worker that is surely dead."""
    return Q(state=DocumentVersion.State.QUEUED) | Q(
        state=DocumentVersion.State.RENDERING, started_at__lt=now - RENDER_LOST_AFTER
    )


def document_render_version(*, version_id: int) -> str:
    """Render one queued version to PDF (the worker's side). Returns the version's final state.

    Renders each version once: the version is claimed with one atomic UPDATE
    (queued, or rendering for longer than any render can take) that marks it
    RENDERING, committed so the status page shows it. A redelivered message, a
    second worker, or the beat job's re-send finds it claimed (or READY) and
    does nothing. The render runs outside any transaction (no lock held for
    the seconds WeasyPrint takes), then the version is stored READY with the
    PDF's bytes, size and SHA-256. Any failure stores FAILED with a short
    message for people; the traceback goes to the log only.
    """
    now = timezone.now()
    claimed = (
        _version_by_id(version_id)
        .filter(_render_claimable(now))
        .order_by()
        .update(state=DocumentVersion.State.RENDERING, started_at=now, render_attempts=F("render_attempts") + 1)
    )
    if not claimed:
        state = _version_by_id(version_id).values_list("state", flat=True).first()
        if state is None:
            logger.warning("Document version %s no longer exists; nothing to render", version_id)
            return "missing"
        return state  # ready, failed, or being rendered by someone else right now
    html = _version_by_id(version_id).only("html").get().html

    try:
        pdf = pdf_from_html(html=html)
    except Exception as exc:  # anything WeasyPrint or the time limit raises: the person gets a short message
        logger.exception("Document version %s failed to render", version_id)
        return _finish(version_id=version_id, state=DocumentVersion.State.FAILED, error=_short_error(exc))
    try:
        _render_beside_pdf(version_id)
    except Exception as exc:  # the subject's own files: the version is not ready without them
        logger.exception("Document version %s: the files kept beside its PDF failed to render", version_id)
        error = _short_error(exc) if _is_limit(exc) else BESIDE_PDF_FAILED
        return _finish(version_id=version_id, state=DocumentVersion.State.FAILED, error=error)
    return _finish(version_id=version_id, state=DocumentVersion.State.READY, pdf=pdf)


def _render_beside_pdf(version_id: int) -> None:
    """Let the version's subject make the files it keeps beside the PDF (``SubjectType.render_beside_pdf``)."""
    version = _version_by_id(version_id).select_related("document", "partnership").defer("html", "pdf").get()
    model = ContentType.objects.get_for_id(version.document.subject_type_id).model_class()
    try:
        subject_type = subject_type_for(model) if model is not None else None
    except LookupError:
        subject_type = None
    if subject_type is None:
        return  # a subject no longer declared keeps nothing beside its PDF
    subject_type.render_beside_pdf(partnership=version.partnership, document=version.document, version_id=version_id)


def documents_requeue_stalled(*, now: datetime | None = None) -> int:
    """Send again every version that will not finish by itself; returns how many were sent.

    Beat runs it every minute, and each worker once when it starts. It takes
    versions recorded while the broker was down (never sent), versions whose
    message was lost (sent, never started after ``DISPATCH_LOST_AFTER``) and
    versions left rendering by a worker that died (``RENDER_LOST_AFTER``). The
    last are put back to QUEUED first, with one atomic UPDATE per version, so
    exactly one render claims each; one whose renders died ``RENDER_ATTEMPTS_MAX``
    times is stored FAILED instead. Safe to run concurrently: a duplicate
    message finds the version claimed and does nothing.
    """
    now = now or timezone.now()
    queued = DocumentVersion.State.QUEUED
    # Beat's periodic run over every partnership's versions.
    versions = DocumentVersion.objects.dangerously_unscoped()
    lost = versions.filter(state=DocumentVersion.State.RENDERING, started_at__lt=now - RENDER_LOST_AFTER)
    lost_renders = list(lost.order_by().values_list("pk", flat=True))
    for version_id in lost_renders:
        requeued = lost.filter(pk=version_id, render_attempts__lt=RENDER_ATTEMPTS_MAX).update(
            state=queued, dispatched_at=None, started_at=None
        )
        if not requeued and lost.filter(pk=version_id).exists():
            _finish(version_id=version_id, state=DocumentVersion.State.FAILED, error=RENDERER_KEPT_DYING)
    waiting = (
        versions.filter(state=queued)
        .filter(
            Q(dispatched_at__isnull=True, requested_at__lt=now - UNDISPATCHED_GRACE)
            | Q(pk__in=lost_renders)
            | Q(dispatched_at__lt=now - DISPATCH_LOST_AFTER)
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)
    )
    sent = 0
    for version_id in waiting:
        _version_by_id(version_id).update(dispatched_at=None)
        if not _dispatch_render(version_id):
            break  # the broker is still down: the next run tries again
        sent += 1
    if lost_renders:
        logger.warning("Document versions %s were left rendering by a lost worker; sent again", lost_renders)
    return sent


@transaction.atomic
def _finish(*, version_id: int, state: str, pdf: bytes | None = None, error: str = "") -> str:
    version = _version_by_id(version_id).select_for_update().defer("html", "pdf").first()
    if version is None:
        return "missing"
    if version.state == DocumentVersion.State.READY:
        return version.state  # another delivery finished first; its PDF stands
    before = version.get_state_display()
    version.state = state
    version.finished_at = timezone.now()
    version.error = error[:ERROR_MAX_LENGTH]
    fields = ["state", "finished_at", "error"]
    if pdf is not None:
        version.pdf = pdf
        version.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        version.pdf_bytes = len(pdf)
        fields += ["pdf", "pdf_sha256", "pdf_bytes"]
    version.save(update_fields=fields)
    history_record(
        partnership=version.partnership,
        actor=None,
        instance=version,
        action=HistoryEntry.Action.UPDATED,
        changes={"state": {"from": before, "to": version.get_state_display()}},
        reason=error,
    )
    return version.state
