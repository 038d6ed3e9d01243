"""``manage.py seed_demo_audits``: a case audit round and self-assessment cycles with returns at every stage in
the demo partnerships."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audits.demo import DemoPeopleMissingError, demo_audits_seed


class Command(BaseCommand):
    help = (
        "Add the audit templates, priorities, this year's audit programme and a multi-agency case audit (107 "
        "screened, 8 selected, returns at every stage, moderation, findings), a register of schools and Section 11 "
        "and s175 self-assessments (last year's closed, this year's with returns at every stage) to the Ashby and "
        "Wessex demo partnerships. Run seed_demo first. Safe to run again: it adds nothing twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--allow-production", action="store_true", help="Seed even on a production site.")

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("This is a production site: demo data goes only on a site that exists to be shown.")
        try:
            result = demo_audits_seed()
        except DemoPeopleMissingError as exc:
            raise CommandError(str(exc)) from exc
        made = ", ".join(f"{n} {what}" for what, n in sorted(result.created.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Demo audits ready ({made})."))
