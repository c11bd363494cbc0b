"""The general per-client limit on the HTTP stack (``request_limit.py``): 429 problems with
``Retry-After`` and ``RateLimit`` headers, one budget per user of a valid token, else per
address, and never on health or metrics."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.http.request_budget import REQUESTS_PER_CLIENT, RequestBudget
from adapters.http.services import ApiServices
from adapters.memory.clock import FakeClock
from paeshift_core.ports.rate_limit import Limit
from tests.unit.accounts import Account, Accounts
from tests.unit.http.conftest import bearer

LIMIT = 5


@pytest.fixture
def services(services: ApiServices, clock: FakeClock) -> ApiServices:
    budget = RequestBudget(
        Limit(REQUESTS_PER_CLIENT, LIMIT, 60), clock=lambda: clock.now().timestamp()
    )
    return attrs.evolve(services, request_budget=budget)


def _bearer(account: Account) -> dict[str, str]:
    return bearer(account.tokens.access_token)


async def _statuses(
    api: AsyncTestClient[Litestar], path: str, n: int, headers: dict[str, str] | None = None
) -> list[int]:
    return [(await api.get(path, headers=headers)).status_code for _ in range(n)]


async def test_a_spent_budget_is_a_429_problem_with_ratelimit_headers(
    api: AsyncTestClient[Litestar], clock: FakeClock
) -> None:
    clock.advance(timedelta(seconds=60 - clock.now().timestamp() % 60))  # a window's start
    assert await _statuses(api, "/api/v1/catalog/industries", LIMIT) == [200] * LIMIT
    clock.advance(timedelta(seconds=20))
    refused = await api.get("/api/v1/catalog/industries")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert refused.headers["retry-after"] == "40"
    assert refused.headers["ratelimit-policy"] == f'"requests:client";q={LIMIT};w=60'
    assert refused.headers["ratelimit"] == '"requests:client";r=0;t=40'
    assert "x-request-id" in refused.headers
    clock.advance(timedelta(seconds=40))
    assert (await api.get("/api/v1/catalog/industries")).status_code == 200


async def test_each_user_has_a_budget_of_their_own_and_the_address_another(
    api: AsyncTestClient[Litestar], accounts: Accounts
) -> None:
    first, second = await accounts.client(), await accounts.applicant()
    assert await _statuses(api, "/api/v1/me", LIMIT, headers=_bearer(first)) == [200] * LIMIT
    assert await _statuses(api, "/api/v1/me", 1, headers=_bearer(first)) == [429]
    assert await _statuses(api, "/api/v1/me", 1, headers=_bearer(second)) == [200]
    assert await _statuses(api, "/api/v1/catalog/industries", LIMIT) == [200] * LIMIT
    assert await _statuses(api, "/api/v1/catalog/industries", 1) == [429]


async def test_an_invalid_token_spends_the_address_budget(api: AsyncTestClient[Litestar]) -> None:
    forged = {"Authorization": "Bearer not-a-token"}
    assert await _statuses(api, "/api/v1/catalog/industries", LIMIT) == [200] * LIMIT
    assert await _statuses(api, "/api/v1/catalog/industries", 1, headers=forged) == [429]


async def test_health_and_metrics_are_never_limited(api: AsyncTestClient[Litestar]) -> None:
    assert await _statuses(api, "/health/live", LIMIT + 3) == [200] * (LIMIT + 3)
    assert (await api.get("/metrics")).status_code == 200
    assert (await api.get("/api/v1/catalog/industries")).status_code == 200
