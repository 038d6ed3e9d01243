"""``manage.py seed_demo_hub``: learning hub cycles in every phase in the demo partnerships."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learninghub.demo import DemoPeopleMissingError, demo_hub_seed


class Command(BaseCommand):
    help = (
        "Add ten learning hub cycles to the Ashby and Wessex demo partnerships, one in each phase from preparation "
        "to the impact review, their past checklists ticked (one task left late), each with what its phase implies "
        "(members, sessions and actions, a delivery plan and its versions, feedback and a survey, findings and draft "
        "recommendations), and one Wessex observer of an Ashby cycle, whose login is printed. Run seed_demo first. "
        "Safe to run again: it adds nothing twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--allow-production", action="store_true", help="Seed even on a production site.")

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("This is a production site: demo data goes only on a site that exists to be shown.")
        try:
            result = demo_hub_seed()
        except DemoPeopleMissingError as exc:
            raise CommandError(str(exc)) from exc
        made = ", ".join(f"{n} {what}" for what, n in sorted(result.created.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Demo learning hub ready ({made})."))
        for login in result.observers:
            self.stdout.write(
                f"Observer of “{login.observes}” ({login.host}), from {login.partnership}:\n"
                f"    {login.full_name}  {login.email}  password {login.password}  sign in at {login.sign_in_url}"
            )
