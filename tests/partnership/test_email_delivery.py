"""A mail server that fails must not turn a saved change into an error."""

from __future__ import annotations

import pytest
from django.core import mail

from partnership.models import Invitation
from partnership.services import invitation_create

pytestmark = pytest.mark.django_db


def test_invitation_is_kept_and_failure_logged_when_email_cannot_be_sent(
    world_a, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("partnership.services.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            email="new@alpha.example",
            full_name="New Person",
            agency=world_a.school,
            roles=["practitioner"],
        )
    assert Invitation.objects.filter(email="new@alpha.example", status="pending").exists()
    assert "could not be sent" in caplog.text
    assert mail.outbox == []


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
