"""``manage.py seed_demo_scrutiny``: scrutiny's demo data in every demo partnership."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scrutiny.demo import demo_scrutiny_seed


class Command(BaseCommand):
    help = (
        "Add scrutiny's demo data to the demo partnerships: quarterly data sets of eight indicators with ten years "
        "of figures and the statutory partners' analyses. Run seed_demo first. Safe to run again: it adds nothing "
        "twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--allow-production", action="store_true", help="Seed even on a production site.")

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("This is a production site: demo data goes only on a site that exists to be shown.")
        try:
            results = demo_scrutiny_seed(today=timezone.localdate())
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        for name, added in results:
            made = ", ".join(f"{n} {what}" for what, n in added.items() if n) or "nothing new"
            self.stdout.write(self.style.SUCCESS(f"{name}: scrutiny demo data ready ({made})."))
