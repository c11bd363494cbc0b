"""Compat tests run on the shared app of ``tests/unit/http/conftest.py`` (memory wiring)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from adapters.memory.email import MemoryEmailSender
from adapters.memory.outbox import MemoryOutboxReader
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from paeshift_core.application.outbox_relay import OutboxRelay
from tests.unit.accounts import Accounts
from tests.unit.http.compat.legacy import Client, LegacyUser, sign_up

SignUp = Callable[..., Awaitable[LegacyUser]]
Relay = Callable[[], Awaitable[None]]


@pytest.fixture
def legacy_user(api: Client, mailer: MemoryEmailSender, accounts: Accounts) -> SignUp:
    async def make(role: str = "client", *, profile: bool = True) -> LegacyUser:
        return await sign_up(api, mailer, accounts, role, profile=profile)

    return make


@pytest.fixture
def relay(store: MemoryStore, use_cases: UseCases, deps: Deps) -> Relay:
    """Deliver the outbox to the notification handler (the worker's job)."""

    async def run() -> None:
        await OutboxRelay(
            MemoryOutboxReader(store), [use_cases.notification_handler], deps.clock
        ).run_once()

    return run
