"""Every change through the API says which version it was based on: no change is applied blind.

A client sends back the ``updated_at`` it read, in the body or as ``If-Match``
with the ``ETag`` a read answered. A change from an older version is refused
with 409 (``services._version_check``); a change that names no version at all
is refused with 428 Precondition Required and says what to send, so that a
client written without versions cannot overwrite someone else's change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

VERSION_FIELD = "updated_at"
VERSION_REQUIRED = (
    "Send back the updated_at you read (or an If-Match header with the ETag you were given), "
    "so that a change someone else made since is not overwritten."
)


class VersionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "version_required"
    default_detail = {VERSION_FIELD: [VERSION_REQUIRED]}


def etag(updated_at: datetime) -> str:
    """The entity tag of a version: its ``updated_at`` to the microsecond, quoted (a strong ETag)."""
    return f'"{updated_at.isoformat()}"'


def _from_if_match(request: Request) -> datetime | None:
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip()
    value = value.removeprefix("W/").strip('"')
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise exceptions.ValidationError({"If-Match": ["Send the ETag you were given, unchanged."]})
    return moment


def expected_version(request: Request, data: Mapping[str, Any]) -> datetime:
    """The version a change is based on: ``updated_at`` in the (validated) body, else ``If-Match``.

    Raises ``VersionRequired`` (428) when neither is sent, and a 400 when the two disagree.
    """
    in_body = data.get(VERSION_FIELD)
    in_header = _from_if_match(request)
    if in_body is not None and in_header is not None and in_body != in_header:
        raise exceptions.ValidationError({VERSION_FIELD: ["updated_at and If-Match name different versions."]})
    version = in_body if in_body is not None else in_header
    if version is None:
        raise VersionRequired()
    return version


def optional_version(request: Request, data: Mapping[str, Any]) -> datetime | None:
    """As ``expected_version``, for a write that may also create (nothing to be based on yet): None then."""
    try:
        return expected_version(request, data)
    except VersionRequired:
        return None


def with_etag(response: Response) -> Response:
    """Put the version of the answered object in ``ETag`` when the answer carries one.

    A plain ``HttpResponse`` (a PDF download) has no data to read a version from: left as it is.
    """
    data = getattr(response, "data", None)
    if response.status_code < 300 and isinstance(data, Mapping) and data.get(VERSION_FIELD):
        value = data[VERSION_FIELD]
        moment = value if isinstance(value, datetime) else _parse(value)
        if moment is not None:
            response["ETag"] = etag(moment)
    return response


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
