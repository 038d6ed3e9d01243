"""``manage.py seed_demo_scrutiny``: scrutiny's demo data in every demo partnership."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partnership.demo import DEMO_PARTNERSHIPS
from partnership.models import Partnership
from scrutiny.demo import demo_business_manager, seed_datasets


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
        today = timezone.localdate()
        for definition in DEMO_PARTNERSHIPS:
            partnership = Partnership.objects.filter(slug=definition.slug).first()
            if partnership is None:
                raise CommandError(f"There is no partnership {definition.slug}: run manage.py seed_demo first.")
            manager = demo_business_manager(partnership)
            # Quarterly data sets (seed_datasets).
            added = seed_datasets(partnership, today=today, actor=manager)
            made = ", ".join(f"{n} {what}" for what, n in added.items() if n) or "nothing new"
            self.stdout.write(self.style.SUCCESS(f"{partnership.name}: scrutiny demo data ready ({made})."))
