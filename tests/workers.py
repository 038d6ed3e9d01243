"""Helpers for tests that start a real Celery worker in the test process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kombu import pools

from config.celery import app


@contextmanager
def broker_folders_in(folder: Path) -> Iterator[None]:
    """Point the filesystem transport at ``folder`` for the duration (no-op on Redis)."""
    original = app.conf.broker_transport_options
    if not app.conf.broker_url.startswith("filesystem"):
        yield
        return
    queue, processed = folder / "queue", folder / "processed"
    queue.mkdir()
    processed.mkdir()
    # As in settings: messages go out to and come in from one folder.
    app.conf.broker_transport_options = {
        **original,
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "processed_folder": str(processed),
    }
    try:
        yield
    finally:
        app.conf.broker_transport_options = original


def fresh_broker_pools() -> None:
    """Close and forget every cached broker connection and producer.

    kombu keeps them in process-wide registries keyed by the broker URL: a pool
    closed but left there would be handed to the next sender on the same Redis
    URL ("Acquire on closed pool"). Forgetting them all also makes the
    filesystem transport read the folders in force now.
    """
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
