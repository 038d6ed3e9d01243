"""``manage.py seed_demo_reviews``: add live-looking rapid reviews and a learning review to the demo partnerships."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import date_format

from partnership.demo import DEMO_EMAIL_DOMAIN
from reviews.demo import DemoDataMissingError, DemoReviewLine, demo_reviews_seed


class Command(BaseCommand):
    help = (
        "Add the demo serious incidents to Ashby and Wessex (run seed_demo first): rapid reviews gathering "
        "returns, awaiting sign-off, sent to the Panel with a learning review, and overdue, dated from today. "
        "Safe to run again: a case already there (by its incident reference) is left as it is."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with LEARNINGLOOP_ENV=production (only for a site that exists to be demonstrated).",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError(
                "This is a production site. The demo reviews are invented cases for the demo partnerships; "
                "run with --allow-production only on a site that exists to be demonstrated."
            )
        try:
            result = demo_reviews_seed()
        except DemoDataMissingError as exc:
            raise CommandError(str(exc)) from exc
        made = ", ".join(f"{n} {what}" for what, n in sorted(result.created.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Demo reviews ready ({made})."))
        self.stdout.write(_table(result.reviews))
        self.stdout.write(
            "\nThe business managers see them under Rapid reviews; each demo practitioner "
            f"(practitioner@ashby.{DEMO_EMAIL_DOMAIN}, practitioner@wessex.{DEMO_EMAIL_DOMAIN}) "
            "has an agency return to write under My tasks."
        )


def _table(reviews: list[DemoReviewLine]) -> str:
    header = ("Partnership", "Incident", "Rapid review", "Notified", "Panel due", "Learning review")
    rows = [
        (
            r.partnership,
            r.reference,
            r.state,
            date_format(r.notified_on, "j M Y"),
            date_format(r.panel_submission_due_on, "j M Y") + (" (overdue)" if r.overdue else ""),
            r.learning_review or "-",
        )
        for r in reviews
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells) -> str:
        return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])
