"""Legacy error bodies for the compat routes only (COMPAT_API.md: ``detail`` / ``message`` /
``error`` must be strings, or the front end blanks the page).

The status of a domain error comes from the v1 table (``problems.status_for``), the one place
mapping errors to statuses, with the legacy front end's differences: validation and rule
errors are 400 (it has no 422), and a route may override a class through its
``opt["compat_status"]`` (e.g. a wrong verification code is 400, never 401).
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

from adapters.http.problems import status_for
from adapters.http.request_id import request_id_of
from paeshift_core.domain.errors import PaeshiftError, RateLimited

logger = logging.getLogger("paeshift.http.compat")

#: The front end knows no 422: what v1 answers with 422 is a 400 here.
_LEGACY_INSTEAD = {422: 400}

StatusOverrides = dict[type[PaeshiftError], int]


def legacy_body(message: str, code: str) -> dict[str, str]:
    """Every spelling the front end reads, all strings."""
    return {"detail": message, "message": message, "error": message, "code": code}


def _legacy(
    status: int, message: str, code: str, headers: dict[str, str] | None = None
) -> Response[Any]:
    return Response(legacy_body(message, code), status_code=status, headers=headers)


def _override(request: Request[Any, Any, Any], error: type[PaeshiftError]) -> int | None:
    overrides: StatusOverrides = request.route_handler.opt.get("compat_status", {})
    for klass in error.__mro__:
        if klass in overrides:
            return overrides[klass]
    return None


def _domain_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, PaeshiftError)
    status = _override(request, type(exc)) or status_for(type(exc))
    if status is None:
        return _unexpected(request, exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return _legacy(_LEGACY_INSTEAD.get(status, status), exc.message, exc.code, headers)


def _validation_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, ValidationException)
    return _legacy(400, exc.detail or "malformed request", "malformed_request")


def _http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    if exc.status_code >= 500:
        return _unexpected(request, exc)
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail else "request refused"
    return _legacy(exc.status_code, detail, "http_error")


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    request_id = request_id_of(request.scope)
    logger.error(
        "unexpected compat error request_id=%s %s", request_id, request.url.path, exc_info=exc
    )
    return _legacy(
        500, f"an unexpected error occurred; quote request id {request_id}", "internal_error"
    )


def compat_exception_handlers() -> ExceptionHandlersMap:
    """Registered on the compat routers only; ``/api/v1`` keeps its problem documents."""
    return {
        PaeshiftError: _domain_error,
        ValidationException: _validation_error,
        HTTPException: _http_error,
        Exception: _unexpected,
    }
