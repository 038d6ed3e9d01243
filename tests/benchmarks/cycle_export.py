"""How long the worker takes to write every return of a cycle as one workbook, and how much memory it holds.

    .venv/bin/python -m tests.benchmarks.cycle_export                  # 535 schools, 3 timed runs
    .venv/bin/python -m tests.benchmarks.cycle_export --schools 100 --repeat 1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learningloop .venv/bin/python -m tests.benchmarks.cycle_export

In a database of its own (``.run/bench/cycle_export_bench.sqlite3``, or a
PostgreSQL database whose name ends in ``_cycle_export_bench``, dropped and
created afresh). It seeds one partnership with a Section 175 cycle of 535 school
returns (a large county's schools), every standard answered: a self score, a
moderated score, an evidence narrative of a few hundred characters, a gap action
on one standard in three, signatures and dates. Each timed run is what the
worker does for "export every return": ``export_request`` (as the cycle page's
button), then ``export_build`` in this process (claim, the kind writes the
workbook with openpyxl's write-only mode, the file is kept encrypted). It prints
the rows, the seconds (median and max), the file's size, the queries of one
build and the peak of Python memory during one more build traced with
``tracemalloc`` (tracing slows it, so that run is not timed), for the whole
cycle and for a tenth of it: flat memory means the two peaks are close.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
import warnings
from datetime import date, timedelta

from tests.benchmarks.run import BASE_DIR, _bench_database

NARRATIVE = (
    "The designated safeguarding lead and two deputies completed refresher training this term; the "
    "single central record was audited in March with no gaps; staff induction covers the local "
    "threshold document and escalation policy; the governor for safeguarding visits each half term "
    "and reports to the full board. Evidence held: training log, SCR audit, governor visit notes."
)


class _NoBroker:
    """The broker boundary: the benchmark builds in this process, so the task message goes nowhere."""

    def send_task(self, *args, **kwargs) -> None:
        return None


def _seed(schools: int, *, label: str):
    """A partnership, its business manager, and a Section 175 cycle of ``schools`` returns, all answered."""
    from django.utils import timezone

    from audits.models import (
        GapAction,
        QuestionKind,
        ReturnStandard,
        SelfAssessmentCycle,
        SelfAssessmentReturn,
        TemplateQuestion,
        TemplateSection,
        TemplateVersion,
    )
    from audits.services.schools import SchoolRow, school_import
    from audits.services.templates import template_copy_builtin
    from partnership.models import Agency, AgencyType, Membership, MembershipRole, Partnership, Person, Role

    partnership = Partnership.objects.create(name=f"Export County {label}", slug=f"export-county-{label}")
    council = Agency.objects.create(
        partnership=partnership, name="County Council", agency_type=AgencyType.LOCAL_AUTHORITY
    )
    person, _ = Person.objects.get_or_create(email="bm@export.example", defaults={"full_name": "Export Manager"})
    membership = Membership.objects.create(partnership=partnership, person=person, agency=council)
    MembershipRole.objects.create(membership=membership, role=Role.BUSINESS_MANAGER)
    rows = [
        SchoolRow(
            line=n + 2,
            values={
                "name": f"School {n:04d}",
                "urn": str(100000 + n),
                "head_teacher_name": f"Head {n}",
                "dsl_email": f"dsl{n}@export.example",
            },
        )
        for n in range(schools)
    ]
    school_import(partnership=partnership, actor=person, rows=rows, file_name="register.csv", file_kind="csv")
    template = template_copy_builtin(partnership=partnership, actor=person, builtin_key="section-175")
    version = TemplateVersion.objects.in_partnership(partnership).get(template=template)
    today = timezone.localdate()
    cycle = SelfAssessmentCycle.objects.create(
        partnership=partnership,
        kind="section_175",
        version=version,
        year=2026,
        title="Section 175 2026",
        opens_on=today,
        due_on=today + timedelta(days=30),
    )
    now = timezone.now()
    school_agencies = list(
        Agency.objects.in_partnership(partnership).exclude(pk=council.pk).select_related("school").order_by("name")
    )
    returns = SelfAssessmentReturn.objects.bulk_create(
        [
            SelfAssessmentReturn(
                partnership=partnership,
                cycle=cycle,
                agency=agency,
                school=agency.school,
                state=SelfAssessmentReturn.State.MODERATED,
                submitted_at=now,
                head_signed_name=f"Head of {agency.name}",
                head_signed_at=now,
                governor_signed_name=f"Governor of {agency.name}",
                governor_signed_at=now,
                moderated_at=now,
            )
            for agency in school_agencies
        ],
        batch_size=500,
    )
    sections = list(TemplateSection.objects.in_partnership(partnership).filter(version=version).order_by("position"))
    text_keys = {
        s.pk: list(
            TemplateQuestion.objects.in_partnership(partnership)
            .filter(section=s, kind=QuestionKind.TEXT)
            .values_list("key", flat=True)
        )
        for s in sections
    }
    standards = ReturnStandard.objects.bulk_create(
        [
            ReturnStandard(
                partnership=partnership,
                assessment_return=ret,
                section=section,
                section_key=section.key,
                position=position,
                self_score=(n + position) % 4,
                moderated_score=(n + position + 1) % 4,
                answers={
                    f"{section.key}-self-score": (n + position) % 4,
                    **dict.fromkeys(text_keys[section.pk], f"{NARRATIVE} ({ret.agency_id}/{section.key})"),
                },
            )
            for n, ret in enumerate(returns)
            for position, section in enumerate(sections)
        ],
        batch_size=1000,
    )
    GapAction.objects.bulk_create(
        [
            GapAction(
                partnership=partnership,
                standard=standard,
                action="Refresh the DSL's multi-agency training",
                owner="Headteacher",
                due_on=date(2026, 12, 1),
            )
            for n, standard in enumerate(standards)
            if n % 3 == 0
        ],
        batch_size=1000,
    )
    return partnership, membership, cycle, len(standards)


def _build(partnership, membership, cycle, *, traced: bool = False) -> tuple[float, int, int, int, int]:
    """Ask for and build one export: (seconds, rows, file bytes, queries, peak traced bytes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partnership.models import ExportJob
    from partnership.services import exports

    job = exports.export_request(
        partnership=partnership, membership=membership, kind="sa.cycle_returns", data={"cycle": cycle.pk}
    )
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        state = exports.export_build(job_id=job.pk)
    elapsed = time.perf_counter() - started
    peak = 0
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    job = ExportJob.objects.select_related("file").defer("file__data").get(pk=job.pk)
    if state != ExportJob.State.DONE:
        raise SystemExit(f"The export failed: {job.error}")
    return elapsed, job.rows_done, job.file.size, len(queries), peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.cycle_export", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--schools", type=int, default=535, help="school returns in the cycle (default 535)")
    parser.add_argument("--repeat", type=int, default=3, help="timed builds (default 3)")
    args = parser.parse_args(argv)
    if args.schools < 10 or args.repeat < 1:
        parser.error("--schools must be at least 10 and --repeat at least 1")

    database_url, database_label = _bench_database(reuse=False, name="cycle_export_bench")
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

    from partnership.services import exports

    exports.current_app = _NoBroker()
    print(f"Database: {database_label}")
    call_command("migrate", verbosity=0, interactive=False)

    seeding = time.perf_counter()
    whole = _seed(args.schools, label="whole")
    tenth = _seed(max(1, args.schools // 10), label="tenth")
    print(f"Seeded in {time.perf_counter() - seeding:.1f} s.")

    samples = []
    for _ in range(args.repeat):
        elapsed, rows, size, queries, _peak = _build(*whole[:3])
        samples.append(elapsed)
    *_, peak_whole = _build(*whole[:3], traced=True)
    *_, tenth_rows_peak = _build(*tenth[:3], traced=True)
    tenth_rows = tenth[3]

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nMachine: {os.cpu_count()} CPUs, load average {load}.\n")
    print(f"Schools:             {args.schools:,} returns, {rows:,} rows (a row per return and standard)")
    print(
        f"Build (worker side): median {statistics.median(samples):.2f} s, max {max(samples):.2f} s, {args.repeat} runs"
    )
    print(f"Workbook:            {size / 1024:,.0f} KiB; {queries} queries per build")
    print(f"Peak Python memory:  {peak_whole / 2**20:.1f} MiB for {rows:,} rows")
    print(f"                     {tenth_rows_peak / 2**20:.1f} MiB for {tenth_rows:,} rows (a tenth of the schools)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
