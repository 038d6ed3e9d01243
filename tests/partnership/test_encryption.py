"""Encrypted fields: ciphertext in the database, plaintext in Python, keys that rotate."""

from __future__ import annotations

import base64

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

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


# --- Bytes (a rendered PDF): the same keys, the same rotation, the same refusals -------------------

PDF = b"%PDF-1.7\n... Jamie Smith, 14 Acacia Road ...\n%%EOF"


def test_bytes_round_trip_and_the_ciphertext_hides_them(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    stored = encryption.encrypt_bytes(PDF)

    assert stored.startswith(b"fernet:")
    assert b"%PDF" not in stored
    assert b"Jamie" not in stored
    assert encryption.decrypt_bytes(stored) == PDF
    # PostgreSQL hands a bytea back as a memoryview.
    assert encryption.decrypt_bytes(memoryview(stored)) == PDF
    assert encryption.encrypt_bytes(PDF) != stored


def test_bytes_are_stored_raw_not_as_base64(settings):
    # A PDF can be megabytes: the token's bytes, not its base64 (a third larger), go in the column.
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    big = bytes(range(256)) * 4096

    assert len(encryption.encrypt_bytes(big)) < len(big) * 1.01 + 100


def test_bytes_rotation_reads_old_values_with_the_old_key_kept_second(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    stored = encryption.encrypt_bytes(PDF)
    encryption._fernet.cache_clear()

    settings.FIELD_ENCRYPTION_KEYS = [new, old]

    assert encryption.decrypt_bytes(stored) == PDF
    fresh = encryption.encrypt_bytes(b"x")
    assert Fernet(new.encode()).decrypt(base64.urlsafe_b64encode(fresh[len(b"fernet:") :])) == b"x"


def test_bytes_under_an_unknown_key_are_refused(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    stored = encryption.encrypt_bytes(PDF)
    encryption._fernet.cache_clear()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ValueError, match="could not be decrypted"):
        encryption.decrypt_bytes(stored)


@pytest.mark.parametrize("stored", [PDF, b"fernet:" + b"\x00" * 80, b"fernet:"])
def test_plaintext_or_tampered_bytes_are_refused(settings, stored):
    with pytest.raises(ValueError, match=r"not encrypted|could not be decrypted"):
        encryption.decrypt_bytes(stored)


def test_the_binary_field_encrypts_on_the_way_in_and_decrypts_on_the_way_out(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    field = encryption.EncryptedBinaryField(null=True)

    stored = field.get_prep_value(PDF)  # what get_db_prep_value hands the driver (wrapped as its Binary)

    assert stored.startswith(b"fernet:")
    assert b"Jamie" not in stored
    assert field.from_db_value(memoryview(stored), None, connection) == PDF
    assert encryption.decrypt_bytes(field.get_prep_value(memoryview(PDF))) == PDF  # a memoryview in, too
    # Nothing to hide: None and empty go in and come out as they are.
    assert field.get_prep_value(None) is None
    assert field.get_prep_value(b"") == b""
    assert field.from_db_value(None, None, connection) is None
    assert field.from_db_value(b"", None, connection) == b""
    with pytest.raises(ValueError, match="not encrypted"):
        field.from_db_value(PDF, None, connection)


# --- Bytes in pieces: a file decrypted a piece at a time (streamed downloads) ---------------------


def _reader(stored: bytes):
    return lambda offset, length: stored[offset : offset + length]


def test_files_are_stored_in_numbered_pieces_and_read_back_a_piece_at_a_time(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    field = encryption.EncryptedBinaryField(null=True)
    big = PDF + bytes(range(256)) * 600  # three pieces, the last one short

    stored = field.get_prep_value(big)
    pieces = list(encryption.decrypt_bytes_pieces(_reader(stored)))

    assert stored.startswith(encryption.CHUNKED_PREFIX)
    assert b"Jamie" not in stored
    assert [len(p) for p in pieces] == [encryption.PIECE, encryption.PIECE, len(big) - 2 * encryption.PIECE]
    assert b"".join(pieces) == big == field.from_db_value(memoryview(stored), None, connection)
    # Every piece but the last has the same stored size, so a reader finds each without an index.
    head = len(encryption.CHUNKED_PREFIX)
    assert (
        len(stored) - head - 2 * encryption.STORED_PIECE
        == len(encryption.encrypt_bytes_in_pieces(big[2 * encryption.PIECE :])) - head
    )


def test_pieces_cut_short_or_followed_by_more_are_refused(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    big = PDF * 5000
    stored = encryption.encrypt_bytes_in_pieces(big)
    exact = encryption.encrypt_bytes_in_pieces(big[: 2 * encryption.PIECE])  # a full last piece
    head = len(encryption.CHUNKED_PREFIX)
    first_piece_only = stored[: head + encryption.STORED_PIECE]
    other_last = encryption.encrypt_bytes_in_pieces(b"more")[head:]

    with pytest.raises(ValueError, match="cut short"):
        encryption.decrypt_bytes(first_piece_only)
    with pytest.raises(ValueError, match="after the end"):
        encryption.decrypt_bytes(exact + other_last)
    with pytest.raises(ValueError, match="could not be decrypted"):  # read into the short last piece
        encryption.decrypt_bytes(stored + other_last)
    with pytest.raises(ValueError, match="could not be decrypted"):
        encryption.decrypt_bytes(stored[:-1])
    # A value written whole, before pieces, is read through the same streaming reader.
    assert b"".join(encryption.decrypt_bytes_pieces(_reader(encryption.encrypt_bytes(big)))) == big
