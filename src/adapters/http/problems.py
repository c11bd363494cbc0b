"""The one place that turns errors into RFC 9457 problem responses (API.md Principles).

Every :class:`PaeshiftError` class maps to a status here (a test walks the whole hierarchy);
the body carries ``type``, ``title``, ``status``, ``detail`` (always a string), the domain
``code``, the ``request_id`` and, for validation errors, the offending fields. Anything else is
an unexpected error: logged with the request id and answered with a bare 500 that reveals no
internals.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.types import ExceptionHandlersMap

from adapters.http.admission import OVERLOADED
from adapters.http.request_id import request_id_of
from paeshift_core.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    InvalidInput,
    NotFound,
    PaeshiftError,
    PermissionDenied,
    RateLimited,
    RuleViolation,
    Unauthenticated,
    Unavailable,
)

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:paeshift:problem:"
UNAVAILABLE_RETRY_AFTER_S = 5

logger = logging.getLogger("paeshift.http")

#: Status per error class; a subclass without its own entry uses its nearest ancestor's,
#: but never the root's (a new direct subclass of PaeshiftError must be added here).
STATUS_BY_ERROR: dict[type[PaeshiftError], int] = {
    NotFound: 404,
    PermissionDenied: 403,
    Unauthenticated: 401,
    Conflict: 409,
    ConcurrencyConflict: 409,
    RuleViolation: 422,
    InvalidInput: 422,
    RateLimited: 429,
    Unavailable: 503,
}


class FieldError(msgspec.Struct, frozen=True):
    """One offending input: ``field`` is a body path (``schedule.start_date``) or parameter."""

    field: str
    message: str
    source: str = "body"


class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    """An RFC 9457 problem document with Paeshift's extension members."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    request_id: str = "-"
    errors: list[FieldError] = msgspec.field(default_factory=list)
    retry_after: int | None = None


def status_for(error_class: type[PaeshiftError]) -> int | None:
    """The HTTP status of an error class, or None when the hierarchy has no mapping for it."""
    for klass in error_class.__mro__:
        if klass is PaeshiftError:
            return None
        if klass in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[klass]
    return None


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    code: str,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    retry_after: int | None = None,
) -> Response[Problem]:
    body = Problem(
        type=f"{TYPE_PREFIX}{code}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        request_id=request_id_of(request.scope),
        errors=errors or [],
        retry_after=retry_after,
    )
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _paeshift_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    assert isinstance(exc, PaeshiftError)
    status = status_for(type(exc))
    if status is None:
        return _unexpected(request, exc)
    headers: dict[str, str] = {}
    errors: list[FieldError] = []
    retry_after: int | None = None
    if isinstance(exc, InvalidInput):
        errors.append(FieldError(field=exc.field, message=exc.reason))
    if isinstance(exc, RateLimited):
        retry_after = exc.retry_after
        headers.update(rate_limit_headers(exc))
    if isinstance(exc, Unavailable):
        headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_S)
        if exc.code != OVERLOADED:  # shed load: nothing failed, the access log has the 503
            logger.warning("unavailable request_id=%s: %s", request_id_of(request.scope), exc)
    if isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="paeshift"'
    return problem_response(
        request,
        status=status,
        code=exc.code,
        detail=exc.message,
        errors=errors,
        headers=headers,
        retry_after=retry_after,
    )


def rate_limit_headers(exc: RateLimited) -> dict[str, str]:
    """``Retry-After``, and for a named quota the fields of draft-ietf-httpapi-ratelimit-
    headers-10: ``RateLimit-Policy: "login:email";q=10;w=900`` (the quota) and
    ``RateLimit: "login:email";r=0;t=60`` (nothing remains, for ``t`` seconds)."""
    headers = {"Retry-After": str(exc.retry_after)}
    if exc.policy is not None:
        headers["RateLimit-Policy"] = f'"{exc.policy}";q={exc.quota};w={exc.window_s}'
        headers["RateLimit"] = f'"{exc.policy}";r=0;t={exc.retry_after}'
    return headers


_MSGSPEC_PATH = re.compile(r" - at `\$((?:\.[^`\[]+|\[\d+\])*)`$")
_NAMED_FIELD = re.compile(r"(?:unknown|missing required) field `([^`]+)`")


def _field_errors(extra: object) -> list[FieldError]:
    """Litestar lists ``{message, key, source}``; msgspec puts the body path in the message."""
    if not isinstance(extra, list):
        return []
    found: list[FieldError] = []
    for item in extra:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid"))
        key = str(item.get("key") or "")
        source = str(item.get("source") or "body")
        match = _MSGSPEC_PATH.search(message)
        if match:
            message = message[: match.start()]
            key = match.group(1).lstrip(".") or key
        elif source == "body" and key == "data":
            named = _NAMED_FIELD.search(message)
            key = named.group(1) if named else ""
        found.append(FieldError(field=key or "body", message=message, source=source))
    return found


def _validation_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    assert isinstance(exc, ValidationException)
    errors = _field_errors(exc.extra)
    if not errors:
        return problem_response(
            request, status=400, code="malformed_request", detail=exc.detail or "malformed request"
        )
    fields = ", ".join(sorted({e.field for e in errors}))
    return problem_response(
        request,
        status=422,
        code="validation_failed",
        detail=f"invalid input: {fields}",
        errors=errors,
    )


def _http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if status >= 500:
        return _unexpected(request, exc)
    code = re.sub(r"[^a-z0-9]+", "_", HTTPStatus(status).phrase.lower()).strip("_")
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail else HTTPStatus(status).phrase
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() != "content-type"}
    return problem_response(request, status=status, code=code, detail=detail, headers=headers)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    request_id = request_id_of(request.scope)
    logger.error(
        "unexpected error request_id=%s %s %s",
        request_id,
        request.method,
        request.url.path,
        exc_info=exc,
    )
    return problem_response(
        request,
        status=500,
        code="internal_error",
        detail=f"an unexpected error occurred; quote request id {request_id} when reporting it",
    )


def exception_handlers() -> ExceptionHandlersMap:
    """Handlers for the app; Litestar picks the most specific class for each exception."""
    return {
        PaeshiftError: _paeshift_error,
        ValidationException: _validation_error,
        HTTPException: _http_error,
        Exception: _unexpected,
    }


def documented(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problem statuses a route may answer, plus those every route
    may: 422 (bad input), 429 (the general per-client limit, ``request_limit.py``), 500."""
    wanted = sorted({*statuses, 422, 429, 500})
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=HTTPStatus(status).phrase,
            media_type=PROBLEM_JSON,
        )
        for status in wanted
    }
