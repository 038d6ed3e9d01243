"""``manage.py seed_demo_review_history``: ten years of closed rapid reviews and learning reviews behind the demo
cases, so the scrutiny dashboard has a decade of figures (``reviews.demo.history``)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partnership.models import Agency, Membership, Partnership, Role
from reviews.demo import DEMO_REVIEWS
from reviews.demo.history import demo_review_history_seed


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
        today = timezone.localdate()
        for definition in DEMO_REVIEWS:
            partnership = Partnership.objects.filter(slug=definition.slug).first()
            manager = (
                Membership.objects.filter(partnership=partnership, is_active=True, roles__role=Role.BUSINESS_MANAGER)
                .select_related("person")
                .first()
                if partnership
                else None
            )
            if manager is None:
                raise CommandError(f"There is no partnership {definition.slug} with a business manager: run seed_demo.")
            agencies = list(Agency.objects.in_partnership(partnership).filter(is_active=True).order_by("name")[:5])
            made = demo_review_history_seed(
                partnership=partnership, business_manager=manager.person, agencies=agencies, today=today
            )
            self.stdout.write(self.style.SUCCESS(f"{partnership.name}: {made or 'no'} past rapid reviews added."))
