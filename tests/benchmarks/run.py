"""Page-time benchmarks against a large data set, in a database of their own.

    cd /work/main && .venv/bin/python -m tests.benchmarks.run [--repeat 30] [--scale 1] [--pages a,b] [--reuse]

Instead of the table, one page's profile (``--profile``), its queries' plans (``--plans``), pages' time by phase
(``--phases``, tests/benchmarks/phases.py) or the pages' wasteful scans (``--scans``, tests/benchmarks/scans.py).

With no DATABASE_URL: a fresh SQLite file at .run/bench/bench.sqlite3. With a
PostgreSQL DATABASE_URL: a separate database whose name ends in ``_bench``
(``learningloop`` becomes ``learningloop_bench``), dropped and created afresh.
The project's own database is never touched. See tests/benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = BASE_DIR / ".run" / "bench"
WARM_UP = 3
BOARD_REPORT_KEY = "board-report"
MATRIX_EXPORT_KEY = "matrix-export"
HUB_FINDINGS_REPORT_KEY = "hub-findings-report"
SCRUTINY_ANNUAL_REPORT_KEY = "scrutiny-annual-report"
NOT_PAGES = (BOARD_REPORT_KEY, MATRIX_EXPORT_KEY, HUB_FINDINGS_REPORT_KEY, SCRUTINY_ANNUAL_REPORT_KEY)


# --- The database: chosen and prepared before Django reads its settings ----------------------


def _bench_database(*, reuse: bool, name: str = "bench") -> tuple[str, str]:
    """Return (DATABASE_URL to use, a description). Drops and recreates it unless ``reuse``.

    ``name`` keeps the data sets of different benchmarks apart: the SQLite file is
    ``<name>.sqlite3`` and the PostgreSQL database name ends in ``_<name>`` (it must end in ``bench``).
    """
    if not name.endswith("bench"):
        raise ValueError("A benchmark database's name ends in 'bench': it is dropped on every run.")
    configured = os.environ.get("DATABASE_URL", "")
    if not configured or configured.startswith("sqlite"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        path = BENCH_DIR / f"{name}.sqlite3"
        if not reuse:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", f"SQLite {path}"
    parts = urlsplit(configured)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"Benchmarks run on SQLite or PostgreSQL, not {parts.scheme}.")
    database = parts.path.lstrip("/") or "learningloop"
    if not database.endswith(f"_{name}"):
        # Never the application's database: the benchmark drops what it uses.
        database = f"{database}_{name}"
    url = urlunsplit(parts._replace(path=f"/{database}"))
    _postgres_prepare(urlunsplit(parts._replace(path="/postgres")), database, reuse=reuse)
    return url, f"PostgreSQL {parts.hostname}:{parts.port or 5432}/{database}"


def _postgres_prepare(maintenance_url: str, name: str, *, reuse: bool) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(maintenance_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cur.fetchone() is not None
            if exists and not reuse:
                cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
                exists = False
            if not exists:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


# --- Measuring ---------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    note: str = ""
    samples: list[float] = field(default_factory=list)
    queries: int | None = None
    # The floor page's times taken between this page's requests: its multiple is of these, so a load
    # that changes during the run (other work on the machine) stretches both alike.
    floor_samples: list[float] = field(default_factory=list)

    @property
    def floor_median(self) -> float:
        return statistics.median(self.floor_samples) if self.floor_samples else float("nan")

    @property
    def ok(self) -> bool:
        return bool(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)  # nearest rank
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _timed_get(client, url: str) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(url)
    return (time.perf_counter() - started) * 1000, response


def _problem(response) -> str:
    """Why a page cannot be measured, or "" if it answered 200."""
    if response.status_code == 200:
        return ""
    note = f"HTTP {response.status_code}"
    if response.status_code in (301, 302):
        note += f" to {response.get('Location', '?')}"
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        note += f" ({exc_info[0].__name__}: {str(exc_info[1])[:80]})"
    elif response.status_code == 404:
        note += " (page not built yet?)"
    return note


def measure(pages, world, *, repeat: int) -> tuple[Row, Row, list[Row]]:
    """Time every page, each request after one to the trivial view and one to the floor page.

    Interleaving puts all three under the same machine load, so the multiples
    stay meaningful on a busy machine where the milliseconds do not.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.benchmarks.pages import FLOOR, TRIVIAL

    client = _signed_in_client(world)
    trivial = Row(TRIVIAL.label)
    floor = Row(FLOOR.label)
    trivial_url = TRIVIAL.build_url(world)
    floor_url = FLOOR.build_url(world)
    for _ in range(WARM_UP):
        _timed_get(client, floor_url)
    floor.note = _problem(client.get(floor_url))
    if floor.note:
        raise SystemExit(f"The floor page does not answer: {floor.note}")
    rows = []
    for page in pages:
        row = Row(page.label)
        rows.append(row)
        try:
            page_url = page.build_url(world)
        except Exception as exc:
            row.note = f"no URL ({type(exc).__name__}: {str(exc)[:80]})"
            continue
        for _ in range(WARM_UP):  # templates compiled, caches filled
            _, response = _timed_get(client, page_url)
        row.note = _problem(response)
        if row.note:
            continue
        # What the warm-up loaded (the page's modules, compiled templates) is kept for good, as in a warm worker,
        # whose master freezes what it loaded (config/gunicorn.py). Left unfrozen, it was 133,000 objects after four
        # pages, and each full pass of the collector over them (30 to 73 ms, timed with gc.callbacks) landed in
        # one request of some page: the p95 stalls of earlier passes.
        del response
        gc.collect()
        gc.freeze()
        with CaptureQueriesContext(connection) as queries:
            client.get(page_url)
        row.queries = len(queries.captured_queries)
        # Interleaved with the trivial view and the floor page, so all see the same machine load.
        for _ in range(repeat):
            trivial.samples.append(_timed_get(client, trivial_url)[0])
            floor_elapsed = _timed_get(client, floor_url)[0]
            floor.samples.append(floor_elapsed)
            row.floor_samples.append(floor_elapsed)
            elapsed, _ = _timed_get(client, page_url)
            row.samples.append(elapsed)
    if not floor.samples:  # every page failed: still give the baselines
        for _ in range(repeat):
            trivial.samples.append(_timed_get(client, trivial_url)[0])
            floor.samples.append(_timed_get(client, floor_url)[0])
    with CaptureQueriesContext(connection) as queries:
        client.get(trivial_url)
    trivial.queries = len(queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        client.get(floor_url)
    floor.queries = len(queries.captured_queries)
    return trivial, floor, rows


def _warm_page_queries(page, world):
    """A signed-in client, the page's URL, and the queries of one request to it made after the warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _signed_in_client(world)
    page_url = page.build_url(world)
    for _ in range(WARM_UP):
        client.get(page_url)
    with CaptureQueriesContext(connection) as queries:
        client.get(page_url)
    return client, page_url, queries.captured_queries


def profile(page, world, *, repeat: int, callers: str = "") -> str:
    """One page's queries (SQL and time, slowest first) and where its Python time goes (cProfile)."""
    import cProfile
    import io
    import pstats

    client, page_url, captured = _warm_page_queries(page, world)
    out = [f"{page.label}: {page_url}", f"{len(captured)} queries, slowest first:"]
    captured = sorted(captured, key=lambda q: -float(q["time"]))
    for query in captured:
        out.append(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:400]}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(page_url)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(40)
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(25)
    if callers:
        # Who calls a function the tables above show as costly (a regular expression on its name).
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_callers(callers)
    out.append(f"cProfile over {repeat} requests, by cumulative time, then by own time:")
    out.append(stream.getvalue())
    return "\n".join(out)


def plans(page, world) -> str:
    """What PostgreSQL spends on each of a page's queries planning it and running it (``EXPLAIN (ANALYZE,
    SUMMARY)``, as the request's tenant role with its partnership's row-level security), most planning first.

    A single-row read with a long ``select_related`` chain can take ten times longer to plan than to run: each
    table joined makes the planner weigh more join orders (a school's return joined eight tables, 2.8 ms to plan
    and 0.3 ms to run)."""
    import re

    from django.db import connection

    from tests.benchmarks.scans import explained

    if connection.vendor != "postgresql":
        return "--plans needs PostgreSQL (DATABASE_URL)."
    _client, page_url, captured = _warm_page_queries(page, world)
    measured = []
    for sql, summary in explained(captured, world, options="ANALYZE, SUMMARY"):
        planning = float(re.search(r"Planning Time: ([0-9.]+)", summary).group(1))
        execution = float(re.search(r"Execution Time: ([0-9.]+)", summary).group(1))
        measured.append((planning, execution, sql))
    out = [
        f"{page.label}: {page_url}",
        f"{len(captured)} queries; planning {sum(m[0] for m in measured):.2f} ms, execution "
        f"{sum(m[1] for m in measured):.2f} ms in all; each, most planning first:",
    ]
    for planning, execution, sql in sorted(measured, key=lambda m: -m[0]):
        out.append(f"  plan {planning:6.2f} ms  run {execution:6.2f} ms  {sql[:300]}")
    return "\n".join(out)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _signed_in_client(world):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    # A 500 comes back as a response with exc_info, so one broken page does not end the run.
    client = Client(raise_request_exception=False)
    client.force_login(world.business_manager, backend="django.contrib.auth.backends.ModelBackend")
    device = world.business_manager.totpdevice_set.filter(confirmed=True).first()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # past the second factor, as tests/conftest.py does
    session.save()
    return client


# The bar (issue 13): a page's median within 3x the floor page's, its p95 within 5x, at most 12 queries.
BAR_MEDIAN = 3.0
BAR_P95 = 5.0
BAR_QUERIES = 12


def render_table(trivial: Row, floor: Row, rows: list[Row]) -> str:
    """Medians and p95s in ms, as multiples of the trivial view's and of the floor page's median.

    A page's multiple of the floor is of the floor times measured between that page's
    own requests (the floor row shows all of them), so that a machine whose load
    changes during the run stretches a page and its floor alike.
    """
    header = ("page", "median ms", "p95 ms", "x trivial", "x floor", "p95 x floor", "queries", "bar", "note")
    base = trivial.median if trivial.ok else float("nan")
    lines = [header]
    for row in [trivial, floor, *rows]:
        if row.ok:
            over = row is not trivial and row is not floor
            floor_median = row.floor_median if over else (floor.median if floor.ok else float("nan"))
            verdict = ""
            if over:
                missed = []
                if row.median / floor_median > BAR_MEDIAN:
                    missed.append("median")
                if row.p95 / floor_median > BAR_P95:
                    missed.append("p95")
                if row.queries is not None and row.queries > BAR_QUERIES:
                    missed.append("queries")
                verdict = "over: " + ", ".join(missed) if missed else "ok"
            lines.append(
                (
                    row.label,
                    f"{row.median:.2f}",
                    f"{row.p95:.2f}",
                    f"{row.median / base:.1f}",
                    f"{row.median / floor_median:.2f}",
                    f"{row.p95 / floor_median:.2f}",
                    str(row.queries),
                    verdict,
                    row.note,
                )
            )
        else:
            lines.append((row.label, "-", "-", "-", "-", "-", "-", "", row.note or "not measured"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    numeric = {1, 2, 3, 4, 5, 6}

    def fmt(line) -> str:
        cells = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        return " | ".join(cells).rstrip()

    out = [fmt(lines[0]), "-+-".join("-" * w for w in widths)]
    out += [fmt(line) for line in lines[1:]]
    return "\n".join(out)


# --- Entry point -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--scale", type=float, default=1.0, help="data volume factor, e.g. 0.05 for a quick smoke")
    parser.add_argument("--pages", default="", help="comma-separated page keys to measure (default: all)")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded benchmark database")
    parser.add_argument(
        "--profile",
        metavar="KEY",
        default="",
        help="instead of the table: one page's queries (slowest first) and a cProfile of --repeat requests",
    )
    parser.add_argument(
        "--plans",
        metavar="KEY",
        default="",
        help="instead of the table: one page's queries, each with PostgreSQL's planning and execution time",
    )
    parser.add_argument(
        "--phases",
        metavar="KEYS",
        default="",
        help="instead of the table: pages' time split into building SQL, database, templates and the rest "
        "(comma-separated keys; 'floor' is the floor page)",
    )
    parser.add_argument(
        "--scans",
        action="store_true",
        help="instead of the table: the pages' sequential scans that discard many rows, as the tenant role",
    )
    parser.add_argument(
        "--callers",
        metavar="PATTERN",
        default="",
        help="with --profile: also who calls the functions whose names match PATTERN (a regular expression)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not 0 < args.scale <= 10:
        parser.error("--scale must be above 0 and at most 10")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # "board-report" and "matrix-export" are not pages: they are timed after the pages (measure_board_report,
    # measure_matrix_export).
    page_keys = [k for k in args.pages.split(",") if k.strip() and k.strip() not in NOT_PAGES]
    pages = _chosen_pages(",".join(page_keys)) if page_keys or not args.pages else []
    database_url, database_label = _bench_database(reuse=args.reuse)
    os.environ["DATABASE_URL"] = database_url
    # The application's settings with the floor page's route added (tests/benchmarks/floor.py).
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.benchmarks.settings"
    # As deployed: no debug page, no per-query bookkeeping except while counting; quiet logs.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from tests.benchmarks import allow_global_reads

    allow_global_reads()
    from django.core.management import call_command

    from tests.benchmarks.volume import Volume, bench_world, seed_volume

    print(f"Database: {database_label}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    from partnership.models import Partnership

    if args.reuse and Partnership.objects.filter(slug="bench-000").exists():
        print("Reusing the seeded data.")
        world = bench_world()
    else:
        volume = Volume.at_scale(args.scale)
        print(f"Seeding (scale {args.scale}):")
        world = seed_volume(volume, reviews=True)
        # Planner statistics, as autovacuum (PostgreSQL) would have within a minute of the inserts:
        # without them PostgreSQL plans for the empty tables it last knew of (sweep.py does the same).
        _analyze()
    print(f"Ready in {time.perf_counter() - started:.1f} s.")
    _print_volume(world)

    # The seeding leaves a large heap in this process (a web worker would not hold
    # it). Unfrozen, the collector's full passes rescan it every so often and add
    # 20-110 ms to whichever request is running: noise about the harness, not the page.
    gc.collect()
    gc.freeze()
    if args.profile:
        (page,) = _chosen_pages(args.profile)
        print(profile(page, world, repeat=args.repeat, callers=args.callers))
        return 0
    if args.plans:
        (page,) = _chosen_pages(args.plans)
        print(plans(page, world))
        return 0
    if args.phases:
        from tests.benchmarks.pages import FLOOR
        from tests.benchmarks.phases import phases

        keys = [k.strip() for k in args.phases.split(",") if k.strip()]
        chosen = [FLOOR if key == "floor" else _chosen_pages(key)[0] for key in keys]
        print(phases(chosen, world, repeat=args.repeat, warm_page=_warm_page_queries))
        return 0
    if args.scans:
        from tests.benchmarks.scans import scans

        print(scans(pages, world, warm_page=_warm_page_queries))
        return 0
    trivial, floor, rows = measure(pages, world, repeat=args.repeat)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nMachine: {os.cpu_count()} CPUs, load average {load} (a busy machine stretches every row).")
    print(
        f"{args.repeat} timed requests per page (after {WARM_UP} warm-up), signed in as a verified business "
        "manager of the large partnership; times are the Django test client's, in process. "
        "x floor: the page's median (p95) over the median of the floor page timed between its requests; "
        f"the bar is {BAR_MEDIAN:g}x "
        f"({BAR_P95:g}x), at most {BAR_QUERIES} queries.\n"
    )
    print(render_table(trivial, floor, rows))
    failed = [r for r in rows if not r.ok]
    if failed:
        print(f"\n{len(failed)} page(s) not measured: see the note column.")
    if not args.pages or BOARD_REPORT_KEY in args.pages:
        print(measure_board_report(world, repeat=args.repeat))
    if not args.pages or MATRIX_EXPORT_KEY in args.pages:
        print(measure_matrix_export(world, repeat=args.repeat))
    if not args.pages or HUB_FINDINGS_REPORT_KEY in args.pages:
        print(measure_hub_findings_report(world, repeat=args.repeat))
    if not args.pages or SCRUTINY_ANNUAL_REPORT_KEY in args.pages:
        from tests.benchmarks.scrutiny_report import measure_scrutiny_annual_report

        print(measure_scrutiny_annual_report(world))
    return 0


def measure_matrix_export(world, *, repeat: int) -> str:
    """The compliance matrix's CSV and XLSX export of the whole newest s175 cycle, as downloads (not pages):
    the request through the test client, signed in as the business manager, from the page's export link and
    from the API. At most five timed requests each (after one warm-up, with its queries counted)."""
    from django.db import connection
    from django.urls import reverse

    if world.sa_cycle_id is None:
        return "\nCompliance matrix export: no self-assessment was seeded."
    client = _signed_in_client(world)
    kwargs = {"slug": world.slug, "cycle_id": world.sa_cycle_id}
    page = reverse("audits:cycle_matrix_export", kwargs=kwargs)
    downloads = [
        ("page CSV", f"{page}?format=csv"),
        ("page XLSX", f"{page}?format=xlsx"),
        ("API CSV", reverse("audits_api:cycle_matrix_csv", kwargs=kwargs)),
        ("API XLSX", reverse("audits_api:cycle_matrix_xlsx", kwargs=kwargs)),
    ]
    times = max(1, min(5, repeat))
    lines = [f"\nCompliance matrix export of the newest s175 cycle (the whole cycle), median and max of {times}:"]
    queries: list[str] = []  # counted by a wrapper: the download's own request_started resets the debug log

    def count(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    for label, target in downloads:
        queries.clear()
        with connection.execute_wrapper(count):
            response = client.get(target)
        if response.status_code != 200:
            lines.append(f"  {label}: {_problem(response)}")
            continue
        body = response.content
        if label.endswith("CSV"):
            rows = body.decode("utf-8-sig").count("\n") - 1
        else:
            from io import BytesIO

            from openpyxl import load_workbook

            rows = sum(1 for _ in load_workbook(BytesIO(body), read_only=True).active.iter_rows()) - 1
        seconds = []
        for _ in range(times):
            started = time.perf_counter()
            client.get(target).content  # noqa: B018 - the whole body, as a download reads it
            seconds.append(time.perf_counter() - started)
        lines.append(
            f"  {label}: {statistics.median(seconds):.2f} s (max {max(seconds):.2f} s), {rows} rows, "
            f"{len(body) / 1024:.0f} KiB, {len(queries)} queries"
        )
    return "\n".join(lines)


def measure_board_report(world, *, repeat: int) -> str:
    """The board report's build at this volume: the figures (selectors), the DOCX, and the PDF render apart.

    The web request reads the figures, renders the HTML and builds the DOCX; the worker renders the PDF.
    """
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from partnership.models import Partnership
    from partnership.selectors.progress_reports import board_report_figures
    from partnership.services.documents import pdf_from_html
    from partnership.services.progress_reports import (
        PROGRESS_REPORT_TEMPLATE,
        SECTION_HEADINGS,
        progress_report_docx,
    )

    partnership = Partnership.objects.get(slug=world.slug)
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        figures = board_report_figures(partnership=partnership, as_of=today)
    selector_ms, docx_ms, html_ms = [], [], []
    docx_bytes = 0
    html = ""
    for _ in range(repeat):
        started = time.perf_counter()
        figures = board_report_figures(partnership=partnership, as_of=today)
        selector_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        docx_bytes = len(progress_report_docx(partnership=partnership, title="Board report", figures=figures))
        docx_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        html = render_to_string(
            PROGRESS_REPORT_TEMPLATE,
            {
                "figures": figures,
                "sections": SECTION_HEADINGS,
                "document_title": "Board report",
                "partnership": partnership,
            },
        )
        html_ms.append((time.perf_counter() - started) * 1000)
    pdf_ms, pdf_bytes = [], 0
    for _ in range(min(3, repeat)):
        started = time.perf_counter()
        pdf_bytes = len(pdf_from_html(html=html))
        pdf_ms.append((time.perf_counter() - started) * 1000)
    med = statistics.median
    return (
        f"\nBoard progress report of {world.slug} ({figures.recommendations_total} recommendations, "
        f"{figures.actions_total} live actions, {len(figures.overdue_actions)} overdue actions, "
        f"{len(figures.overdue_plans)} overdue plans, {len(figures.completed)} completed), median of {repeat}:\n"
        f"  figures (selectors): {med(selector_ms):.1f} ms, {len(queries.captured_queries)} queries\n"
        f"  DOCX build: {med(docx_ms):.1f} ms ({docx_bytes / 1024:.0f} KiB)\n"
        f"  HTML for the PDF: {med(html_ms):.1f} ms\n"
        f"  web request's share (figures + HTML + DOCX): {med(selector_ms) + med(html_ms) + med(docx_ms):.1f} ms\n"
        f"  PDF render in the worker (WeasyPrint, median of {len(pdf_ms)}): {med(pdf_ms):.0f} ms "
        f"({pdf_bytes / 1024:.0f} KiB)"
    )


def measure_hub_findings_report(world, *, repeat: int) -> str:
    """The newest learning hub cycle's findings report (month 4) at this volume: the sections (every registered
    provider's selectors), the HTML the worker renders, the PDF render, and the DOCX the web request builds."""
    import io

    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from learninghub.models import HubCycle
    from learninghub.report_sections import report_sections_for
    from learninghub.services.findings_report import DOCUMENT_TEMPLATE, hub_findings_docx_write
    from partnership.services.documents import pdf_from_html

    if world.hub_cycle_id is None:
        return "\nFindings report: no learning hub cycle was seeded."
    cycle = HubCycle.objects.select_related("partnership").get(pk=world.hub_cycle_id)
    with CaptureQueriesContext(connection) as queries:
        sections = report_sections_for(cycle)
    with CaptureQueriesContext(connection) as docx_queries:
        hub_findings_docx_write(cycle=cycle, out=io.BytesIO())
    sections_ms, html_ms, docx_ms = [], [], []
    html, docx_bytes = "", 0
    for _ in range(repeat):
        started = time.perf_counter()
        sections = report_sections_for(cycle)
        sections_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        html = render_to_string(
            DOCUMENT_TEMPLATE,
            {"cycle": cycle, "sections": sections, "partnership_name": cycle.partnership.name},
        )
        html_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        out = io.BytesIO()
        hub_findings_docx_write(cycle=cycle, out=out)
        docx_ms.append((time.perf_counter() - started) * 1000)
        docx_bytes = out.tell()
    pdf_ms, pdf_bytes = [], 0
    for _ in range(min(3, repeat)):
        started = time.perf_counter()
        pdf_bytes = len(pdf_from_html(html=html))
        pdf_ms.append((time.perf_counter() - started) * 1000)
    med = statistics.median
    rows = sum(len(t.rows) for s in sections for t in s.tables)
    return (
        f"\nLearning hub findings report of {world.slug}'s newest cycle ({len(sections)} sections, {rows} table rows), "
        f"median of {repeat}:\n"
        f"  sections (selectors): {med(sections_ms):.1f} ms, {len(queries.captured_queries)} queries\n"
        f"  HTML for the PDF: {med(html_ms):.1f} ms\n"
        f"  DOCX build (web request, sections included): {med(docx_ms):.1f} ms, "
        f"{len(docx_queries.captured_queries)} queries ({docx_bytes / 1024:.0f} KiB)\n"
        f"  PDF render in the worker (WeasyPrint, median of {len(pdf_ms)}): {med(pdf_ms):.0f} ms "
        f"({pdf_bytes / 1024:.0f} KiB)"
    )


def _chosen_pages(keys: str) -> list:
    from tests.benchmarks.pages import PAGES

    wanted = {k.strip() for k in keys.split(",") if k.strip()}
    unknown = wanted - {p.key for p in PAGES}
    if unknown:
        raise SystemExit(f"Unknown page keys: {', '.join(sorted(unknown))}. Known: {', '.join(p.key for p in PAGES)}")
    return [p for p in PAGES if not wanted or p.key in wanted]


def _print_volume(world) -> None:
    from partnership.models import Agency, Deadline, HistoryEntry, Membership, MembershipRole, Partnership, Person
    from reviews.models import Child, InformationRequest, LearningReview, MeetingAttendee, RapidReview

    print(
        f"Volume: {Partnership.objects.count()} partnerships, {Person.objects.count()} people, "
        f"{Membership.objects.count()} memberships, {MembershipRole.objects.count()} roles, "
        f"{Agency.objects.count()} agencies, {HistoryEntry.objects.count()} history rows. "
        f"Large partnership {world.slug}: {world.member_count} members, {world.agency_count} agencies, "
        f"{world.rapid_review_count} rapid reviews."
    )
    print(
        f"Reviews: {RapidReview.objects.count()} rapid reviews ({Child.objects.count()} children), "
        f"{InformationRequest.objects.count()} information requests, {MeetingAttendee.objects.count()} attendees, "
        f"{LearningReview.objects.count()} learning reviews, {Deadline.objects.count()} deadlines."
    )
    from partnership.models.recommendations import Action, ActionUpdate, Recommendation

    print(
        f"Action plans: {Recommendation.objects.count()} recommendations ({world.recommendation_count} in "
        f"{world.slug}), {Action.objects.count()} actions, {ActionUpdate.objects.count()} progress updates."
    )

    from audits.models import GapAction, ReturnStandard, School, SelfAssessmentCycle, SelfAssessmentReturn

    print(
        f"Self-assessments: {School.objects.count()} schools, {SelfAssessmentCycle.objects.count()} cycles, "
        f"{SelfAssessmentReturn.objects.count()} returns, {ReturnStandard.objects.count()} standards answered, "
        f"{GapAction.objects.count()} gap actions."
    )


if __name__ == "__main__":
    raise SystemExit(main())
