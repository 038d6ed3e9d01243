"""Mail backends for tests: one that is down until told otherwise."""

from __future__ import annotations

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    """Refuses every message while ``down`` is set (like a mail server that is not answering), then delivers
    into ``django.core.mail.outbox`` like the locmem backend."""

    down = True
    refused = 0

    def send_messages(self, messages):
        if FlakyBackend.down:
            FlakyBackend.refused += len(messages)
            raise ConnectionRefusedError("[Errno 111] Connection refused")
        return super().send_messages(messages)


def outbox_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]
