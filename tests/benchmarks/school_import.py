"""How long importing the schools register takes: 6,000 rows of CSV and of XLSX, new and again (updates).

    .venv/bin/python -m tests.benchmarks.school_import                 # 6,000 rows, 3 runs of each
    .venv/bin/python -m tests.benchmarks.school_import --rows 600 --repeat 1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learningloop .venv/bin/python -m tests.benchmarks.school_import

In a database of its own (``.run/bench/school_import_bench.sqlite3``, or a
PostgreSQL database whose name ends in ``_school_import_bench``, dropped and
created afresh). Each timed run is what the import page and the API do with
an uploaded file: the files service's checks, reading every row
(``school_rows_from_upload``) and ``school_import`` in its transaction. The
cases: a new register (every row a new school, in a fresh partnership), the
same file again (nothing changes), and a file where every school's head
changed (every row an update). The bar (issue 10): under 10 s each, with a
number of queries that does not grow with the rows beyond the bulk batches.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field

from tests.benchmarks.run import BASE_DIR, _bench_database

BAR_SECONDS = 10.0


@dataclass
class Case:
    label: str
    samples: list[float] = field(default_factory=list)
    queries: int = 0
    counts: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def _partnership(n: int):
    from partnership.models import Agency, AgencyType, Membership, Partnership, Person

    partnership = Partnership.objects.create(name=f"Import County {n}", slug=f"import-county-{n}")
    council = Agency.objects.create(
        partnership=partnership, name="County Council", agency_type=AgencyType.LOCAL_AUTHORITY
    )
    person, _ = Person.objects.get_or_create(email="bm@import.example", defaults={"full_name": "Import Manager"})
    Membership.objects.create(partnership=partnership, person=person, agency=council)
    return partnership, person


def _run(partnership, person, data: bytes, name: str) -> tuple[float, int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audits import services
    from tests.audits.school_files import upload

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        rows, kind, file_name = services.school_rows_from_upload(upload(data, name))
        result = services.school_import(
            partnership=partnership, actor=person, rows=rows, file_name=file_name, file_kind=kind
        )
    elapsed = time.perf_counter() - started
    return elapsed, len(queries), f"{result.created} new, {result.updated} updated, {result.unchanged} unchanged"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.school_import", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--rows", type=int, default=6000, help="schools in the file (default 6000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each case (default 3)")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be at least 1")

    database_url, database_label = _bench_database(reuse=False, name="school_import_bench")
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from tests.benchmarks import allow_global_reads

    allow_global_reads()
    from django.core.management import call_command

    from tests.audits.school_files import csv_bytes, school_rows, xlsx_bytes

    print(f"Database: {database_label}")
    call_command("migrate", verbosity=0, interactive=False)
    rows = school_rows(args.rows)
    changed = [[name, urn, f"New {head}", email] for name, urn, head, email in rows]
    files = {
        "csv": (csv_bytes(rows), csv_bytes(changed), "register.csv"),
        "xlsx": (xlsx_bytes(rows), xlsx_bytes(changed), "register.xlsx"),
    }
    cases: list[Case] = []
    serial = 0
    for kind, (data, changed_data, name) in files.items():
        size = len(data) / 1024
        fresh = Case(f"{kind.upper()} ({size:,.0f} KiB): new register")
        again = Case(f"{kind.upper()}: the same file again")
        update = Case(f"{kind.upper()}: every head changed")
        for _ in range(args.repeat):
            serial += 1
            partnership, person = _partnership(serial)
            for case, payload in ((fresh, data), (again, data), (update, changed_data)):
                elapsed, queries, counts = _run(partnership, person, payload, name)
                case.samples.append(elapsed)
                case.queries, case.counts = queries, counts
        cases += [fresh, again, update]

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{args.rows:,} rows; machine: {os.cpu_count()} CPUs, load average {load}.\n")
    header = ("case", "runs", "median s", "max s", "queries", "result", f"under {BAR_SECONDS:.0f} s")
    lines = [header]
    for case in cases:
        ok = max(case.samples) < BAR_SECONDS
        lines.append(
            (
                case.label,
                str(len(case.samples)),
                f"{case.median:.2f}",
                f"{max(case.samples):.2f}",
                str(case.queries),
                case.counts,
                "yes" if ok else "NO",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for i, line in enumerate(lines):
        print(
            " | ".join(
                c.ljust(w) if j in (0, 5) else c.rjust(w) for j, (c, w) in enumerate(zip(line, widths, strict=True))
            )
        )
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    return 0 if all(max(c.samples) < BAR_SECONDS for c in cases) else 1


if __name__ == "__main__":
    raise SystemExit(main())
