"""Gunicorn's settings, from the environment: ``gunicorn config.wsgi -c config/gunicorn.py``.

| variable | default | meaning |
|---|---|---|
| ``GUNICORN_BIND`` | ``0.0.0.0:8000`` | address and port |
| ``GUNICORN_WORKERS`` (or ``WEB_CONCURRENCY``) | 2 | worker processes |
| ``GUNICORN_THREADS`` | 4 | threads per worker (``gthread`` workers when above 1) |
| ``GUNICORN_TIMEOUT`` | 60 | seconds before a silent worker is restarted |
| ``GUNICORN_ACCESS_LOG`` | ``-`` | access log file, ``-`` for standard output, empty for none |

The defaults are for a 2-core host: one worker per core, and threads so that
a worker keeps its core busy while a request waits for PostgreSQL or Redis
(about a third of a page's time), without the memory of one process per
concurrent request. A host with more cores: about one worker per core, the
same threads. Measure a change with the load test (``tests/benchmarks/load.py``
reads the same variables): the README's "Performance" says what was measured.
"""

from __future__ import annotations

import gc
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", 2))
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# Workers are forked after the application is imported: less memory, a faster start.
preload_app = True


def pre_fork(server, worker):
    """Freezes what the master has loaded (the application and its URLconf, views and all: ``config/wsgi.py``)
    before each worker is forked. A worker's collector then never rescans those objects: 247,000 of them, over
    which one full pass takes about 80 ms here, landing in whichever request is running. The pages a worker's
    writes leave untouched also stay shared with the master."""
    gc.freeze()
