"""Cache keys that name their database.

Cached figures are keyed by a partnership's id (``partnership.figures_cache``), and an id names a partnership only
within its database. One Redis may serve several databases: two deployments, or the test run's parallel workers,
each with a test database of its own, where partnership 5 of one is not partnership 5 of the other. So every key
carries the name of the database the process reads, as it is when the key is made (the test run renames it).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def key_in_database(key: str, key_prefix: str, version: int) -> str:
    """Django's key (``prefix:version:key``) under the default database's name."""
    return f"{connections[DEFAULT_DB_ALIAS].settings_dict['NAME']}:{key_prefix}:{version}:{key}"
