"""A mail server that fails must not turn a saved change into an error."""

from __future__ import annotations

import pytest
from django.core import mail

from partnership.models import Invitation, OutboundEmail
from partnership.services import invitation_create
from partnership.services.mail import emails_send_due
from tests.mail_backends import FlakyBackend

pytestmark = pytest.mark.django_db


def test_invitation_is_kept_and_its_email_waits_when_the_mail_server_is_down(
    world_a, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail_backends.FlakyBackend"
    FlakyBackend.down = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            invitation_create(
                partnership=world_a.partnership,
                actor=world_a.bm,
                email="new@alpha.example",
                full_name="New Person",
                agency=world_a.school,
                roles=["practitioner"],
            )
    finally:
        FlakyBackend.down = False
    assert Invitation.objects.filter(email="new@alpha.example", status="pending").exists()
    assert "not sent on attempt 1" in caplog.text
    assert mail.outbox == []
    # Kept in the outbox, and sent once the mail server is back (the beat job, after the back-off).
    waiting = OutboundEmail.objects.get()
    assert waiting.state == OutboundEmail.State.PENDING
    assert emails_send_due(now=waiting.next_attempt_at)["sent"] == 1
    assert [m.to for m in mail.outbox] == [["new@alpha.example"]]


def test_invitation_email_goes_only_after_commit(world_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            email="new@alpha.example",
            full_name="New Person",
            agency=world_a.school,
            roles=["practitioner"],
        )
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["new@alpha.example"]]
