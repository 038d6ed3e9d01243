"""Celery tasks of the kernel: another interface onto the services, like a view.

Tasks take plain values (ids, never model instances), call one service and are
safe to run twice: beat may fire again after a restart, and a redelivered
message must not do the work twice.
"""

from __future__ import annotations

from celery import shared_task

from partnership import services


@shared_task(name="partnership.tasks.ping")
def ping() -> str:
    """Answer "pong": proves that a message went through the broker to a worker and back."""
    return "pong"


@shared_task(name="partnership.tasks.invitations_expire_stale")
def invitations_expire_stale() -> int:
    """Beat's hourly sweep: pending invitations past their date become expired."""
    return services.invitations_expire_stale()
