"""The SQLite test database lets a read through while another thread is writing the same table, as PostgreSQL
does (``tests/conftest.py``): browser tests read pages while a real worker writes."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction

from partnership.models import Agency

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="shared-cache table locks are SQLite's; PostgreSQL's readers never wait on writers",
    ),
]


def test_a_read_is_not_refused_while_another_thread_is_writing(world_a):
    agency = Agency.objects.filter(partnership=world_a.partnership).first()
    writing, finish = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                Agency.objects.filter(partnership=world_a.partnership, pk=agency.pk).update(name="Renamed")
                writing.set()
                finish.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(10)
        # Without read-uncommitted: OperationalError "database table is locked", at once.
        names = list(Agency.objects.filter(partnership=world_a.partnership).values_list("name", flat=True))
    finally:
        finish.set()
        thread.join(10)
    assert agency.name in names or "Renamed" in names
