"""Unit-test fixtures: the production wiring on memory adapters (no mocks of our ports).

- ``clock``: a :class:`FakeClock` (``clock.advance(timedelta(...))``).
- ``deps``: memory ``Deps`` on that clock; ``use_cases``: ``build_use_cases(deps)``.
- ``mailer``: the memory e-mail sender inside ``deps`` (``mailer.last_code(email)``).
- ``store``: the memory store inside ``deps`` (outbox, ``fail_commits``).
- ``accounts``: verified users through the real sign-up/verify/login flow
  (see tests/unit/accounts.py): ``await accounts.client()``, ``.applicant()``, ``.admin()``.
- ``market``: seeded catalog, job drafts, ``await market.funded_job(client)`` (funded
  through a sandbox checkout; see tests/unit/marketplace.py).
"""

from __future__ import annotations

import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.memory.store import MemoryStore
from adapters.memory.wiring import MemoryUnitOfWorkFactory
from entrypoints.bootstrap import UseCases, build_use_cases, memory_deps
from paeshift_core.application.context import Deps
from tests.unit.accounts import Accounts
from tests.unit.marketplace import Market


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def deps(clock: FakeClock) -> Deps:
    return memory_deps(clock=clock)


@pytest.fixture
def use_cases(deps: Deps) -> UseCases:
    return build_use_cases(deps)


@pytest.fixture
def mailer(deps: Deps) -> MemoryEmailSender:
    assert isinstance(deps.email, MemoryEmailSender)
    return deps.email


@pytest.fixture
def store(deps: Deps) -> MemoryStore:
    assert isinstance(deps.uow, MemoryUnitOfWorkFactory)
    return deps.uow.store


@pytest.fixture
def accounts(use_cases: UseCases, mailer: MemoryEmailSender) -> Accounts:
    return Accounts(use_cases, mailer)


@pytest.fixture
def market(use_cases: UseCases, deps: Deps) -> Market:
    """Seeded catalog, job drafts and funding by sandbox checkout (tests/unit/marketplace.py)."""
    return Market(use_cases, deps)
