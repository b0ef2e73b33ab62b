"""Errors as RFC 9457 problem details (``application/problem+json``), in the caller's language.

Every error the API gives has ``type``, ``title``, ``status``, ``detail`` and, when input was
wrong, ``errors``: one entry per field (``field`` is a dotted path, ``items.3.value`` for the
fourth item of a bulk push), each with a ``detail`` and a machine ``code``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

PROBLEM_TYPE = "https://plansupervisor.invalid/problems/"
CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("The request is not valid"),
    401: _("Not authenticated"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    413: _("Request too large"),
    415: _("Unsupported media type"),
    422: _("The request breaks a rule"),
    429: _("Too many requests"),
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"


class Unprocessable(exceptions.ValidationError):
    """Well-formed (it matches the schema) but against a rule the schema cannot express: an unknown
    id or one outside the caller's scope, a value in the wrong unit or out of range, a bad period."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


# Filter and field codes that mean "well-formed, but not one of yours" (422, like Unprocessable).
SEMANTIC_CODES = {"invalid_choice", "does_not_exist", "unknown", "out_of_scope"}


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error detail as a flat list of {field, detail, code}."""
    found = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = prefix if key in ("non_field_errors", "__all__") else (f"{prefix}.{key}" if prefix else str(key))
            found.extend(flatten(value, name))
    elif isinstance(detail, list):
        nested = any(isinstance(item, (dict, list)) for item in detail)
        for index, item in enumerate(detail):
            if nested:
                if item:
                    found.extend(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                found.extend(flatten(item, prefix))
    else:
        found.append({"field": prefix or None, "detail": str(detail), "code": getattr(detail, "code", None) or "invalid"})
    return found


def from_django_validation(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal (the input matched the schema; a rule said no): 422."""
    if hasattr(error, "error_dict"):
        return Unprocessable({field: [str(m) for m in messages_of(errors)] for field, errors in error.error_dict.items()})
    return Unprocessable({"non_field_errors": [str(m) for m in error.messages]})


def messages_of(errors) -> list[str]:
    found = []
    for error in errors:
        found.extend(error.messages if isinstance(error, DjangoValidationError) else [str(error)])
    return found


def problem(status_code: int, detail, *, code: str = "", errors: list[dict] | None = None, headers=None) -> Response:
    body = {
        "type": PROBLEM_TYPE + (code or "error"),
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers, content_type=CONTENT_TYPE)
    return response


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = from_django_validation(exc)
    if type(exc) is exceptions.ValidationError and not getattr(exc, "errors", None):
        codes = {error["code"] for error in flatten(exc.detail)}
        if codes and codes <= SEMANTIC_CODES:
            exc = Unprocessable(exc.detail)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real server error: Django's 500 (logged), never for bad input
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    errors = getattr(exc, "errors", None)
    if errors is None and isinstance(exc.detail, (list, dict)):
        errors = flatten(exc.detail)
    if errors is not None:
        first = flatten(exc.detail)[0] if isinstance(exc.detail, (list, dict)) and exc.detail else errors[0]
        detail = (
            _("%(field)s: %(message)s") % {"field": first["field"], "message": first["detail"]}
            if first.get("field") else first["detail"]
        )
        code = "validation" if isinstance(exc, exceptions.ValidationError) else (first.get("code") or exc.default_code)
    else:
        detail = exc.detail
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    return problem(exc.status_code, detail, code=code, errors=errors, headers=headers)
