"""Demo sign-in works again after signing out: each demo person's authenticator code, printed on demand."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from partnership.demo import DEMO_PASSWORD, demo_authenticator_secret, demo_current_codes
from partnership.models import Person

pytestmark = pytest.mark.django_db

BM = "bm@ashby.demo.learningloop.example"
SCRUTINEER = "scrutineer@tri-borough.demo.learningloop.example"


@pytest.fixture
def seeded() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _sign_in(email: str, code: str) -> Client:
    client = Client()
    response = client.post(reverse("account:login"), {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302, response.content.decode()
    assert "two-factor" not in response["Location"]
    return client


def test_the_printed_code_signs_in_again_after_signing_out(seeded):
    [now] = demo_current_codes(emails=[BM])
    client = _sign_in(BM, now.code)
    client.post(reverse("account:logout"))
    # A code works once; the next 30-second step's code (what demo_codes prints then) signs in again,
    # with no re-seed. (The device accepts one step of clock drift, so it is valid already.)
    [next_step] = demo_current_codes(emails=[BM], now=time.time() + 30)
    _sign_in(BM, next_step.code)


def test_demo_codes_prints_every_second_factor_person(seeded):
    out = StringIO()
    call_command("demo_codes", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith(BM) for line in lines)
    assert not any(line.startswith("practitioner@") for line in lines)
    for line in lines:
        assert " s left)" in line


def test_the_seed_prints_each_secret_and_the_scrutineers_backup_code_once(seeded):
    assert demo_authenticator_secret(BM) in seeded
    scrutineer_rows = [row for row in seeded.splitlines() if SCRUTINEER in row]
    codes_table = seeded.split("Authenticator secret (base32)", 1)[0]
    rows_with_code = [row for row in codes_table.splitlines() if SCRUTINEER in row and "(as above)" not in row]
    assert len(rows_with_code) == 1
    assert len(scrutineer_rows) > 2  # in three partnerships, and once in the second-factor table
    assert "manage.py demo_codes" in seeded


def test_a_second_seed_keeps_the_same_secret(seeded):
    before = Person.objects.get(email=BM).totpdevice_set.get().key
    call_command("seed_demo", stdout=StringIO())
    assert Person.objects.get(email=BM).totpdevice_set.get().key == before
