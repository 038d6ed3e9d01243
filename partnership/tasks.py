"""Celery tasks of the kernel: another interface onto the services, like a view.

Tasks take plain values (ids, never model instances), call one service and are
safe to run twice: beat may fire again after a restart, and a redelivered
message must not do the work twice.
"""

from __future__ import annotations

from celery import shared_task

from partnership import services
from partnership.services.deadlines import deadlines_sweep as deadlines_sweep_service
from partnership.services.documents import RENDER_SOFT_TIME_LIMIT, RENDER_TIME_LIMIT, document_render_version


@shared_task(name="partnership.tasks.ping")
def ping() -> str:
    """Answer "pong": proves that a message went through the broker to a worker and back."""
    return "pong"


@shared_task(name="partnership.tasks.invitations_expire_stale")
def invitations_expire_stale() -> int:
    """Beat's hourly sweep: pending invitations past their date become expired."""
    return services.invitations_expire_stale()


# PDFs are rendered on the dedicated "documents" queue (CELERY_TASK_ROUTES), with limits of their own:
# a runaway render is stopped instead of holding a worker. acks_late: the render is idempotent, so a
# message whose worker died mid-render is delivered again rather than lost.


@shared_task(
    name="partnership.tasks.document_render",
    acks_late=True,
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
