"""Onboard a partnership on a real site: its statutory partners and its first business manager."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partnership.models import Nation, StatutoryPartner
from partnership.services import invitation_url, partnership_create


class Command(BaseCommand):
    help = (
        "Create a partnership with its three statutory partner agencies and email an invitation "
        "to its first business manager (who then invites everyone else)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help='e.g. "Northshire Safeguarding Children Partnership"')
        parser.add_argument("--slug", required=True, help="the partnership's part of its web address, e.g. northshire")
        parser.add_argument("--nation", default=Nation.ENGLAND, choices=Nation.values)
        parser.add_argument("--local-authority", required=True, help="name of the local authority partner")
        parser.add_argument("--health", required=True, help="name of the health partner (the ICB)")
        parser.add_argument("--police", required=True, help="name of the police partner")
        parser.add_argument("--business-manager-email", required=True)
        parser.add_argument("--business-manager-name", required=True)
        parser.add_argument(
            "--business-manager-agency", default=StatutoryPartner.LOCAL_AUTHORITY, choices=StatutoryPartner.values
        )

    def handle(self, *args, **options) -> None:
        try:
            partnership, invitation, token = partnership_create(
                name=options["name"],
                slug=options["slug"],
                nation=options["nation"],
                statutory_partner_names={
                    StatutoryPartner.LOCAL_AUTHORITY: options["local_authority"],
                    StatutoryPartner.HEALTH: options["health"],
                    StatutoryPartner.POLICE: options["police"],
                },
                business_manager_email=options["business_manager_email"],
                business_manager_name=options["business_manager_name"],
                business_manager_agency=options["business_manager_agency"],
            )
        except ValidationError as exc:
            problems = (
                [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            raise CommandError("Nothing was created:\n  " + "\n  ".join(problems)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {partnership.name} (/p/{partnership.slug}/)."))
        self.stdout.write(f"Invitation emailed to {invitation.email}. If the email does not arrive, send this link:")
        self.stdout.write(invitation_url(token))
