"""Property-based run of the app against its own OpenAPI document (schemathesis).

Every operation gets generated requests (as a logged-in client, on the memory wiring);
no response may be a 5xx or violate the documented schema. Bounded: a few examples per
operation (``PAESHIFT_SCHEMATHESIS_EXAMPLES``, default 4), no deadline, derandomized.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from adapters.http.api import build_api
from adapters.http.idempotency import MemoryIdempotencyStore
from adapters.http.services import STATE_KEY, ApiServices
from adapters.memory.email import MemoryEmailSender
from adapters.payments.sandbox import SandboxGateway
from entrypoints.bootstrap import build_use_cases, memory_deps
from tests.unit.accounts import Accounts

#: Kept small so the unit suite stays fast; raise it for a deeper run.
EXAMPLES_PER_OPERATION = int(os.environ.get("PAESHIFT_SCHEMATHESIS_EXAMPLES", "4"))


def _app_with_a_logged_in_client() -> tuple[Litestar, str]:
    deps = memory_deps()
    use_cases = build_use_cases(deps)
    assert isinstance(deps.email, MemoryEmailSender)
    accounts = Accounts(use_cases, deps.email)

    async def prepare() -> str:
        await use_cases.catalog.seed_default_catalog()
        return (await accounts.client()).tokens.access_token

    token = asyncio.run(prepare())
    services = ApiServices(
        core=use_cases,
        clock=deps.clock,
        idempotency=MemoryIdempotencyStore(deps.clock),
        sandbox=deps.gateway if isinstance(deps.gateway, SandboxGateway) else None,
    )

    @asynccontextmanager
    async def given() -> AsyncIterator[ApiServices]:
        yield services

    app = build_api(given)
    app.state[STATE_KEY] = services  # schemathesis calls the app without its lifespan
    return app, token


APP, TOKEN = _app_with_a_logged_in_client()
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors_and_responses_match_the_schema(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
