"""The session engine where Redis is configured: database sessions behind Django's write-through cache.

Reads come from the cache and fall back to the database; every write goes to
both, and signing out deletes both, so the database stays the record. The key
is checked for shape before the cache or the database sees it, as in
``partnership.sessions``.
"""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseSessionStore

from partnership.sessions import session_key_is_valid


class SessionStore(CachedDatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return session_key_is_valid(key)
