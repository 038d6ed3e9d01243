"""Where a page's wall time goes, without a profiler: ``python -m tests.benchmarks.run --phases KEY,KEY``.

cProfile's cost per Python call inflates exactly the code that is made of many
small calls (Django building SQL, the template engine), so its shares mislead: a
change that removed a twelfth of a page's profiled time saved a fortieth of its
real time. Here only a handful of functions are wrapped, each with two clock reads a
call, and every request's time is split into:

- *building SQL*: ``SQLCompiler.as_sql``, the outermost call only (a subquery's
  compile is part of its query's);
- *database*: ``CursorWrapper.execute``/``executemany``, the round trip to the
  server: PostgreSQL's planning and execution (``--plans`` splits those), the
  transfer, and psycopg2 reading the rows;
- *cache*: ``redis.Redis.execute_command``, every command to Redis (sessions,
  the figures cache and its generations);
- *templates*: the template backend's ``Template.render`` (what ``render()``
  calls, once a page), less the SQL built and run inside it (a lazy queryset
  read by a template counts as SQL and database). Not the engine's own
  ``Template.render``: that one runs again for every ``{% include %}``, and
  wrapping it added some 140 µs to each (3 ms to a page of 22 included fields),
  enough to make includes look costly when they were not;
- *the rest*: everything else (middleware, the view's own Python, building the
  querysets before they are compiled, making models from rows).

Each phase is counted once: a phase running inside another is taken out of the
outer one's time, so they add up to the request.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager

PHASES = ("building SQL", "database", "cache", "templates")


class _PhaseClock:
    """Exclusive time per phase: a phase nested in another (a query a template reads) is not counted twice."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._stack: list[list] = []  # [phase, started, time spent in phases nested inside it]

    def timed(self, phase: str, function: Callable, *, outermost_only: bool = False) -> Callable:
        clock = self

        def wrapper(*args, **kwargs):
            if outermost_only and any(frame[0] == phase for frame in clock._stack):
                return function(*args, **kwargs)
            frame = [phase, time.perf_counter(), 0.0]
            clock._stack.append(frame)
            try:
                return function(*args, **kwargs)
            finally:
                clock._stack.pop()
                elapsed = time.perf_counter() - frame[1]
                clock.spent[phase] += elapsed - frame[2]
                if clock._stack:
                    clock._stack[-1][2] += elapsed

        return wrapper


@contextmanager
def _phases_timed(clock: _PhaseClock):
    from django.db.backends.utils import CursorWrapper
    from django.db.models.sql.compiler import SQLCompiler
    from django.template.backends.django import Template
    from redis import Redis

    wrapped = [
        (SQLCompiler, "as_sql", "building SQL", True),
        (CursorWrapper, "execute", "database", False),
        (CursorWrapper, "executemany", "database", False),
        (Redis, "execute_command", "cache", False),
        (Template, "render", "templates", True),
    ]
    originals = [(owner, name, owner.__dict__[name]) for owner, name, _phase, _outer in wrapped]
    try:
        for owner, name, phase, outermost_only in wrapped:
            setattr(owner, name, clock.timed(phase, owner.__dict__[name], outermost_only=outermost_only))
        yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def phases(pages, world, *, repeat: int, warm_page: Callable) -> str:
    """Each page's median and mean request, and the mean milliseconds a request spends in each phase."""
    header = f"{'page':<45} | {'median':>7} | {'mean':>7} | " + " | ".join(f"{p:>12}" for p in PHASES)
    out = [
        f"{repeat} requests a page; milliseconds; phases are means per request (see tests/benchmarks/phases.py).",
        header + f" | {'the rest':>8} | queries",
        "-" * (len(header) + 20),
    ]
    for page in pages:
        client, url, captured = warm_page(page, world)
        clock = _PhaseClock()
        totals = []
        with _phases_timed(clock):
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(url)
                totals.append(time.perf_counter() - started)
        mean = statistics.mean(totals)
        spent = [clock.spent[p] / repeat for p in PHASES]
        cells = " | ".join(f"{s * 1000:12.2f}" for s in spent)
        out.append(
            f"{page.label[:45]:<45} | {statistics.median(totals) * 1000:7.2f} | {mean * 1000:7.2f} | {cells} | "
            f"{(mean - sum(spent)) * 1000:8.2f} | {len(captured):7d}"
        )
    return "\n".join(out)
