"""Figures worked out from a partnership's records, kept in the shared cache until any of its records change.

A dashboard at national volume reads ten years of reviews, audits, hubs and recommendations: about
a tenth of a second of queries and drawing, for figures that change a few times an hour. So figures
are cached under the partnership's *generation*, a counter every write to one of its rows moves on
(the write's partnership) or to rows whose partnership is not known to the writer (every
partnership: the global generation). A reader asks for the generation first and stores what it
worked out under it, so a figure is never served once a write it depends on has happened:

- every save and delete of a partnership's row moves its generation (``post_save`` and
  ``post_delete`` of every tenant model, and changes to many-to-many links between them);
- every queryset ``update``, ``delete``, ``bulk_create`` and ``bulk_update`` of tenant rows moves
  the generation of the partnership it names, or the global one (``partnership.models``);
- the generation moves when the write happens *and* again when its transaction commits, so a
  reader that worked out figures from the rows as they were before the commit stored them under a
  generation nobody asks for any more.

A generation that is missing from the cache (evicted, or the cache cleared) starts again from the
clock, never from 0, so a key stored before cannot be met again. Keys also name the release (a digest
of the project's code and templates), so what one release worked out or drew is never read by another,
whose selectors or templates may differ. What is cached is for one reader's
view (the caller puts whatever narrows it, such as a member's visibility and the date, into
``parts``). Caching is on only where every process shares the cache (Redis: the web processes and
the worker that writes too); ``FIGURES_CACHE_SECONDS = 0`` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

T = TypeVar("T")
logger = logging.getLogger(__name__)

_GLOBAL = "figures:generation:all"
_MISSING = object()


# The code and templates whose output is kept: the apps, the settings and the templates folder.
_RELEASE_FOLDERS = ("config", "partnership", "reviews", "audits", "learninghub", "scrutiny", "templates")


@functools.cache
def release() -> str:
    """A digest of the project's Python files and templates, the same in every process of one release (their
    contents, not their times, which differ between machines serving the same release)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in _RELEASE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".svg"} and "migrations" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _generation_key(partnership_id: int) -> str:
    return f"figures:generation:p{partnership_id}"


def figures_cache_seconds() -> int:
    return int(getattr(settings, "FIGURES_CACHE_SECONDS", 0))


def _generations(partnership_id: int) -> tuple[int, int]:
    keys = (_GLOBAL, _generation_key(partnership_id))
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # add, not set: two readers starting a missing generation agree on one value.
            cache.add(key, time.time_ns(), timeout=None)
            found[key] = cache.get(key)
    return found[_GLOBAL], found[keys[1]]


def figures_cached(*, partnership_id: int, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or what it answered for the same ``parts`` since the partnership's records last changed.

    ``parts`` names the figures and everything they depend on other than the partnership's rows (the
    filters, the reader's visibility, today's date); what ``compute`` answers is pickled. With the cache
    unreachable, the figures are worked out every time.
    """
    seconds = figures_cache_seconds()
    if seconds <= 0:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    try:
        everything, own = _generations(partnership_id)
        key = f"figures:p{partnership_id}:{everything}:{own}:{release()}:{digest}"
        value = cache.get(key, _MISSING)
    except Exception:  # any failure of the cache's server: work the figures out instead
        logger.warning("Figures cache unreachable: working the figures out", exc_info=True)
        return compute()
    if value is _MISSING:
        value = compute()
        try:
            cache.set(key, value, timeout=seconds)
        except Exception:
            logger.warning("Figures cache unreachable: figures not kept", exc_info=True)
    return value


def _move_on(partnership_ids: frozenset[int] | None) -> None:
    keys = [_GLOBAL] if partnership_ids is None else [_generation_key(pk) for pk in partnership_ids]
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            # Not there: the next reader starts it from the clock, which no stored figure used.
            pass
        except Exception:  # the write stands; what was cached may outlive it (see below)
            # Unreachable. A cache that restarted empty starts again from the clock; one that was only out of
            # reach can serve what it kept for up to FIGURES_CACHE_SECONDS. A write never fails for it.
            logger.warning("Figures cache unreachable: cached figures of %s not moved on", key, exc_info=True)


def figures_changed(partnership_ids: frozenset[int] | set[int] | None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rows of these partnerships (``None``: of any partnership) were written: their cached figures are stale.

    Called by the tenant models' signals and querysets; cheap when caching is off.
    """
    if figures_cache_seconds() <= 0:
        return
    ids = None if partnership_ids is None else frozenset(pk for pk in partnership_ids if pk is not None)
    if ids is not None and not ids:
        return
    _move_on(ids)
    connection = connections[using]
    if not connection.in_atomic_block:
        return
    # Once more at commit, for readers who read the rows as they were before it (see the module's note). One
    # callback a transaction, found among the connection's own: a rolled-back transaction or savepoint drops it.
    for _savepoints, func, _robust in connection.run_on_commit:
        if isinstance(func, _AtCommit):
            func.add(ids)
            return
    at_commit = _AtCommit()
    at_commit.add(ids)
    transaction.on_commit(at_commit, using=using)


class _AtCommit:
    """The generations to move on when the transaction commits (``None`` among them: every partnership's)."""

    def __init__(self) -> None:
        self.everything = False
        self.partnership_ids: set[int] = set()

    def add(self, ids: frozenset[int] | None) -> None:
        if ids is None:
            self.everything = True
        else:
            self.partnership_ids |= ids

    def __call__(self) -> None:
        _move_on(None if self.everything else frozenset(self.partnership_ids))
