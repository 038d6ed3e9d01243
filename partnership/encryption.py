"""Fields encrypted at rest: what a leaked database or backup shows of a child is ciphertext.

Fernet (AES-128-CBC with an HMAC) from ``cryptography``. The keys come from
``FIELD_ENCRYPTION_KEYS`` (newest first, so keys can be rotated); outside
production, with none set, a key is derived from ``SECRET_KEY`` so the
embedded set-up works with no configuration. Encrypted values cannot be
searched or sorted in SQL, which is the point: they are looked up through
their row, never by their content.

Text is stored as ``fernet:`` and the Fernet token; bytes (a rendered PDF) as
``fernet:`` and the token's raw bytes, a third smaller than its base64. Either
way a value without the prefix, or one no configured key opens, is refused
rather than shown.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "fernet:"
_BYTES_PREFIX = _PREFIX.encode()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"learningloop-field-encryption:{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key.") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    return _PREFIX + fernet().encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(_PREFIX):
        raise ValueError("An encrypted field holds a value that was not encrypted by this application.")
    try:
        return fernet().decrypt(stored[len(_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("An encrypted field could not be decrypted with the configured keys.") from exc


def encrypt_bytes(plaintext: bytes) -> bytes:
    token = fernet().encrypt(bytes(plaintext))
    return _BYTES_PREFIX + base64.urlsafe_b64decode(token)


def decrypt_bytes(stored: bytes) -> bytes:
    stored = bytes(stored)  # PostgreSQL gives a memoryview
    if not stored.startswith(_BYTES_PREFIX):
        raise ValueError("An encrypted field holds a value that was not encrypted by this application.")
    try:
        return fernet().decrypt(base64.urlsafe_b64encode(stored[len(_BYTES_PREFIX) :]))
    except InvalidToken as exc:
        raise ValueError("An encrypted field could not be decrypted with the configured keys.") from exc


class EncryptedTextField(models.TextField):
    """Text stored encrypted; Python sees the plaintext. Empty stays empty (nothing to hide)."""

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)


class EncryptedBinaryField(models.BinaryField):
    """Bytes stored encrypted; Python sees the plaintext bytes. Empty stays empty (nothing to hide)."""

    description = "Bytes encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or len(value) == 0:
            return value
        return decrypt_bytes(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or len(value) == 0:
            return value
        return encrypt_bytes(value)
