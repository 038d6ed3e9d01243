"""The session engines: database sessions, and the same behind the cache where Redis is configured."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership import sessions, sessions_cached

pytestmark = pytest.mark.django_db

LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions-test"}}


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "partnership.sessions_cached"
    settings.CACHES = LOCAL_CACHE
    from django.core.cache import caches

    caches["default"].clear()
    return settings


@pytest.mark.parametrize("store", [sessions.SessionStore, sessions_cached.SessionStore])
@pytest.mark.parametrize("key", ["abcdefgh\x00ijk", "\x00" * 32, "A" * 32, "short"])
def test_both_engines_refuse_a_malformed_key_before_any_lookup(cached_sessions, store, key):
    with CaptureQueriesContext(connection) as queries:
        session = store(key)
        assert session.load() == {}
    assert session.session_key is None
    assert not any(key in q["sql"] for q in queries.captured_queries)  # never sent to the database


def test_the_cached_engine_reads_a_saved_session_without_a_query(cached_sessions):
    session = sessions_cached.SessionStore()
    session["who"] = "someone"
    session.create()

    with CaptureQueriesContext(connection) as queries:
        again = sessions_cached.SessionStore(session.session_key)
        assert again["who"] == "someone"
    assert queries.captured_queries == []
    # The database is still the record: the row is there, and a cold cache reads it back.
    assert Session.objects.filter(session_key=session.session_key).exists()
    from django.core.cache import caches

    caches["default"].clear()
    assert sessions_cached.SessionStore(session.session_key)["who"] == "someone"


def test_signing_out_ends_the_session_in_the_cache_and_the_database(cached_sessions, world_a, client_for):
    client = client_for(world_a.bm)
    home = reverse("partnership:home", kwargs={"slug": world_a.partnership.slug})
    key = client.session.session_key
    assert client.get(home).status_code == 200

    client.post(reverse("account:logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert sessions_cached.SessionStore(key).load() == {}
    stale = client_for(world_a.practitioner.person)
    stale.cookies["sessionid"] = key
    assert stale.get(home).status_code == 302  # to the sign-in page


def test_a_signed_in_page_reads_its_session_from_the_cache(settings, world_a, client_for):
    home = reverse("partnership:home", kwargs={"slug": world_a.partnership.slug})
    settings.SESSION_ENGINE = "partnership.sessions"
    database_client = client_for(world_a.bm)
    database_client.get(home)
    with CaptureQueriesContext(connection) as queries:
        database_client.get(home)
    from_database = list(queries.captured_queries)  # read now: the next request clears the log

    settings.SESSION_ENGINE = "partnership.sessions_cached"
    settings.CACHES = LOCAL_CACHE
    cached_client = client_for(world_a.bm)
    cached_client.get(home)
    with CaptureQueriesContext(connection) as queries:
        assert cached_client.get(home).status_code == 200
    from_cache = list(queries.captured_queries)

    assert len(from_cache) == len(from_database) - 1
    assert any("django_session" in q["sql"] for q in from_database)
    assert not any("django_session" in q["sql"] for q in from_cache)
