"""Encrypted fields: ciphertext in the database, plaintext in Python, keys that rotate."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from partnership import encryption


@pytest.fixture(autouse=True)
def _fresh_keys():
    encryption._fernet.cache_clear()
    yield
    encryption._fernet.cache_clear()


def test_round_trip_and_ciphertext_hides_the_text(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    stored = encryption.encrypt("Jamie Smith, 14 Acacia Road")

    assert "Jamie" not in stored
    assert "Acacia" not in stored
    assert encryption.decrypt(stored) == "Jamie Smith, 14 Acacia Road"


def test_the_same_text_encrypts_differently_each_time(settings):
    # No equality leaks: two children with the same name do not share a ciphertext.
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    assert encryption.encrypt("Jamie") != encryption.encrypt("Jamie")


def test_rotation_reads_old_values_with_the_old_key_kept_second(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    stored = encryption.encrypt("Child's name")
    encryption._fernet.cache_clear()

    settings.FIELD_ENCRYPTION_KEYS = [new, old]

    assert encryption.decrypt(stored) == "Child's name"
    # New values are written with the newest key.
    fresh = encryption.encrypt("x")[len("fernet:") :].encode()
    assert Fernet(new.encode()).decrypt(fresh) == b"x"


def test_a_value_under_an_unknown_key_is_refused_not_shown_as_garbage(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    stored = encryption.encrypt("secret")
    encryption._fernet.cache_clear()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ValueError, match="could not be decrypted"):
        encryption.decrypt(stored)


def test_plaintext_in_an_encrypted_column_is_refused(settings):
    with pytest.raises(ValueError, match="not encrypted"):
        encryption.decrypt("Jamie Smith")


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]

    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        encryption.encrypt("x")


def test_without_keys_outside_production_a_key_is_derived_from_the_secret_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []

    stored = encryption.encrypt("derived")

    assert encryption.decrypt(stored) == "derived"
    encryption._fernet.cache_clear()
    settings.SECRET_KEY = "another-secret-key-entirely-for-this-test-0123456789"
    with pytest.raises(ValueError, match="could not be decrypted"):
        encryption.decrypt(stored)
