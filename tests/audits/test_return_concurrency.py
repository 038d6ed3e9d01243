"""Two people saving the same return at the same moment: one save wins, the other is refused, nothing is lost.

With real threads and their own database connections on PostgreSQL (the row lock
and the edit counter together); SQLite runs one writer at a time, so there the
service tests (test_round_services) show the refusal instead.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from audits.models import AuditAnswer, AuditReturn
from audits.services.returns import audit_return_save
from tests.audits.helpers import first_return, round_make

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections are PostgreSQL's")
def test_simultaneous_saves_of_one_version_let_exactly_one_through(world_a):
    audit_return = first_return(round_make(world_a))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(words: str) -> None:
        try:
            mine = AuditReturn.objects.get(pk=audit_return.pk)
            barrier.wait(timeout=10)
            audit_return_save(
                partnership=world_a.partnership,
                membership=world_a.practitioner,
                audit_return=mine,
                answers={"overall-strengths": words},
                version=1,
            )
            outcomes.append("saved:" + words)
        except ValidationError as exc:
            outcomes.append(exc.code or "refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(w,)) for w in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    saved = [o for o in outcomes if o.startswith("saved:")]
    assert len(saved) == 1
    assert "stale" in outcomes
    answer = AuditAnswer.objects.get(audit_return=audit_return, question__key="overall-strengths")
    assert answer.text == saved[0].removeprefix("saved:")
    assert AuditReturn.objects.get(pk=audit_return.pk).version == 2
