"""Tenancy held by the database itself: the walls below the fail-closed manager.

1. Same partnership as the parent. Every foreign key from one tenant model
   (a model with a ``partnership`` foreign key) to another, and every
   many-to-many between two, must join rows of one partnership: an information
   request cannot name another partnership's agency, a contributor cannot hang
   from another partnership's review. On PostgreSQL this is a composite foreign
   key ``(partnership_id, <fk>_id) -> parent (partnership_id, id)``; on SQLite,
   which cannot add a foreign key to an existing table, triggers refuse the
   insert or update (and the parent's move to another partnership). Many-to-many
   tables have no partnership column: triggers on both engines.

2. Row-level security (PostgreSQL only). Every tenant table has a policy that
   shows and accepts only the rows of the partnership in ``app.partnership_id``
   when it is set; unset (the worker, the sweep, commands, migrations), it
   allows all. A person's own memberships and their agencies stay visible
   (``app.person_id``), for the partnership switcher, and so do the memberships
   of partnerships in a collaboration with this one (sharing finds a grantee).
   The request sets both once its partnership is resolved
   (``tenant_db_scope_enter``, called by ``partnership_view`` and the API base)
   and ``TenantDatabaseScopeMiddleware`` clears them when the request ends.
   PostgreSQL's superusers (and roles with BYPASSRLS) ignore every policy, FORCE
   or not, so the request also switches to ``settings.TENANT_DATABASE_ROLE``, a
   role without either; tables are FORCEd so a non-superuser owner is held too.

Both are created by migration ``partnership.0011_tenant_integrity`` and re-ensured after every
``migrate`` (``post_migrate``, see ``apps.py``): a tenant model added later is
covered without a migration of its own, and SQLite's triggers come back after a
migration rebuilds a table (which drops them).

Only tables are read from the model registry; this module imports no model.
"""

# The SQL below is built from table and column names out of the model registry, never from input.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

PARTNERSHIP_SETTING = "app.partnership_id"
PERSON_SETTING = "app.person_id"
POLICY_NAME = "tenant_isolation"
_ERROR = "Rows of one partnership only:"


@dataclass(frozen=True)
class TenantLink:
    """A foreign key column of a tenant table that points at another tenant table."""

    table: str
    column: str
    parent_table: str
    parent_column: str


@dataclass(frozen=True)
class TenantPair:
    """A many-to-many table joining two tenant tables."""

    table: str
    left_column: str
    left_table: str
    right_column: str
    right_table: str


def _is_tenant(model) -> bool:
    try:
        field = model._meta.get_field("partnership")
    except FieldDoesNotExist:
        return False
    return bool(field.many_to_one and field.related_model._meta.label_lower == "partnership.partnership")


def tenant_tables(apps) -> list[str]:
    return sorted(
        m._meta.db_table for m in apps.get_models() if _is_tenant(m) and m._meta.managed and not m._meta.proxy
    )


def tenant_links(apps) -> list[TenantLink]:
    links = []
    for model in apps.get_models():
        if not _is_tenant(model) or not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if field.name == "partnership" or not field.is_relation or not _is_tenant(field.related_model):
                continue
            links.append(
                TenantLink(
                    table=model._meta.db_table,
                    column=field.column,
                    parent_table=field.related_model._meta.db_table,
                    parent_column=field.target_field.column,
                )
            )
    return sorted(links, key=lambda link: (link.table, link.column))


def tenant_pairs(apps) -> list[TenantPair]:
    pairs = []
    for model in apps.get_models():
        if not _is_tenant(model):
            continue
        for field in model._meta.local_many_to_many:
            if not _is_tenant(field.related_model):
                continue
            through = field.remote_field.through
            if _is_tenant(through):
                continue  # a through model with its own partnership: its foreign keys are links (above)
            pairs.append(
                TenantPair(
                    table=through._meta.db_table,
                    left_column=through._meta.get_field(field.m2m_field_name()).column,
                    left_table=model._meta.db_table,
                    right_column=through._meta.get_field(field.m2m_reverse_field_name()).column,
                    right_table=field.related_model._meta.db_table,
                )
            )
    return pairs


def _name(prefix: str, *parts: str) -> str:
    """A constraint or trigger name within PostgreSQL's 63 characters, stable for the same parts."""
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:10]
    return f"{prefix}_{'_'.join(parts)}"[:50] + f"_{digest}"


def _executor(schema_editor):
    # No parameters: the statements carry literal % (PL/pgSQL's format()), which interpolation would eat.
    return lambda sql: schema_editor.execute(sql, None)


# --- PostgreSQL ------------------------------------------------------------------------


_PG_PAIR_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ll_tenant_pair_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    left_partnership bigint;
    right_partnership bigint;
BEGIN
    -- TG_ARGV: left table, left column (in this table), right table, right column.
    EXECUTE format('SELECT partnership_id FROM %I WHERE id = $1', TG_ARGV[0])
        INTO left_partnership USING (to_jsonb(NEW) ->> TG_ARGV[1])::bigint;
    EXECUTE format('SELECT partnership_id FROM %I WHERE id = $1', TG_ARGV[2])
        INTO right_partnership USING (to_jsonb(NEW) ->> TG_ARGV[3])::bigint;
    IF left_partnership IS DISTINCT FROM right_partnership THEN
        RAISE EXCEPTION '{_ERROR} % joins % of partnership % to % of partnership %',
            TG_TABLE_NAME, TG_ARGV[0], left_partnership, TG_ARGV[2], right_partnership
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
"""

# Shows and accepts the rows of the request's partnership, or every row when none is set.
_PG_VISIBLE = (
    f"(NULLIF(current_setting('{PARTNERSHIP_SETTING}', true), '') IS NULL"
    f" OR partnership_id = NULLIF(current_setting('{PARTNERSHIP_SETTING}', true), '')::bigint)"
)
_PG_PERSON = f"NULLIF(current_setting('{PERSON_SETTING}', true), '')::bigint"
_PG_PARTNERSHIP = f"NULLIF(current_setting('{PARTNERSHIP_SETTING}', true), '')::bigint"
# What a request sees of other partnerships: the person's own memberships and those memberships'
# agencies (the partnership switcher lists them), and the memberships of partnerships it shares a
# collaboration with (sharing an item finds the grantee there by email); nothing else.
_PG_ALSO_VISIBLE = {
    "partnership_membership": (
        f"person_id = {_PG_PERSON} OR partnership_id IN (SELECT theirs.partnership_id"
        " FROM partnership_collaboration_partnerships AS ours JOIN partnership_collaboration_partnerships AS theirs"
        f" ON theirs.collaboration_id = ours.collaboration_id WHERE ours.partnership_id = {_PG_PARTNERSHIP})"
    ),
    "partnership_agency": f"id IN (SELECT agency_id FROM partnership_membership WHERE person_id = {_PG_PERSON})",
}


def _pg_ensure(schema_editor, apps) -> None:
    execute = _executor(schema_editor)
    # A unique key (partnership_id, id) on every tenant table a link points at.
    for parent in sorted({link.parent_table for link in tenant_links(apps)}):
        key = _name("tenant_key", parent)
        execute(
            f"""DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '{key}') THEN
                    ALTER TABLE "{parent}" ADD CONSTRAINT "{key}" UNIQUE (partnership_id, id);
                END IF;
            END $$;"""
        )
    for link in tenant_links(apps):
        fk = _name("same_partnership", link.table, link.column)
        execute(
            f"""DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '{fk}') THEN
                    ALTER TABLE "{link.table}" ADD CONSTRAINT "{fk}"
                        FOREIGN KEY (partnership_id, "{link.column}")
                        REFERENCES "{link.parent_table}" (partnership_id, "{link.parent_column}")
                        DEFERRABLE INITIALLY DEFERRED;
                END IF;
            END $$;"""
        )
    execute(_PG_PAIR_FUNCTION)
    for pair in tenant_pairs(apps):
        trigger = _name("same_partnership", pair.table)
        execute(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{pair.table}"')
        execute(
            f'CREATE TRIGGER "{trigger}" BEFORE INSERT OR UPDATE ON "{pair.table}" FOR EACH ROW '
            f"EXECUTE FUNCTION ll_tenant_pair_check('{pair.left_table}', '{pair.left_column}', "
            f"'{pair.right_table}', '{pair.right_column}')"
        )
    for table in tenant_tables(apps):
        execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        execute(f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"')
        using = _PG_VISIBLE
        if table in _PG_ALSO_VISIBLE:
            using = f"({_PG_VISIBLE} OR {_PG_ALSO_VISIBLE[table]})"
        execute(f'CREATE POLICY {POLICY_NAME} ON "{table}" USING {using} WITH CHECK {_PG_VISIBLE}')
    _pg_ensure_role(schema_editor)


def _pg_ensure_role(schema_editor) -> None:
    role = settings.TENANT_DATABASE_ROLE
    if not role:
        return
    execute = _executor(schema_editor)
    # Roles belong to the whole cluster: several databases (and test runs) share one.
    execute(
        f"""DO $$ BEGIN
            CREATE ROLE "{role}" NOLOGIN NOSUPERUSER NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;"""
    )
    # Two test processes migrating their databases at once may grant it at the same moment ("tuple concurrently
    # updated"): what matters is that the grant exists afterwards.
    execute(
        f"""DO $$ BEGIN
            GRANT "{role}" TO CURRENT_USER;
        EXCEPTION WHEN OTHERS THEN
            IF NOT pg_has_role(CURRENT_USER, '{role}', 'MEMBER') THEN RAISE; END IF;
        END $$;"""
    )
    execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
    execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
    execute(f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_ensure(schema_editor, apps) -> None:
    execute = _executor(schema_editor)
    for link in tenant_links(apps):
        name = _name("same_partnership", link.table, link.column)
        mismatch = (
            f'EXISTS (SELECT 1 FROM "{link.parent_table}" AS parent WHERE parent."{link.parent_column}" = '
            f'NEW."{link.column}" AND parent.partnership_id IS NOT NEW.partnership_id)'
        )
        message = f"{_ERROR} {link.table}.{link.column} names a row of another partnership"
        for event in ("INSERT", f'UPDATE OF partnership_id, "{link.column}"'):
            suffix = "ins" if event == "INSERT" else "upd"
            execute(
                f'CREATE TRIGGER IF NOT EXISTS "{name}_{suffix}" BEFORE {event} ON "{link.table}" '
                f"WHEN {mismatch} BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        # The parent moving to another partnership would leave its children behind.
        execute(
            f'CREATE TRIGGER IF NOT EXISTS "{name}_par" BEFORE UPDATE OF partnership_id ON "{link.parent_table}" '
            f'WHEN EXISTS (SELECT 1 FROM "{link.table}" AS child WHERE child."{link.column}" = '
            f'NEW."{link.parent_column}" AND child.partnership_id IS NOT NEW.partnership_id) '
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
    for pair in tenant_pairs(apps):
        name = _name("same_partnership", pair.table)
        mismatch = (
            f'(SELECT partnership_id FROM "{pair.left_table}" WHERE id = NEW."{pair.left_column}") IS NOT '
            f'(SELECT partnership_id FROM "{pair.right_table}" WHERE id = NEW."{pair.right_column}")'
        )
        message = f"{_ERROR} {pair.table} joins rows of two partnerships"
        for event in ("INSERT", "UPDATE"):
            execute(
                f'CREATE TRIGGER IF NOT EXISTS "{name}_{event[:3].lower()}" BEFORE {event} ON "{pair.table}" '
                f"WHEN {mismatch} BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def sqlite_triggers_naming_drop(table: str):
    """A ``RunPython`` step for a migration that rebuilds ``table`` on SQLite (adding a column that is not null
    makes Django copy the table and rename the copy): drop the triggers that name it, on its children's tables
    too, since SQLite refuses to rename a table while a trigger names one that is gone. ``post_migrate`` makes
    them again (``tenant_integrity_after_migrate``). Nothing on PostgreSQL, which alters the table in place."""

    def drop(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND instr(sql, %s) > 0", [f'"{table}"']
            )
            names = [name for (name,) in cursor.fetchall()]
        execute = _executor(schema_editor)
        for name in names:
            execute(f'DROP TRIGGER IF EXISTS "{name}"')

    return drop


def tenant_integrity_ensure(apps, schema_editor) -> None:
    """Create what is missing of the walls above; safe to run any number of times (a RunPython too)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _pg_ensure(schema_editor, apps)
    elif vendor == "sqlite":
        _sqlite_ensure(schema_editor, apps)


def tenant_integrity_after_migrate(sender, *, using: str = "default", apps=None, plan=None, **kwargs) -> None:
    """``post_migrate`` (for the partnership app): the walls for every tenant table as migrated.

    Covers tenant tables added since, and SQLite tables a migration rebuilt (which drops their triggers).
    """
    if apps is None or not plan:
        return
    with connections[using].schema_editor(atomic=True) as schema_editor:
        tenant_integrity_ensure(apps, schema_editor)


# --- The request's partnership ------------------------------------------------------------


def _raw_cursor(connection: BaseDatabaseWrapper):
    # Straight on the driver's connection: a setting for the session, not a query of the page, so
    # it is not counted by the tests' query-count pins (django_assert_max_num_queries).
    connection.ensure_connection()
    return connection.connection.cursor()


def tenant_db_scope_enter(*, partnership_id: int, person_id: int | None, using: str = "default") -> None:
    """Hold the rest of this request to one partnership's rows in the database (PostgreSQL only)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    role = settings.TENANT_DATABASE_ROLE
    sql = "SELECT set_config(%s, %s, false), set_config(%s, %s, false);"
    params = [PARTNERSHIP_SETTING, str(int(partnership_id)), PERSON_SETTING, str(int(person_id or 0))]
    if role:
        sql += f' SET ROLE "{role}";'
    with _raw_cursor(connection) as cursor:
        cursor.execute(sql, params)
    connection.tenant_db_scope = partnership_id


def tenant_db_scope_exit(*, using: str = "default") -> None:
    """Back to no partnership (every row), as background work sees the database."""
    connection = connections[using]
    if getattr(connection, "tenant_db_scope", None) is None:
        return
    connection.tenant_db_scope = None
    if connection.connection is None:
        return  # closed: the next connection starts with nothing set
    try:
        with connection.connection.cursor() as cursor:
            cursor.execute(
                "RESET ROLE; SELECT set_config(%s, '', false), set_config(%s, '', false);",
                [PARTNERSHIP_SETTING, PERSON_SETTING],
            )
    except DatabaseError:
        # An aborted transaction refuses even this. Outside one, close the connection rather than
        # hand the next request a session still set to this partnership; inside one (a test's),
        # the rollback undoes the settings with everything else.
        if not connection.in_atomic_block:
            connection.close()


class TenantDatabaseScopeMiddleware:
    """Clears the database's partnership when a request ends, however it ends."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            tenant_db_scope_exit()
