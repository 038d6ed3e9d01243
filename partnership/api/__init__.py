"""The REST API (``/api/v1/``) and its exception handler.

Bad input is always a 4xx with a body that says what to fix, never a 500:
the handler below extends DRF's default to the errors our services and Django
raise.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

# The only 404 body: a missing object and another partnership's object must look alike.
NOT_FOUND_DETAIL = "Not found."
STALE_DETAIL = "Someone else changed this after you read it. Fetch it again and re-apply your change."


class RequestBodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self) -> None:
        limit_kib = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        super().__init__(f"The request body is too large: send at most {limit_kib} KiB.")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = STALE_DETAIL
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    return drf_exception_handler(_as_api_exception(exc), context)


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        # Never pass Http404's own message on ("No such agency." vs "No such partnership."):
        # it would tell a caller which kind of row exists elsewhere.
        return exceptions.NotFound(NOT_FOUND_DETAIL)
    if isinstance(exc, DjangoValidationError):
        return _from_service_validation_error(exc)
    if isinstance(exc, RequestDataTooBig):
        return RequestBodyTooLarge()
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: ["The request has too many fields."]})
    return exc


def _from_service_validation_error(exc: DjangoValidationError) -> exceptions.APIException:
    """A service's ValidationError as DRF's: ``{field: [messages]}``, the rest under non_field_errors.

    Code ``stale`` means the row changed since the caller read it: 409 Conflict.
    """
    if not hasattr(exc, "error_dict") and getattr(exc, "code", None) == "stale":
        return Conflict()
    if hasattr(exc, "error_dict"):
        errors = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    else:
        errors = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return exceptions.ValidationError(errors)
