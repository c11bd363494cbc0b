"""Error mapping (adapters/http/problems.py): every PaeshiftError class has a status, and
problem documents have the RFC 9457 members, the code, the request id and the fields."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar, Request, get
from litestar.testing import AsyncTestClient

from adapters.http.problems import STATUS_BY_ERROR, exception_handlers, status_for
from adapters.http.request_id import echo_request_id, request_id_middleware
from paeshift_core.domain import errors
from paeshift_core.domain.errors import PaeshiftError
from paeshift_core.ports.rate_limit import Limit


def _all_subclasses(cls: type[PaeshiftError]) -> list[type[PaeshiftError]]:
    found: list[type[PaeshiftError]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


ALL_ERRORS = _all_subclasses(PaeshiftError)
EXPECTED = {
    errors.NotFound: 404,
    errors.PermissionDenied: 403,
    errors.Unauthenticated: 401,
    errors.Conflict: 409,
    errors.ConcurrencyConflict: 409,
    errors.RuleViolation: 422,
    errors.InvalidInput: 422,
    errors.RateLimited: 429,
    errors.Unavailable: 503,
}


def test_the_hierarchy_is_walked() -> None:
    assert set(EXPECTED) <= set(ALL_ERRORS)


@pytest.mark.parametrize("error_class", ALL_ERRORS, ids=lambda c: c.__name__)
def test_every_error_class_has_a_client_or_unavailable_status(
    error_class: type[PaeshiftError],
) -> None:
    status = status_for(error_class)
    assert status is not None, f"{error_class.__name__} has no HTTP status in STATUS_BY_ERROR"
    assert status in {400, 401, 403, 404, 409, 422, 429, 503}
    if error_class in EXPECTED:
        assert status == EXPECTED[error_class]


def test_the_root_and_unknown_subclasses_are_not_mapped() -> None:
    class Stray(PaeshiftError):
        pass

    assert status_for(PaeshiftError) is None
    assert status_for(Stray) is None
    assert PaeshiftError not in STATUS_BY_ERROR


def _raising_app() -> Litestar:
    @get("/raise/{kind:str}", sync_to_thread=False)
    def raise_it(request: Request[Any, Any, Any]) -> None:
        kind = request.path_params["kind"]
        if kind == "invalid":
            raise errors.InvalidInput("hourly_rate", "must be at least 1 naira")
        if kind == "limited":
            raise errors.RateLimited("slow down", retry_after=42)
        if kind == "quota":
            raise Limit("login:email", 10, 900).refused(59.2)
        if kind == "unavailable":
            raise errors.Unavailable("database unreachable at 10.0.0.3")
        if kind == "unauthenticated":
            raise errors.Unauthenticated("bad token", code="invalid_token")
        if kind == "conflict":
            raise errors.Conflict("job 7 is ongoing", code="invalid_transition")
        raise RuntimeError("secret internals: password=hunter2")

    return Litestar(
        [raise_it],
        exception_handlers=exception_handlers(),
        middleware=[request_id_middleware],
        before_send=[echo_request_id],
    )


@pytest.fixture
async def raising() -> Any:
    async with AsyncTestClient(app=_raising_app()) as client:
        yield client


async def test_invalid_input_lists_the_field(raising: AsyncTestClient[Litestar]) -> None:
    response = await raising.get("/raise/invalid", headers={"X-Request-ID": "req-1"})
    body = response.json()
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert body["code"] == "invalid_input"
    assert body["type"] == "urn:paeshift:problem:invalid_input"
    assert body["title"] == "Unprocessable Entity"
    assert body["errors"] == [
        {"field": "hourly_rate", "message": "must be at least 1 naira", "source": "body"}
    ]
    assert body["request_id"] == "req-1" == response.headers["x-request-id"]


async def test_rate_limited_has_retry_after(raising: AsyncTestClient[Litestar]) -> None:
    response = await raising.get("/raise/limited")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "42"
    assert response.json()["retry_after"] == 42
    assert "ratelimit" not in response.headers  # no named quota: a lockout, say


async def test_a_refused_quota_is_described_in_ratelimit_headers(
    raising: AsyncTestClient[Litestar],
) -> None:
    """draft-ietf-httpapi-ratelimit-headers-10: the policy's quota and window, none left."""
    response = await raising.get("/raise/quota")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "60"
    assert response.headers["ratelimit-policy"] == '"login:email";q=10;w=900'
    assert response.headers["ratelimit"] == '"login:email";r=0;t=60'
    assert response.json()["code"] == "rate_limited"


async def test_unavailable_is_503_with_retry_after(raising: AsyncTestClient[Litestar]) -> None:
    response = await raising.get("/raise/unavailable")
    assert response.status_code == 503
    assert "retry-after" in response.headers
    assert response.json()["code"] == "unavailable"


async def test_unauthenticated_asks_for_a_bearer_token(
    raising: AsyncTestClient[Litestar],
) -> None:
    response = await raising.get("/raise/unauthenticated")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["code"] == "invalid_token"


async def test_conflict_keeps_the_specific_code(raising: AsyncTestClient[Litestar]) -> None:
    response = await raising.get("/raise/conflict")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


async def test_unexpected_errors_are_logged_500s_without_internals(
    raising: AsyncTestClient[Litestar], caplog: pytest.LogCaptureFixture
) -> None:
    response = await raising.get("/raise/boom", headers={"X-Request-ID": "trace-me"})
    body = response.json()
    assert response.status_code == 500
    assert body["code"] == "internal_error"
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert "trace-me" in body["detail"]
    assert any("trace-me" in r.getMessage() for r in caplog.records)


async def test_unknown_routes_are_problems_with_a_request_id(
    raising: AsyncTestClient[Litestar],
) -> None:
    response = await raising.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["request_id"] == response.headers["x-request-id"]


async def test_malformed_request_ids_are_replaced(raising: AsyncTestClient[Litestar]) -> None:
    response = await raising.get("/nowhere", headers={"X-Request-ID": "bad id\twith spaces"})
    assert response.headers["x-request-id"] != "bad id\twith spaces"
    assert len(response.headers["x-request-id"]) == 32
