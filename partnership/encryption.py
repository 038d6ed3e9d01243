"""Fields encrypted at rest: what a leaked database or backup shows of a child is ciphertext.

Fernet (AES-128-CBC with an HMAC) from ``cryptography``. The keys come from
``FIELD_ENCRYPTION_KEYS`` (newest first, so keys can be rotated); outside
production, with none set, a key is derived from ``SECRET_KEY`` so the
embedded set-up works with no configuration. Encrypted values cannot be
searched or sorted in SQL, which is the point: they are looked up through
their row, never by their content.

Text is stored as ``fernet:`` and the Fernet token; bytes (a rendered PDF) as
``fernet:chunks:`` and a sequence of Fernet tokens' raw bytes (a third smaller
than their base64), one per 64 KiB of plaintext, so that a download can read
and decrypt the column a piece at a time (``decrypt_bytes_pieces``) instead of
holding a file of megabytes, twice, in a web worker's memory. Each piece carries
its number and whether it is the last, inside the encryption: pieces dropped,
repeated, reordered or cut off are refused like a wrong key. Bytes written
before (``fernet:`` and one token) are still read. Either way a value without
the prefix, or one no configured key opens, is refused rather than shown.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Callable, Iterator
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "fernet:"
_BYTES_PREFIX = _PREFIX.encode()
# Bytes in pieces: the prefix, then one raw Fernet token per PIECE bytes of plaintext.
CHUNKED_PREFIX = b"fernet:chunks:"
PIECE = 64 * 1024
# Inside each token, before the plaintext: the piece's number and 1 for the last piece, else 0.
_PIECE_HEADER = struct.Struct(">QB")
# A raw Fernet token: version (1), timestamp (8), IV (16), AES-CBC ciphertext (padded to 16), HMAC (32).
_TOKEN_OVERHEAD = 1 + 8 + 16 + 32


def _token_size(plaintext_length: int) -> int:
    return _TOKEN_OVERHEAD + (plaintext_length // 16 + 1) * 16


# The stored size of every piece but the last.
STORED_PIECE = _token_size(_PIECE_HEADER.size + PIECE)


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
    """One token for the whole value (``fernet:``): small values; files are stored in pieces."""
    token = fernet().encrypt(bytes(plaintext))
    return _BYTES_PREFIX + base64.urlsafe_b64decode(token)


def encrypt_bytes_in_pieces(plaintext: bytes) -> bytes:
    """``fernet:chunks:`` and one token per ``PIECE`` bytes, each numbered and the last one marked."""
    plaintext = memoryview(bytes(plaintext))
    box = fernet()
    count = max(1, -(-len(plaintext) // PIECE))
    tokens = [CHUNKED_PREFIX]
    for number in range(count):
        piece = plaintext[number * PIECE : (number + 1) * PIECE]
        header = _PIECE_HEADER.pack(number, 1 if number == count - 1 else 0)
        tokens.append(base64.urlsafe_b64decode(box.encrypt(header + bytes(piece))))
    return b"".join(tokens)


def _open(token: bytes) -> bytes:
    try:
        return fernet().decrypt(base64.urlsafe_b64encode(token))
    except InvalidToken as exc:
        raise ValueError("An encrypted field could not be decrypted with the configured keys.") from exc


def decrypt_bytes_pieces(read: Callable[[int, int], bytes]) -> Iterator[bytes]:
    """The plaintext, a piece at a time, of a stored value read a slice at a time.

    ``read(offset, length)`` returns that slice of the stored bytes (shorter at the end,
    empty past it): a caller streaming a file reads it from the database in slices, so
    neither the stored value nor the plaintext is ever whole in memory. A value in the
    older one-token form is read and decrypted whole.
    """
    head = bytes(read(0, len(CHUNKED_PREFIX)))
    if head != CHUNKED_PREFIX:
        if not head.startswith(_BYTES_PREFIX):
            raise ValueError("An encrypted field holds a value that was not encrypted by this application.")
        rest = bytearray(head)
        while piece := bytes(read(len(rest), STORED_PIECE)):
            rest += piece
        yield decrypt_bytes(bytes(rest))
        return
    offset, number = len(CHUNKED_PREFIX), 0
    while True:
        token = bytes(read(offset, STORED_PIECE))
        if not token:
            raise ValueError("An encrypted field could not be decrypted with the configured keys: it is cut short.")
        offset += len(token)
        plain = _open(token)
        found, last = _PIECE_HEADER.unpack_from(plain)
        if found != number:
            raise ValueError("An encrypted field could not be decrypted with the configured keys: pieces out of order.")
        yield plain[_PIECE_HEADER.size :]
        if last:
            if read(offset, 1):
                raise ValueError(
                    "An encrypted field could not be decrypted with the configured keys: bytes after the end."
                )
            return
        number += 1


def decrypt_bytes(stored: bytes) -> bytes:
    stored = bytes(stored)  # PostgreSQL gives a memoryview
    if stored.startswith(CHUNKED_PREFIX):
        return b"".join(decrypt_bytes_pieces(lambda offset, length: stored[offset : offset + length]))
    if not stored.startswith(_BYTES_PREFIX):
        raise ValueError("An encrypted field holds a value that was not encrypted by this application.")
    return _open(stored[len(_BYTES_PREFIX) :])


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
    """Bytes stored encrypted in pieces (``decrypt_bytes_pieces`` streams them); Python sees the plaintext
    bytes. Empty stays empty (nothing to hide)."""

    description = "Bytes encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or len(value) == 0:
            return value
        return decrypt_bytes(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or len(value) == 0:
            return value
        return encrypt_bytes_in_pieces(value)
