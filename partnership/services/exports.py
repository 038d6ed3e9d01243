"""Exports built by the worker: asked for in a request, written in the background, downloaded when ready.

``export_request`` runs in the web request: the kind (``partnership.exports``)
checks who asks and for what and turns the data into the job's parameters; a
QUEUED job is stored and, after commit, the build task is sent by name to the
"exports" queue. ``export_build`` runs in the worker: it claims the job with
one atomic UPDATE, has the kind write the file to a temporary file on disk
(reporting rows done as it goes), then keeps the file as an encrypted
``StoredFile`` owned by the job and marks it DONE. ``exports_requeue_stalled``
(beat, and each worker as it starts) sends again what the broker lost and
gives back jobs whose worker died. ``export_download`` records the download in
the job's history before the file is streamed.

The same patterns as the documents engine (``partnership.services.documents``):
claim before work, states moved by guarded UPDATEs, short messages for people
and tracebacks for the log, every change in the history.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from partnership.exports import ExportFile, export_kind_for
from partnership.models import ExportJob, HistoryEntry, Membership, Partnership
from partnership.models.recommendations import StoredFile
from partnership.selectors.exports import export_job_get, stored_file_pieces
from partnership.services.history import history_record

logger = logging.getLogger(__name__)

BUILD_TASK = "partnership.tasks.export_build"
EXPORTS_QUEUE = "exports"
ERROR_MAX_LENGTH = 500
# The build task's limits (partnership.tasks.export_build): the soft one raises inside the builder and the job
# is stored FAILED; the hard one kills the worker child if the soft one could not stop it.
BUILD_SOFT_TIME_LIMIT = 10 * 60
BUILD_TIME_LIMIT = BUILD_SOFT_TIME_LIMIT + 60
# A running job reports progress at least this often; silent for longer than the hard limit (and a margin)
# since it last did, its worker is surely dead and the beat job gives it back.
PROGRESS_EVERY_ROWS = 200
PROGRESS_EVERY_SECONDS = 2.0
BUILD_LOST_AFTER = timedelta(seconds=BUILD_TIME_LIMIT + 30)
# Queued, sent, yet not started after this long: the message was lost (a broker restarted without its data).
DISPATCH_LOST_AFTER = timedelta(minutes=10)
# Not sent yet for this long: the request's own send failed (broker down); the beat job sends it.
UNDISPATCHED_GRACE = timedelta(seconds=10)
# Builds that may die (worker killed, out of memory, hard time limit) before a job is given up.
BUILD_ATTEMPTS_MAX = 3
# Written to disk as it is built: only this much is held in memory before the file spills.
SPOOL_BYTES = 1024 * 1024

BUILDER_KEPT_DYING = "The export could not be made: writing it stopped several times. Tell your administrator."
# An export is a copy of partnership data outside its pages, each row of it no longer held to the rules of
# the page it came from: kept long enough to download, then deleted. A week covers a weekend and a holiday.
EXPORT_KEPT_FOR = timedelta(days=7)
KIND_GONE = "This kind of export is no longer offered."


def _job_by_id(job_id: int):
    """One job by id, wherever it belongs: the worker and the dispatcher are given ids only (tasks take ids),
    and the row names its own partnership."""
    return ExportJob.objects.dangerously_unscoped().filter(pk=job_id)


def _dispatch_build(job_id: int) -> bool:
    """Send the build task for one job; True when the broker took it. A broker that cannot be reached is
    logged and answered False, never raised: the job waits, its page says so, and beat sends it later."""
    try:
        # By name: a service never imports the tasks module.
        current_app.send_task(BUILD_TASK, kwargs={"job_id": job_id}, queue=EXPORTS_QUEUE, ignore_result=True)
    except Exception:  # any broker error: refused, timed out, unknown host
        logger.warning("Export %s is queued but the broker could not be reached", job_id)
        return False
    _job_by_id(job_id).filter(dispatched_at__isnull=True).update(dispatched_at=timezone.now())
    return True


def _queue_build(job: ExportJob) -> None:
    job_id = job.pk
    transaction.on_commit(lambda: _dispatch_build(job_id))


@transaction.atomic
def export_request(
    *, partnership: Partnership, membership: Membership, kind: str, data: Mapping[str, Any]
) -> ExportJob:
    """Ask for an export of a declared ``kind`` with the request's ``data`` (its filters, its format...).

    Guarantees: the kind's ``clean`` has checked the member may ask (``PermissionDenied``
    otherwise) and the data (``ValidationError`` with field errors otherwise) before
    anything is stored; a QUEUED job of ``partnership``, requested by the member, is
    stored with its history, and after commit the build task is sent to the
    "exports" queue (a broker that is down leaves it for the beat job).
    """
    export_kind = export_kind_for(kind or "")
    if export_kind is None:
        raise ValidationError({"kind": ["Choose a kind of export this service offers."]})
    if membership.partnership_id != partnership.pk:
        raise PermissionDenied("Only a member of the partnership may ask for its exports.")
    asked = export_kind.clean(partnership=partnership, membership=membership, data=data)
    job = ExportJob.objects.create(
        partnership=partnership,
        kind=export_kind.key,
        parameters=asked.parameters,
        title=asked.title[:200],
        requested_by_id=membership.person_id,
    )
    history_record(
        partnership=partnership,
        actor=membership.person,
        instance=job,
        action=HistoryEntry.Action.CREATED,
        changes={"state": {"from": None, "to": job.get_state_display()}},
    )
    _queue_build(job)
    return job


def export_job_is_finished(job: ExportJob) -> bool:
    """Done, failed or deleted: nothing more will happen to it unless someone asks again."""
    return job.state in (ExportJob.State.DONE, ExportJob.State.FAILED, ExportJob.State.EXPIRED)


def export_job_is_stuck(job: ExportJob, *, now: datetime | None = None) -> bool:
    """Queued or running for longer than any build waits or takes silently: it needs the beat job, or a retry."""
    now = now or timezone.now()
    if job.state == ExportJob.State.QUEUED:
        return job.requested_at < now - DISPATCH_LOST_AFTER
    if job.state == ExportJob.State.RUNNING:
        return (job.progressed_at or job.started_at or job.requested_at) < now - BUILD_LOST_AFTER
    return False


@transaction.atomic
def export_retry(*, partnership: Partnership, membership: Membership, job_id: int) -> ExportJob:
    """Try a failed (or stuck) export again, or make a deleted one afresh: the same job, queued anew.

    ``Http404`` as ``export_job_get`` (missing, another partnership's, not the member's);
    a job still on its way or done is returned unchanged. Only the requester, or whom
    the kind shares it with, may retry; the history says who did.
    """
    job = export_job_get(partnership=partnership, membership=membership, job_id=job_id)
    if job.state not in (ExportJob.State.FAILED, ExportJob.State.EXPIRED) and not export_job_is_stuck(job):
        return job
    before = job.get_state_display()
    updated = (
        ExportJob.objects.in_partnership(partnership)
        .filter(pk=job.pk, state=job.state)
        .update(
            state=ExportJob.State.QUEUED,
            error="",
            attempts=0,
            rows_done=0,
            rows_total=None,
            requested_at=timezone.now(),
            dispatched_at=None,
            started_at=None,
            progressed_at=None,
            finished_at=None,
        )
    )
    job.refresh_from_db()
    if updated:
        history_record(
            partnership=partnership,
            actor=membership.person,
            instance=job,
            action=HistoryEntry.Action.UPDATED,
            changes={"state": {"from": before, "to": job.get_state_display()}},
            reason="Asked for again",
        )
        _queue_build(job)
    return job


def _short_error(exc: BaseException) -> str:
    """What a person is told: no traceback, no paths (the log has those)."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return "Writing the export took too long. Narrow it with the filters, or ask your administrator."
    if isinstance(exc, MemoryError):
        return "The export was too large to write."
    if isinstance(exc, (ValidationError, PermissionDenied)):
        return "What the export was asked for is no longer there or no longer yours to export."
    return "The export could not be made. Try again; if it fails again, tell your administrator."


def _build_claimable(now: datetime) -> Q:
    """Jobs a build may take: queued, or left running by a worker that is surely dead."""
    return Q(state=ExportJob.State.QUEUED) | Q(state=ExportJob.State.RUNNING, progressed_at__lt=now - BUILD_LOST_AFTER)


class _Progress:
    """The builder's progress, written to the job's row now and then (every few hundred rows or seconds)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.rows_done = 0
        self.rows_total: int | None = None
        self._saved_at = 0.0
        self._saved_rows = 0

    def __call__(self, rows_done: int, rows_total: int | None = None) -> None:
        self.rows_done = rows_done
        if rows_total is not None:
            self.rows_total = rows_total
        now = time.monotonic()
        if (
            rows_total is not None
            or rows_done - self._saved_rows >= PROGRESS_EVERY_ROWS
            or now - self._saved_at >= PROGRESS_EVERY_SECONDS
        ):
            self.save(now)

    def save(self, now: float | None = None) -> None:
        fields: dict[str, Any] = {"rows_done": self.rows_done, "progressed_at": timezone.now()}
        if self.rows_total is not None:
            fields["rows_total"] = self.rows_total
        _job_by_id(self.job_id).filter(state=ExportJob.State.RUNNING).update(**fields)
        self._saved_at, self._saved_rows = (now or time.monotonic()), self.rows_done


def export_build(*, job_id: int) -> str:
    """Write one queued export (the worker's side). Returns the job's final state.

    Builds each job once: the job is claimed with one atomic UPDATE (queued, or
    running yet silent for longer than any build can be) that marks it RUNNING.
    A redelivered message, a second worker or the beat job's re-send finds it
    claimed (or DONE) and does nothing. The kind writes the file outside any
    transaction into a temporary file that spills to disk past a MiB, reporting
    its rows as it goes; the file is then kept encrypted as a ``StoredFile``
    owned by the job, with its size and SHA-256, and the job marked DONE. Any
    failure stores FAILED with a short message; the traceback goes to the log.
    """
    now = timezone.now()
    claimed = (
        _job_by_id(job_id)
        .filter(_build_claimable(now))
        .order_by()
        .update(state=ExportJob.State.RUNNING, started_at=now, progressed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        state = _job_by_id(job_id).values_list("state", flat=True).first()
        if state is None:
            logger.warning("Export %s no longer exists; nothing to build", job_id)
            return "missing"
        return state  # done, failed, or being built by someone else right now
    job = _job_by_id(job_id).select_related("partnership").get()
    kind = export_kind_for(job.kind)
    if kind is None:
        return _finish(job_id=job_id, state=ExportJob.State.FAILED, error=KIND_GONE)
    progress = _Progress(job_id)
    try:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
            written = kind.build(job=job, out=out, progress=progress)
            progress.save()
            out.seek(0)
            data = out.read()
    except Exception as exc:  # anything the builder or the time limit raises: the person gets a short message
        logger.exception("Export %s failed to build", job_id)
        return _finish(job_id=job_id, state=ExportJob.State.FAILED, error=_short_error(exc))
    return _finish(job_id=job_id, state=ExportJob.State.DONE, written=written, data=data)


@transaction.atomic
def _finish(
    *, job_id: int, state: str, written: ExportFile | None = None, data: bytes | None = None, error: str = ""
) -> str:
    job = _job_by_id(job_id).select_for_update().first()
    if job is None:
        return "missing"
    if job.state == ExportJob.State.DONE:
        return job.state  # another delivery finished first; its file stands
    before = job.get_state_display()
    job.state = state
    job.finished_at = timezone.now()
    job.error = error[:ERROR_MAX_LENGTH]
    fields = ["state", "finished_at", "error"]
    if written is not None and data is not None:
        job.file = StoredFile.objects.create(
            partnership_id=job.partnership_id,
            owner_type=ContentType.objects.get_for_model(ExportJob),
            owner_id=job.pk,
            name=written.name[:200],
            media_type=written.media_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by_id=job.requested_by_id,
        )
        fields.append("file")
        if job.rows_total is None or job.rows_done != job.rows_total:
            job.rows_total = job.rows_done
            fields += ["rows_total"]
    job.save(update_fields=fields)
    history_record(
        partnership=job.partnership,
        actor=None,
        instance=job,
        action=HistoryEntry.Action.UPDATED,
        changes={"state": {"from": before, "to": job.get_state_display()}},
        reason=error,
    )
    return job.state


def exports_requeue_stalled(*, now: datetime | None = None) -> int:
    """Send again every export that will not finish by itself; returns how many were sent.

    Beat runs it every minute, and each worker once when it starts. It takes jobs
    recorded while the broker was down (never sent), jobs whose message was lost
    (sent, never started after ``DISPATCH_LOST_AFTER``) and jobs left running by a
    worker that died (silent for ``BUILD_LOST_AFTER``). The last are put back to
    QUEUED first, one guarded UPDATE each, so exactly one build claims each; one
    whose builds died ``BUILD_ATTEMPTS_MAX`` times is stored FAILED instead.
    """
    now = now or timezone.now()
    queued = ExportJob.State.QUEUED
    jobs = ExportJob.objects.dangerously_unscoped()  # beat's periodic run over every partnership's jobs
    lost = jobs.filter(state=ExportJob.State.RUNNING, progressed_at__lt=now - BUILD_LOST_AFTER)
    lost_builds = list(lost.order_by().values_list("pk", flat=True))
    for job_id in lost_builds:
        requeued = lost.filter(pk=job_id, attempts__lt=BUILD_ATTEMPTS_MAX).update(
            state=queued, dispatched_at=None, started_at=None, progressed_at=None
        )
        if not requeued and lost.filter(pk=job_id).exists():
            _finish(job_id=job_id, state=ExportJob.State.FAILED, error=BUILDER_KEPT_DYING)
    waiting = (
        jobs.filter(state=queued)
        .filter(
            Q(dispatched_at__isnull=True, requested_at__lt=now - UNDISPATCHED_GRACE)
            | Q(pk__in=lost_builds)
            | Q(dispatched_at__lt=now - DISPATCH_LOST_AFTER)
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)
    )
    sent = 0
    for job_id in waiting:
        _job_by_id(job_id).update(dispatched_at=None)
        if not _dispatch_build(job_id):
            break  # the broker is still down: the next run tries again
        sent += 1
    if lost_builds:
        logger.warning("Exports %s were left running by a lost worker; sent again", lost_builds)
    return sent


def exports_expire(*, now: datetime | None = None) -> int:
    """Delete the file of every export finished more than ``EXPORT_KEPT_FOR`` ago; returns how many.

    Beat runs it every hour. The job stays (its page says the file was deleted and
    offers to make it again), with the deletion in its history; the file's rows go.
    Failed jobs have no file and are left as they are.
    """
    now = now or timezone.now()
    deleted = 0
    # beat's periodic run over every partnership's jobs
    old = ExportJob.objects.dangerously_unscoped().filter(
        state=ExportJob.State.DONE, finished_at__lt=now - EXPORT_KEPT_FOR
    )
    for job_id in list(old.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            job = _job_by_id(job_id).select_for_update().filter(state=ExportJob.State.DONE).first()
            if job is None:
                continue  # asked for again meanwhile
            file_id = job.file_id
            job.state, job.file = ExportJob.State.EXPIRED, None
            job.save(update_fields=["state", "file"])
            if file_id is not None:
                StoredFile.objects.dangerously_unscoped().filter(pk=file_id).delete()
            history_record(
                partnership=job.partnership,
                actor=None,
                instance=job,
                action=HistoryEntry.Action.UPDATED,
                changes={"state": {"from": ExportJob.State.DONE.label, "to": ExportJob.State.EXPIRED.label}},
                reason=f"The file was deleted {EXPORT_KEPT_FOR.days} days after it was written",
            )
            deleted += 1
    return deleted


def export_download(*, partnership: Partnership, membership: Membership, job_id: int) -> ExportJob:
    """The job for its download, the download recorded in its history when there is a file to give.

    ``Http404`` as ``export_job_get`` (missing, another partnership's, not open to the
    member): then nothing is recorded. A job without its file yet is returned unrecorded
    (the caller shows its progress instead).
    """
    job = export_job_get(partnership=partnership, membership=membership, job_id=job_id)
    if export_job_has_file(job):
        history_record(
            partnership=partnership,
            actor=membership.person,
            instance=job,
            action=HistoryEntry.Action.UPDATED,
            changes={"downloaded_by": {"from": None, "to": membership.person.full_name}},
            reason="Downloaded",
        )
    return job


def export_job_has_file(job: ExportJob) -> bool:
    return job.state == ExportJob.State.DONE and job.file_id is not None


def _checked(pieces: Iterator[bytes], *, stored_file: StoredFile) -> Iterator[bytes]:
    """The pieces as they come, checked at the end against the file's digest and size (a mismatch cuts the
    download short: with its Content-Length the client sees a failed download, never a wrong file)."""
    digest, size = hashlib.sha256(), 0
    for piece in pieces:
        digest.update(piece)
        size += len(piece)
        yield piece
    if digest.hexdigest() != stored_file.sha256 or size != stored_file.size:
        logger.error("Export file %s: what was sent does not match its recorded digest", stored_file.pk)
        raise ValueError("The stored export does not match its digest.")


def export_file_response(*, partnership: Partnership, job: ExportJob) -> StreamingHttpResponse:
    """The job's file as a streamed attachment, decrypted a piece at a time (a web worker never holds it).
    Only for a job that ``export_job_has_file``."""
    stored_file = job.file
    pieces = stored_file_pieces(partnership=partnership, stored_file_id=stored_file.pk)
    response = StreamingHttpResponse(_checked(pieces, stored_file=stored_file), content_type=stored_file.media_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=stored_file.name)
    response["Content-Length"] = str(stored_file.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
