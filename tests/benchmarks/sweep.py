"""The deadline sweep over a backlog of 10,000 due notices, in a database of its own.

    cd /work/main && .venv/bin/python -m tests.benchmarks.sweep [--deadlines 143000] [--repeat 5] [--scale 1] [--reuse]

With no DATABASE_URL: a fresh SQLite file at .run/bench/sweep_bench.sqlite3. With a
PostgreSQL DATABASE_URL: a separate database whose name ends in ``_sweep_bench``,
dropped and created afresh. See tests/benchmarks/README.md.

The data: the page benchmark's partnerships, people and memberships (``volume.py``),
plus ``--deadlines`` open deadlines spread over every partnership (a tenth in the large
one), about 5% inside their reminder window on the benchmark's day, about 2% past due,
the rest later; about 70% assigned to an active member, the rest to the business
managers. Email goes to Django's in-memory backend (rendering and grouping are timed;
an SMTP server's time is not).

Three measurements, each the median of ``--repeat`` runs:

- **first sweep**: every reminder and breach is new (notices deleted and breaches
  cleared before each run): insert ~10,000 notices, mark ~2,900 breaches, claim them
  all (no batch), record one email per person (no text yet).
- **the mail**: what the worker then does with that sweep's emails, one after another
  in this one process: write each text (``deadline_digest_body``) and send it (Django's
  in-memory backend). Sweep + mail is the time to clear the backlog, against the beat
  period of five minutes.
- **quiet sweep**: the steady state every five minutes: everything already sent.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import date, timedelta

from tests.benchmarks.run import BASE_DIR, _bench_database

TODAY = date(2026, 12, 9)  # a Wednesday: the benchmark's "today" (the sweep takes it as an argument)
REMINDER_SHARE = 0.05
BREACH_SHARE = 0.02
BEAT_PERIOD_S = 5 * 60


@dataclass
class Timing:
    label: str
    samples: list[float]
    queries: int
    result: dict

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def seed_deadlines(count: int, *, log=print) -> None:
    """``count`` open deadlines over every partnership, with the benchmark's mix of due dates."""
    from django.contrib.contenttypes.models import ContentType

    from partnership.models import Agency, Deadline, Membership, Partnership
    from partnership.working_days import WorkingDayCalendar
    from tests.benchmarks.volume import BATCH

    rng = random.Random(20261209)
    partnerships = list(Partnership.objects.order_by("slug"))
    subjects: dict[int, list[int]] = {}
    for partnership_id, agency_id in Agency.objects.order_by("id").values_list("partnership_id", "id"):
        subjects.setdefault(partnership_id, []).append(agency_id)
    members: dict[int, list[int]] = {}
    for partnership_id, person_id in Membership.objects.filter(is_active=True).values_list(
        "partnership_id", "person_id"
    ):
        members.setdefault(partnership_id, []).append(person_id)
    agency_type = ContentType.objects.get_for_model(Agency)
    calendars = {p.pk: WorkingDayCalendar(nation=p.nation) for p in partnerships}
    remind_cache: dict[tuple[int, date], date] = {}

    def remind_on(partnership: Partnership, due_on: date) -> date:
        key = (partnership.pk, due_on)
        if key not in remind_cache:
            remind_cache[key] = calendars[partnership.pk].subtract_working_days(
                due_on, partnership.reminder_working_days
            )
        return remind_cache[key]

    # A tenth in the large partnership (bench-000), the rest spread evenly.
    big = count // 10
    shares = [big] + [(count - big) // (len(partnerships) - 1)] * (len(partnerships) - 1)
    shares[-1] += count - sum(shares)
    rows: list[Deadline] = []
    written = 0
    for partnership, share in zip(partnerships, shares, strict=True):
        for n in range(share):
            roll = rng.random()
            if roll < BREACH_SHARE:
                due_on = TODAY - timedelta(days=rng.randint(1, 60))
            elif roll < BREACH_SHARE + REMINDER_SHARE:
                # Due today or within the reminder window (2 working days by default).
                due_on = calendars[partnership.pk].add_working_days(TODAY, rng.randint(0, 2))
            else:
                # After the window: from the third working day on, up to about four months away.
                due_on = calendars[partnership.pk].add_working_days(TODAY, rng.randint(3, 85))
            people = members[partnership.pk]
            rows.append(
                Deadline(
                    partnership=partnership,
                    subject_type=agency_type,
                    subject_id=subjects[partnership.pk][n % len(subjects[partnership.pk])],
                    kind=f"bench.{n}",
                    title=f"Bench deadline {n} of {partnership.slug}",
                    due_on=due_on,
                    remind_on=remind_on(partnership, due_on),
                    assignee_id=people[rng.randrange(len(people))] if rng.random() < 0.7 else None,
                )
            )
            if len(rows) >= BATCH:
                Deadline.objects.bulk_create(rows, batch_size=BATCH)
                written += len(rows)
                rows = []
    Deadline.objects.bulk_create(rows, batch_size=BATCH)
    written += len(rows)
    log(f"  deadlines: {written}")


def _analyze() -> None:
    """Fresh planner statistics, as autovacuum (PostgreSQL) or a maintenance job (SQLite) would keep."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _reset() -> None:
    """Back to "nothing sent yet": no notices, no breach marked."""
    from django.core import mail

    from partnership.models import Deadline, DeadlineNotice

    DeadlineNotice.objects.all().delete()
    Deadline.objects.exclude(breached_at=None).update(breached_at=None)
    mail.outbox = []
    _analyze()


# The emails a sweep asked the worker to send (the benchmark stands in for the broker: see main()).
DISPATCHED: list[int] = []


def _timed_sweep() -> tuple[float, dict]:
    from partnership.services.deadlines import deadlines_sweep

    DISPATCHED.clear()
    started = time.perf_counter()
    result = deadlines_sweep(today=TODAY)
    return (time.perf_counter() - started) * 1000, result


def _count_queries() -> tuple[int, list[tuple[float, str]]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partnership.services.deadlines import deadlines_sweep

    DISPATCHED.clear()
    with CaptureQueriesContext(connection) as queries:
        deadlines_sweep(today=TODAY)
    return len(queries.captured_queries), [(float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries]


def measure(*, repeat: int, label: str, first: bool) -> tuple[Timing, list[tuple[float, str]]]:
    """``first``: reset before every run (every notice new); else sweep an already swept database."""
    samples = []
    result: dict = {}
    for _ in range(repeat):
        if first:
            _reset()
        elapsed, result = _timed_sweep()
        samples.append(elapsed)
    if first:
        _reset()
    count, per_query = _count_queries()
    return Timing(label, samples, count, result), per_query


def send_all(email_ids: list[int]) -> tuple[float, int, int]:
    """The worker's side of one sweep: write and send each email, one after another in this process.

    Returns (milliseconds, emails sent, the most queries one email took).
    """
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partnership.models import OutboundEmail
    from partnership.services.mail import outbound_email_send

    mail.outbox = []
    most = 0
    with CaptureQueriesContext(connection) as queries:
        outbound_email_send(email_id=email_ids[0])
    most = len(queries.captured_queries)
    started = time.perf_counter()
    sent = 1
    for email_id in email_ids[1:]:
        if outbound_email_send(email_id=email_id).state == OutboundEmail.State.SENT:
            sent += 1
    return (time.perf_counter() - started) * 1000, sent, most


def _outer_table(sql: str) -> str:
    """The table after the outermost FROM (not one inside a subquery in the select list)."""
    depth = 0
    for i, char in enumerate(sql):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and sql.startswith(" FROM ", i):
            return sql[i + 6 :].split(maxsplit=1)[0].strip('"')
    return "?"


def _summary(sql: str) -> str:
    words = sql.split()
    head = " ".join(words[:3])
    if head.startswith("INSERT") and "outboundemail" in words[2]:
        return "INSERT outbound emails (one per person, no text yet)"
    if head.startswith("INSERT"):
        kind = "'reminder'" if "'reminder'" in sql else "'breach'" if "'breach'" in sql else "?"
        return f"INSERT notices ({kind}) ... SELECT ... ON CONFLICT DO NOTHING"
    if head.startswith("UPDATE"):
        table = words[1].strip('"')
        column = words[3].strip('"')
        return f"UPDATE {table} SET {column}"  # noqa: S608 - a label printed in the report, never run
    if head.startswith("SELECT"):
        return f"SELECT FROM {_outer_table(sql)}"
    if head.startswith("DELETE"):
        return "DELETE notices"
    return head


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--deadlines", type=int, default=143_000, help="open deadlines to seed (default 143000: ~10,000 notices due)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed sweeps per measurement (default 5)")
    parser.add_argument("--scale", type=float, default=1.0, help="people and partnerships, as in run.py")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded benchmark database")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.deadlines < 1:
        parser.error("--repeat and --deadlines must be at least 1")

    database_url, database_label = _bench_database(reuse=args.reuse, name="sweep_bench")
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "false"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from tests.benchmarks import allow_global_reads

    allow_global_reads()
    from django.core.management import call_command

    from partnership.models import Deadline, Partnership
    from partnership.services import mail as mail_service
    from tests.benchmarks.volume import Volume, seed_volume

    # The broker: the sweep's request to send each email is noted, not published (no worker here);
    # the worker's part is timed below by sending every email in this process.
    mail_service._dispatch = DISPATCHED.append

    print(f"Database: {database_label}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if args.reuse and Partnership.objects.filter(slug="bench-000").exists() and Deadline.objects.exists():
        print("Reusing the seeded data.")
    else:
        print(f"Seeding (scale {args.scale}):")
        seed_volume(Volume.at_scale(args.scale))
        seed_deadlines(args.deadlines)
    _analyze()
    print(f"Ready in {time.perf_counter() - started:.1f} s.")
    open_count = Deadline.objects.filter(state=Deadline.State.OPEN).count()
    reminders = Deadline.objects.filter(state="open", remind_on__lte=TODAY, due_on__gte=TODAY).count()
    breaches = Deadline.objects.filter(state="open", due_on__lt=TODAY).count()
    print(
        f"Volume: {Partnership.objects.count()} partnerships, {open_count} open deadlines; on {TODAY:%a %d %b %Y} "
        f"{reminders} are in their reminder window ({reminders / open_count:.1%}) and {breaches} past due "
        f"({breaches / open_count:.1%})."
    )

    gc.collect()
    gc.freeze()  # as in run.py: the seeding's heap is not the sweep's
    first, per_query = measure(repeat=args.repeat, label="first sweep (every notice due)", first=True)
    # The worker's part: that last sweep's emails (the notices now sent), written and sent one by one.
    email_ids = list(DISPATCHED)
    mail_ms, sent, per_email = send_all(email_ids)
    # The every-five-minutes case, with the planner's statistics brought up to date as autovacuum
    # would within a minute of the inserts.
    _analyze()
    quiet, quiet_queries = measure(repeat=args.repeat * 4, label="quiet sweep (all sent)", first=False)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nMachine: {os.cpu_count()} CPUs, load average {load}.\n")
    header = ("sweep", "runs", "median ms", "min ms", "max ms", "queries", "notices sent", "emails")
    lines = [header]
    for timing in (first, quiet):
        lines.append(
            (
                timing.label,
                str(len(timing.samples)),
                f"{timing.median:.0f}",
                f"{min(timing.samples):.0f}",
                f"{max(timing.samples):.0f}",
                str(timing.queries),
                str(timing.result.get("notices_sent", 0)),
                str(timing.result.get("emails_queued", 0)),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for i, line in enumerate(lines):
        cells = zip(line, widths, strict=True)
        print(" | ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(cells)))
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    backlog = first.result.get("notices_sent", 0)
    total_s = (first.median + mail_ms) / 1000
    print(
        f"\nThe mail of one first sweep, as one worker sends it: {sent} of {len(email_ids)} emails written and sent "
        f"in {mail_ms / 1000:.1f} s ({mail_ms / max(len(email_ids), 1):.1f} ms and at most {per_email} queries each)."
    )
    print(
        f"Backlog of {backlog} notices cleared: sweep {first.median / 1000:.1f} s + mail {mail_ms / 1000:.1f} s "
        f"= {total_s:.1f} s against a beat period of {BEAT_PERIOD_S} s: "
        f"{'within' if total_s <= BEAT_PERIOD_S else 'OVER'} ({total_s / BEAT_PERIOD_S:.0%} of it)."
    )
    print("\nWhere a first sweep spends its database time, one run:")
    for elapsed, sql in per_query:
        print(f"  {elapsed:8.1f} ms  {_summary(sql)}")
    total_db = sum(e for e, _ in per_query)
    print(f"  {total_db:8.1f} ms  in the database; the rest is loading the notices and deciding who hears what.")
    print("\nA quiet sweep, one run:")
    for elapsed, sql in quiet_queries:
        print(f"  {elapsed:8.1f} ms  {_summary(sql)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
