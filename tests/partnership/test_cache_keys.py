"""Cache keys name their database (config/cache.py): one Redis serving two databases (two deployments, or the test
run's parallel workers) never answers one database's partnership 5 with the other's figures."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.db import connection

from config.cache import key_in_database


def test_a_key_names_the_database_the_process_reads(monkeypatch):
    name = connection.settings_dict["NAME"]
    assert key_in_database("figures:generation:p5", "", 1) == f"{name}::1:figures:generation:p5"
    monkeypatch.setitem(connection.settings_dict, "NAME", "another_database")
    assert key_in_database("figures:generation:p5", "", 1) == "another_database::1:figures:generation:p5"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the shared cache is Redis, configured by REDIS_URL")
def test_the_shared_cache_makes_its_keys_so(monkeypatch):
    assert cache.make_key("figures:generation:p5") == key_in_database("figures:generation:p5", "", 1)
    mine = cache.make_key("figures:generation:p5")
    monkeypatch.setitem(connection.settings_dict, "NAME", "another_database")
    assert cache.make_key("figures:generation:p5") != mine
