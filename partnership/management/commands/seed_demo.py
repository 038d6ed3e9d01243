"""``manage.py seed_demo``: load the fictional demo partnerships and print how to sign in as each person."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnership.demo import DemoCredential, demo_seed


class Command(BaseCommand):
    help = (
        "Create or reset the demo partnerships (the South Thames tri-borough and Wessex County), their agencies "
        "and one person per role, then print each person's sign-in details. Safe to run again: it adds nothing "
        "twice, and resets the demo people's password and backup code."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with LEARNINGLOOP_ENV=production (the demo password is public: only for demo sites).",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError(
                "This is a production site. The demo accounts share a published password; "
                "run with --allow-production only on a site that exists to be demonstrated."
            )
        result = demo_seed()
        made = ", ".join(f"{n} {what}" for what, n in sorted(result.created.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({made})."))
        self.stdout.write(_table(result.credentials))
        self.stdout.write(
            "\nSecond factor, for the roles that need one: the current code of each person's authenticator "
            "(works every time, after signing out too):\n"
            "    .venv/bin/python manage.py demo_codes               (everyone)\n"
            "    .venv/bin/python manage.py demo_codes EMAIL ...     (some)\n"
            "or add the person's secret below to an authenticator app. The backup code works once; "
            "seed_demo makes it work again.\n"
        )
        self.stdout.write(_second_factor_table(result.credentials))


def _table(credentials: list[DemoCredential]) -> str:
    # A person in several partnerships (the tri-borough's scrutineer) has one backup code: printed once.
    header = ("Partnership", "Role", "Name", "Email", "Password", "Backup code", "Sign in at")
    printed: set[str] = set()
    rows = []
    for c in credentials:
        code = c.backup_code or "-"
        if c.backup_code and c.email in printed:
            code = "(as above)"
        printed.add(c.email)
        rows.append((c.partnership, ", ".join(c.roles), c.full_name, c.email, c.password, code, c.sign_in_url))
    return _aligned(header, rows)


def _second_factor_table(credentials: list[DemoCredential]) -> str:
    header = ("Name", "Email", "Authenticator secret (base32)", "Backup code (once)")
    seen: dict[str, tuple] = {}
    for c in credentials:
        if c.authenticator_secret and c.email not in seen:
            seen[c.email] = (c.full_name, c.email, c.authenticator_secret, c.backup_code or "-")
    return _aligned(header, list(seen.values()))


def _aligned(header: tuple, rows: list[tuple]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells) -> str:
        return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
