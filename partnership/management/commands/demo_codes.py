"""``manage.py demo_codes [EMAIL ...]``: each demo person's current second-factor code, to sign in again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from partnership.demo import demo_current_codes


class Command(BaseCommand):
    help = (
        "Print the current authenticator code of each demo person whose role needs a second factor "
        "(or of those named). A code changes every 30 seconds and works once; run again for a fresh one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("emails", nargs="*", help="Only these demo people (their sign-in addresses).")

    def handle(self, *args, emails: list[str], **options) -> None:
        codes = demo_current_codes(emails=emails or None)
        if not codes:
            self.stderr.write("No demo person with a second factor found: run seed_demo first (bin/run does).")
            return
        width = max(len(c.email) for c in codes)
        for c in codes:
            self.stdout.write(f"{c.email.ljust(width)}  {c.code}  ({c.seconds_left} s left)")
