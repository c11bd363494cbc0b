"""HTTP tests: the real app assembly (``build_api``) on the memory wiring, through Litestar's
test client. ``api`` is an ``AsyncTestClient``; ``login`` gives bearer headers of a verified
user made through the HTTP sign-up flow; ``admin_headers`` of an operator-made admin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.http.api import build_api
from adapters.http.idempotency import MemoryIdempotencyStore
from adapters.http.services import ApiServices
from adapters.memory.email import MemoryEmailSender
from adapters.payments.sandbox import SandboxGateway
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from tests.unit.accounts import PASSWORD, Accounts

Headers = dict[str, str]
Login = Callable[..., Awaitable[Headers]]


async def _healthy() -> None:
    return None


@pytest.fixture
async def services(deps: Deps, use_cases: UseCases) -> ApiServices:
    """Like the embedded default: the catalog is seeded."""
    await use_cases.catalog.seed_default_catalog()
    return ApiServices(
        core=use_cases,
        clock=deps.clock,
        idempotency=MemoryIdempotencyStore(deps.clock),
        readiness={"database": _healthy},
        payment_provider="sandbox",
        sandbox=deps.gateway if isinstance(deps.gateway, SandboxGateway) else None,
        cache=deps.cache,  # the same cache the use cases invalidate, as in production
    )


class _ServicesSlot:
    """The services of the running test; the shared app's lifespan yields them."""

    current: ApiServices | None = None


@pytest.fixture(scope="session")
def _slot() -> _ServicesSlot:
    return _ServicesSlot()


@pytest.fixture(scope="session")
def _shared_app(_slot: _ServicesSlot) -> Litestar:
    """Assembling the app costs ~0.15 s, so it is built once per session; each test enters
    its lifespan with its own fresh services (memory store, clock, mailer)."""

    def factory() -> AbstractAsyncContextManager[ApiServices]:
        @asynccontextmanager
        async def given() -> AsyncIterator[ApiServices]:
            assert _slot.current is not None, "the app fixture sets the services"
            yield _slot.current

        return given()

    return build_api(factory, cors_origins=("https://app.example.com",))


@pytest.fixture
def app(_shared_app: Litestar, _slot: _ServicesSlot, services: ApiServices) -> Iterator[Litestar]:
    _slot.current = services
    yield _shared_app
    _slot.current = None


@pytest.fixture
async def api(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as client:
        yield client


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def login(api: AsyncTestClient[Litestar], mailer: MemoryEmailSender, accounts: Accounts) -> Login:
    """Sign up, verify and log in through HTTP; returns bearer headers."""

    async def make(role: str = "client", *, complete_profile: bool = True) -> Headers:
        email = accounts.new_email(role)
        signup = {
            "email": email,
            "password": PASSWORD,
            "first_name": "Ada",
            "last_name": "Obi",
            "role": role,
        }
        assert (await api.post("/api/v1/auth/signup", json=signup)).status_code == 201
        code = mailer.last_code(email, "registration")
        verify = await api.post("/api/v1/auth/verify", json={"email": email, "code": code})
        assert verify.status_code == 204
        response = await api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200
        api.cookies.clear()  # the caller is identified by the bearer token only
        headers = bearer(response.json()["access_token"])
        if complete_profile:
            profile = {
                "phone": "0803 123 4567",
                "address": "12 Broad Street, Lagos Island",
                "latitude": 6.5244,
                "longitude": 3.3792,
            }
            assert (await api.patch("/api/v1/me", json=profile, headers=headers)).is_success
        return headers

    return make


@pytest.fixture
async def admin_headers(accounts: Accounts) -> Headers:
    admin = await accounts.admin()
    return bearer(admin.tokens.access_token)
