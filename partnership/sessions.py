"""The session engines: Django's database sessions, with the cookie's key checked for shape before any query.

Django accepts any session key of eight characters or more and looks it up.
A cookie carrying a NUL byte then reaches PostgreSQL, which refuses the query
with an error: a 500 on every page and every API call, before authentication.
Keys Django makes are 32 lowercase letters and digits; anything else cannot be
a session of ours and is treated as no session at all.

Where Redis is configured (production), ``partnership.sessions_cached`` is the
engine: the same store behind Django's write-through cache, so a signed-in
request reads its session from Redis instead of PostgreSQL (one query fewer on
every page and API call); the database stays the record, read on a cache miss.
"""

from __future__ import annotations

import re

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_SESSION_KEY = re.compile(rf"[{re.escape(VALID_KEY_CHARS)}]{{32}}")


def session_key_is_valid(key: str | None) -> bool:
    return isinstance(key, str) and _SESSION_KEY.fullmatch(key) is not None


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return session_key_is_valid(key)
