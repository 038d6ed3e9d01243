"""``manage.py seed_demo_review_history``: ten years of closed rapid reviews and learning reviews behind the demo
cases, so the scrutiny dashboard has a decade of figures (``reviews.demo.history``)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reviews.demo import DemoDataMissingError
from reviews.demo.history import demo_review_history_seed_all


class Command(BaseCommand):
    help = (
        "Add ten years of closed rapid reviews, decisions and learning reviews to Ashby and Wessex (run seed_demo "
        "first). Safe to run again: a partnership that has its history already is left as it is."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with LEARNINGLOOP_ENV=production (only for a site that exists to be demonstrated).",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("This is a production site: run with --allow-production only on a demonstration site.")
        try:
            made = demo_review_history_seed_all(today=timezone.localdate())
        except DemoDataMissingError as exc:
            raise CommandError(str(exc)) from exc
        for name, count in made:
            self.stdout.write(self.style.SUCCESS(f"{name}: {count or 'no'} past rapid reviews added."))
