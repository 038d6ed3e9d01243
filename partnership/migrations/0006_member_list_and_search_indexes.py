"""Indexes for the member lists: their order (name, email) and search by any part of a name or email.

The order: a B-tree on (full_name, email), in the models' state, on every database.

The search, on PostgreSQL: the member list's search is ``icontains`` on the person's name and email, which
Django writes as ``UPPER(column::text) LIKE UPPER('%term%')``: a B-tree cannot
serve a pattern that starts with a wildcard, so without these every search read
every person of the partnership. pg_trgm's GIN indexes on the same ``UPPER(...)``
expressions serve it for terms of three characters or more.

PostgreSQL only: on SQLite (development, tests) the operations do nothing and the
search works as before, by scanning. The indexes are not in the models' state
(``Meta.indexes`` would make SQLite try to build a GIN index), so
``makemigrations`` never proposes to drop them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

INDEXES = {
    "partnership_person_full_name_trgm": "full_name",
    "partnership_person_email_trgm": "email",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON partnership_person USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("partnership", "0005_access_tokens_grants_service_accounts")]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["full_name", "email"], name="person_name_email"),
        ),
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
