"""Operators onboard a partnership on a real site with manage.py create_partnership."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from partnership.models import Agency, HistoryEntry, Invitation, Partnership, Role

pytestmark = pytest.mark.django_db

ARGS = [
    "--name=Northshire Safeguarding Children Partnership",
    "--slug=northshire",
    "--nation=WLS",
    "--local-authority=Northshire County Council",
    "--health=Northshire Health Board",
    "--police=Northshire Police",
    "--business-manager-email=Manager@Northshire.example",
    "--business-manager-name=Morgan Manager",
]


def test_creates_the_partnership_its_partners_and_invites_the_business_manager(django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_partnership", *ARGS, stdout=out)
    partnership = Partnership.objects.get(slug="northshire")
    assert partnership.nation == "WLS"
    partners = dict(
        Agency.objects.in_partnership(partnership)
        .exclude(statutory_partner="")
        .values_list("statutory_partner", "name")
    )
    assert partners == {
        "local_authority": "Northshire County Council",
        "health": "Northshire Health Board",
        "police": "Northshire Police",
    }
    invitation = Invitation.objects.get(partnership=partnership)
    assert invitation.email == "manager@northshire.example"
    assert invitation.roles == [Role.BUSINESS_MANAGER]
    assert invitation.agency.statutory_partner == "local_authority"
    assert [m.to for m in mail.outbox] == [["manager@northshire.example"]]
    assert "You have been invited to join Northshire" in mail.outbox[0].body
    assert "/account/invitation/" in out.getvalue()
    assert HistoryEntry.objects.filter(partnership=partnership, action="created").count() >= 5


def test_refuses_a_taken_slug_and_saves_nothing():
    Partnership.objects.create(name="Another", slug="northshire")
    with pytest.raises(CommandError, match="slug"):
        call_command("create_partnership", *ARGS, stdout=StringIO())
    assert Partnership.objects.count() == 1
    assert not Agency.objects.exists()
    assert not Invitation.objects.exists()


def test_refuses_a_malformed_email_and_saves_nothing():
    args = [
        a if not a.startswith("--business-manager-email") else "--business-manager-email=not-an-email" for a in ARGS
    ]
    with pytest.raises(CommandError, match="email"):
        call_command("create_partnership", *args, stdout=StringIO())
    assert not Partnership.objects.exists()
