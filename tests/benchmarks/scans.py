"""Which pages read rows they throw away: ``python -m tests.benchmarks.run --scans [--pages KEY,KEY]``.

Every query of each page (one request after the warm-up) is explained with ``EXPLAIN ANALYZE`` as the request's
tenant role, with its partnership's row-level security, and each sequential scan that filters out more than
``DISCARDED_AT_LEAST`` rows is listed. Those are the costs that grow with the country rather than with the page: a
table joined without its partnership said (``partnership_agency.id = <row>.agency_id`` alone) is filtered by
row-level security, whose ``partnership_id = current_setting(...)`` test cannot pick rows from an index, so
PostgreSQL may hash every agency in the country to join fifty (issue 13, the ninth pass).
"""

from __future__ import annotations

import re

DISCARDED_AT_LEAST = 500

_SCAN = re.compile(r"Seq Scan on (\w+).*actual time=[0-9.]+\.\.([0-9.]+) rows=(\d+) loops=(\d+)")
_REMOVED = re.compile(r"Rows Removed by Filter: (\d+)")


def explained(captured: list[dict], world, *, options: str = "ANALYZE") -> list[tuple[str, str]]:
    """(SQL, plan) of each read among a page's captured queries, ``EXPLAIN (<options>)`` run as the request's
    tenant role with its partnership's row-level security (``--plans`` and ``--scans``). A write or a session
    setting is left out: ``EXPLAIN ANALYZE`` would run it."""
    from django.db import connection

    from partnership.models import Partnership
    from partnership.tenancy_db import tenant_db_scope_enter, tenant_db_scope_exit

    partnership_id = Partnership.objects.get(slug=world.slug).pk
    reads = [
        q["sql"]
        for q in captured
        if q["sql"].lstrip("( ").upper().startswith(("SELECT", "WITH")) and "set_config(" not in q["sql"]
    ]
    plans = []
    tenant_db_scope_enter(partnership_id=partnership_id, person_id=world.business_manager.pk)
    try:
        for sql in reads:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN ({options}) " + sql)
                plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    finally:
        tenant_db_scope_exit()
    return plans


def wasteful_scans(plan: str) -> list[tuple[str, int, int, float]]:
    """(table, rows kept, rows discarded, milliseconds) of each sequential scan in ``plan`` that discards many."""
    lines = plan.split("\n")
    found = []
    for at, line in enumerate(lines):
        scan = _SCAN.search(line)
        if scan is None:
            continue
        removed = next((int(m.group(1)) for later in lines[at + 1 : at + 4] if (m := _REMOVED.search(later))), 0)
        loops = int(scan.group(4))
        if removed * loops >= DISCARDED_AT_LEAST:
            found.append((scan.group(1), int(scan.group(3)) * loops, removed * loops, float(scan.group(2)) * loops))
    return found


def scans(pages, world, *, warm_page) -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return "--scans needs PostgreSQL (DATABASE_URL)."
    out = [f"Sequential scans discarding at least {DISCARDED_AT_LEAST} rows, by page (none listed: none found)."]
    for page in pages:
        _client, _url, captured = warm_page(page, world)
        for sql, plan in explained(captured, world):
            for table, kept, discarded, ms in wasteful_scans(plan):
                out.append(
                    f"  {page.key:<24} {table:<36} kept {kept:>6}, discarded {discarded:>7}, {ms:6.2f} ms  | {sql[:80]}"
                )
    return "\n".join(out)
