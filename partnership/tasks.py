"""Celery tasks of the kernel: another interface onto the services, like a view.

Tasks take plain values (ids, never model instances), call one service and are
safe to run twice: beat may fire again after a restart, and a redelivered
message must not do the work twice.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from partnership import services
from partnership.services import mail
from partnership.services.deadlines import deadlines_sweep as deadlines_sweep_service
from partnership.services.documents import (
    RENDER_SOFT_TIME_LIMIT,
    RENDER_TIME_LIMIT,
    document_render_version,
    documents_requeue_stalled,
)
from partnership.services.exports import (
    BUILD_SOFT_TIME_LIMIT,
    BUILD_TIME_LIMIT,
    exports_expire,
    exports_requeue_stalled,
)
from partnership.services.exports import export_build as export_build_service

logger = logging.getLogger(__name__)


@shared_task(name="partnership.tasks.ping")
def ping() -> str:
    """Answer "pong": proves that a message went through the broker to a worker and back."""
    return "pong"


@shared_task(name="partnership.tasks.invitations_expire_stale")
def invitations_expire_stale() -> int:
    """Beat's hourly sweep: pending invitations past their date become expired."""
    return services.invitations_expire_stale()


# PDFs are rendered on the dedicated "documents" queue (CELERY_TASK_ROUTES), with limits of their own:
# a runaway render is stopped instead of holding a worker. acks_late and reject_on_worker_lost: the
# render is idempotent (it claims its version first), so a message whose worker died mid-render is
# delivered again rather than lost, and a second delivery never renders a version twice.


@shared_task(
    name="partnership.tasks.document_render",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=RENDER_SOFT_TIME_LIMIT,
    time_limit=RENDER_TIME_LIMIT,
    ignore_result=True,
)
def document_render(version_id: int) -> str:
    """Render one document version to PDF; a READY version is left alone (safe to deliver twice)."""
    return document_render_version(version_id=version_id)


@shared_task(name="partnership.tasks.deadlines_sweep")
def deadlines_sweep() -> dict[str, int]:
    """Beat's sweep every few minutes: reminders, breaches and escalations, each sent exactly once.

    No lock: overlapping runs (a slow sweep, beat restarting, a redelivered message) are made
    safe by the database's unique notice rows and atomic claims (``services.deadlines``).
    """
    return deadlines_sweep_service()


@shared_task(name="partnership.tasks.documents_requeue_stalled")
def documents_requeue_stalled_task() -> int:
    """Beat's job every minute: send again every document version queued while the broker was down,
    or left rendering by a worker that died. Each is claimed before it renders, so it renders once."""
    return documents_requeue_stalled()


# Exports (spreadsheets) are written on the "exports" queue, with limits of their own, so a whole cycle's
# workbook never delays a PDF or a reminder. acks_late and reject_on_worker_lost are safe for the same reason
# as for renders: a build claims its job first, so a second delivery never writes a job twice.


@shared_task(
    name="partnership.tasks.export_build",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=BUILD_SOFT_TIME_LIMIT,
    time_limit=BUILD_TIME_LIMIT,
    ignore_result=True,
)
def export_build(job_id: int) -> str:
    """Write one queued export; a job done, or claimed by another build, is left alone (safe to deliver twice)."""
    return export_build_service(job_id=job_id)


@shared_task(name="partnership.tasks.exports_requeue_stalled")
def exports_requeue_stalled_task() -> int:
    """Beat's job every minute: send again every export queued while the broker was down, or left running by a
    worker that died. Each is claimed before it is built, so it is built once."""
    return exports_requeue_stalled()


@shared_task(name="partnership.tasks.exports_expire")
def exports_expire_task() -> int:
    """Beat's job every hour: delete the files of exports written more than a week ago."""
    return exports_expire()


# Sending an email claims its row first (services.mail), so a redelivered message sends nothing twice:
# acks_late and reject_on_worker_lost are safe, and a worker lost mid-send does not lose the email.
# Failures retry with back-off; past max_retries the beat job below keeps trying until RETRY_FOR.


RETRY_COUNTDOWN_MAX = 5 * 60


@shared_task(
    bind=True,
    name="partnership.tasks.email_send",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=6,
    ignore_result=True,
)
def email_send(self, email_id: int) -> str:
    """Send one recorded email; on a mail server error, try again after the row's back-off."""
    outcome = mail.outbound_email_send(email_id=email_id)
    if outcome.retry_in is not None and self.request.retries < self.max_retries:
        # Capped well inside the broker's visibility timeout; longer waits are the beat job's.
        raise self.retry(countdown=min(outcome.retry_in.total_seconds(), RETRY_COUNTDOWN_MAX))
    return outcome.state


@shared_task(name="partnership.tasks.emails_send_due")
def emails_send_due() -> dict[str, int]:
    """Beat's job every minute: send the emails recorded while the broker or the mail server was down."""
    return mail.emails_send_due()


@worker_ready.connect
def _send_waiting_work_on_start(sender, **kwargs) -> None:
    """A worker that starts (after a crash, or with the broker back) asks at once for what waits,
    instead of waiting for beat's next minute: documents, exports and emails recorded meanwhile."""
    for name in (
        "partnership.tasks.documents_requeue_stalled",
        "partnership.tasks.exports_requeue_stalled",
        "partnership.tasks.emails_send_due",
    ):
        try:
            sender.app.send_task(name, ignore_result=True)
        except Exception:  # the broker went away again: beat will do it
            logger.warning("Could not queue %s on worker start", name)
