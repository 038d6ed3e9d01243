"""API authentication by our own per-partnership tokens.

Outside ``partnership.api`` on purpose: DRF imports the authentication classes
named in settings while ``rest_framework.views`` is still loading, and that
package imports it.
"""

from __future__ import annotations

import re

from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed

from partnership.services.access import api_token_authenticate

_TOKEN_KEY = re.compile(r"[0-9a-f]{40}")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token header (``Authorization: Token <key>``) on our own per-partnership tokens.

    A key that cannot be one of ours (40 hex digits) is refused without
    touching the database, which answers a NUL byte with a 500. Only a hash of
    the key is looked up. ``request.auth`` is the ``ApiToken``: the partnership
    base view checks it belongs to the partnership asked for, and whether it
    stands in for the second factor there.
    """

    def authenticate_credentials(self, key: str):
        if not _TOKEN_KEY.fullmatch(key):
            raise AuthenticationFailed("Invalid token.")
        token = api_token_authenticate(key=key)
        if token is None:
            raise AuthenticationFailed("Invalid token.")  # unknown, revoked and expired look alike
        return token.person, token
