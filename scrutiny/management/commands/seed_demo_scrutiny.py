"""``manage.py seed_demo_scrutiny``: scrutiny's demo data in the demo partnerships."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scrutiny.demo import DemoPeopleMissingError, demo_scrutiny_seed


class Command(BaseCommand):
    help = (
        "Add scrutiny's demo data to the Ashby and Wessex demo partnerships: quarterly data sets of eight indicators "
        "with ten years of figures and the statutory partners' analyses, five challenges (open, overdue, "
        "answered, escalated to the board with a recommendation drafted from it, closed), the scrutineer's plans "
        "for last year and this year with findings, evidence and a recommendation, professional disagreements "
        "at every stage, last year's annual report (published, with the scrutineer's narrative and the agencies' "
        "annual reports received, outstanding and overdue) and this year's first quarterly report as a draft. "
        "Run seed_demo and the other apps' demo seeding first. Safe to run again: it adds nothing twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--allow-production", action="store_true", help="Seed even on a production site.")

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("This is a production site: demo data goes only on a site that exists to be shown.")
        try:
            result = demo_scrutiny_seed()
        except DemoPeopleMissingError as exc:
            raise CommandError(str(exc)) from exc
        made = ", ".join(f"{n} {what}" for what, n in sorted(result.created.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Demo scrutiny ready ({made})."))
