"""Query budgets (QUALITY.md): every read endpoint runs the same number of SQL statements for
one row as for a full page (no N+1), on PostgreSQL.

The app is the real HTTP assembly (``build_api``) over use cases whose unit of work is the SQL
adapter on the session's PostgreSQL database; the other ports are the memory ones (fast, no
network). Data is made through the use cases; only the measured request goes through HTTP.
Statements are counted with the engine's ``before_cursor_execute`` event while one request
runs (see :class:`StatementCounter`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from datetime import timedelta
from typing import Any

import attrs
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.http.api import build_api
from adapters.http.idempotency import MemoryIdempotencyStore
from adapters.http.services import ApiServices
from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.payments.sandbox import SandboxGateway
from adapters.sqlalchemy.wiring import SqlOutboxReader, SqlUnitOfWorkFactory
from entrypoints.bootstrap import UseCases, build_use_cases, memory_deps
from paeshift_core.domain.disputes import DisputeCategory
from paeshift_core.domain.geo import GeoPoint
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import Market

PAGE = 5
NEAR_LAGOS = GeoPoint(6.45, 3.39)

Client = AsyncTestClient[Litestar]


class StatementCounter:
    """Counts the statements an engine executes inside :meth:`measure` blocks."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine.sync_engine
        self.statements: list[str] = []
        self._active = False

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self._active:
            self.statements.append(statement)

    @contextmanager
    def measure(self) -> Iterator[list[str]]:
        self.statements = []
        self._active = True
        event.listen(self._engine, "before_cursor_execute", self._on_execute)
        try:
            yield self.statements
        finally:
            event.remove(self._engine, "before_cursor_execute", self._on_execute)
            self._active = False


@attrs.define
class Rig:
    """The app on PostgreSQL, its use cases, and the parties of the scenario."""

    api: Client
    counter: StatementCounter
    use_cases: UseCases
    market: Market
    accounts: Accounts
    parties: dict[str, Account] = attrs.field(factory=dict)
    rows: int = 0
    popular_job: int = 0
    clock: FakeClock = attrs.field(factory=FakeClock)

    def headers(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.parties[name].tokens.access_token}"}

    async def statements(self, url: str, as_party: str | None) -> tuple[int, int | None]:
        """The statements one GET ran, and how many items it listed (None: not a list)."""
        headers = self.headers(as_party) if as_party else {}
        with self.counter.measure() as seen:
            response = await self.api.get(url, headers=headers)
        assert response.status_code == 200, f"{url}: {response.text}"
        body = response.json()
        items = len(body["items"]) if isinstance(body, dict) and "items" in body else None
        return len(seen), items

    async def add_row(self) -> None:
        """One more row of every list the budgets look at."""
        uc, p = self.use_cases, self.parties
        # The feed, my applications, saved jobs: an upcoming job the worker applied to and saved.
        feed_job = await self.market.funded_job(p["feed_client"], location=NEAR_LAGOS)
        await uc.applications.apply(p["worker"].principal, feed_job.id)
        await uc.saved_jobs.save(p["worker"].principal, feed_job.id)
        # Applications of a job: one more applicant on the popular job.
        applicant = await self.accounts.applicant()
        await uc.applications.apply(applicant.principal, self.popular_job)
        # My jobs and the client's wallet statement: a funded job canceled (refund entry).
        refunded = await self.market.funded_job(p["wallet_client"])
        await uc.jobs.cancel_job(p["wallet_client"].principal, refunded.id)
        # My disputes and the worker's public profile: a started shift disputed.
        ongoing = await self.market.funded_job(p["dispute_client"])
        application = await uc.applications.apply(p["disputer"].principal, ongoing.id)
        await uc.applications.accept(p["dispute_client"].principal, application.id)
        await uc.jobs.start_shift(p["dispute_client"].principal, ongoing.id)
        await uc.disputes.open(
            p["disputer"].principal, application.id, DisputeCategory.HOURS, "extra hour"
        )
        # A user's reviews: a shift finished, its worker reviews the client.
        reviewed = p["reviewed_client"]
        finished = await self.market.funded_job(reviewed)
        reviewer = await self.accounts.applicant()
        worked = await uc.applications.apply(reviewer.principal, finished.id)
        await uc.applications.accept(reviewed.principal, worked.id)
        await uc.jobs.start_shift(reviewed.principal, finished.id)
        await uc.jobs.end_shift(reviewed.principal, finished.id)
        await uc.reviews.write(reviewer.principal, finished.id, reviewed.user_id, 5, "Fair")
        self.rows += 1


@pytest.fixture
async def rig(postgres_engine: AsyncEngine) -> AsyncIterator[Rig]:
    clock = FakeClock()
    deps = attrs.evolve(memory_deps(clock=clock), uow=SqlUnitOfWorkFactory(postgres_engine, clock))
    use_cases = build_use_cases(deps)
    await use_cases.catalog.seed_default_catalog()
    services = ApiServices(
        core=use_cases,
        clock=clock,
        idempotency=MemoryIdempotencyStore(clock),
        sandbox=deps.gateway if isinstance(deps.gateway, SandboxGateway) else None,
    )

    def factory() -> AbstractAsyncContextManager[ApiServices]:
        @asynccontextmanager
        async def given() -> AsyncIterator[ApiServices]:
            yield services

        return given()

    assert isinstance(deps.email, MemoryEmailSender)
    accounts = Accounts(use_cases, deps.email)
    market = Market(use_cases, deps)
    async with AsyncTestClient(app=build_api(factory)) as api:
        rig = Rig(api, StatementCounter(postgres_engine), use_cases, market, accounts, clock=clock)
        clients = ("feed_client", "popular_client", "wallet_client", "dispute_client")
        for name in (*clients, "reviewed_client"):
            rig.parties[name] = await accounts.client()
        for name in ("worker", "disputer"):
            rig.parties[name] = await accounts.applicant()
        rig.popular_job = (await market.funded_job(rig.parties["popular_client"])).id
        yield rig


#: (name, url, caller) of every read endpoint; ``{job}`` is a job every scenario has.
ENDPOINTS: list[tuple[str, str, str | None]] = [
    ("feed (anonymous)", "/api/v1/jobs?limit={page}", None),
    ("feed (viewer)", "/api/v1/jobs?limit={page}", "worker"),
    (
        "feed (text + distance)",
        "/api/v1/jobs?limit={page}&q=wait&near=6.5,3.4&radius_km=50",
        "worker",
    ),
    ("feed (highest pay)", "/api/v1/jobs?limit={page}&sort=highest_pay", "worker"),
    ("feed (nearest)", "/api/v1/jobs?limit={page}&sort=nearest&near=6.5,3.4", "worker"),
    ("feed (best match)", "/api/v1/jobs?limit={page}&sort=best_match&near=6.5,3.4", "worker"),
    ("job detail", "/api/v1/jobs/{job}", "worker"),
    ("my jobs", "/api/v1/me/jobs?limit={page}", "wallet_client"),
    ("my applications", "/api/v1/me/applications?limit={page}", "worker"),
    ("applications of a job", "/api/v1/jobs/{job}/applications?limit={page}", "popular_client"),
    ("public profile", "/api/v1/users/{disputer}", None),
    ("saved jobs", "/api/v1/me/saved-jobs?limit={page}", "worker"),
    ("wallet entries", "/api/v1/me/wallet/entries?limit={page}", "wallet_client"),
    ("my disputes", "/api/v1/me/disputes?limit={page}", "disputer"),
    ("reviews of a user", "/api/v1/users/{reviewed}/reviews?limit={page}", None),
    ("my achievements", "/api/v1/me/achievements", "disputer"),
]

#: The budget of each endpoint: statements per request, whatever the page size.
BUDGETS = {
    "feed (anonymous)": 1,
    "feed (viewer)": 3,
    "feed (text + distance)": 3,
    "feed (highest pay)": 3,
    "feed (nearest)": 3,
    "feed (best match)": 4,
    "job detail": 3,
    "my jobs": 3,
    "my applications": 2,
    "applications of a job": 5,
    "public profile": 3,
    "saved jobs": 3,
    "wallet entries": 2,
    "my disputes": 2,
    "reviews of a user": 3,
    "my achievements": 3,
}


async def _measure(rig: Rig) -> tuple[dict[str, int], dict[str, int | None]]:
    ids = {
        "page": PAGE,
        "job": rig.popular_job,
        "disputer": rig.parties["disputer"].user_id,
        "reviewed": rig.parties["reviewed_client"].user_id,
    }
    counts: dict[str, int] = {}
    items: dict[str, int | None] = {}
    for name, url, caller in ENDPOINTS:
        counts[name], items[name] = await rig.statements(url.format(**ids), caller)
    return counts, items


async def test_read_endpoints_run_as_many_statements_for_one_row_as_for_a_page(rig: Rig) -> None:
    await rig.add_row()
    one, one_items = await _measure(rig)
    # One row each (the feed also lists the popular job, except within the distance filter).
    assert {n for n, i in one_items.items() if i is not None and i not in (1, 2)} == set()
    for _ in range(PAGE - 1):
        await rig.add_row()
    full, full_items = await _measure(rig)
    assert {n for n, i in full_items.items() if i is not None and i != PAGE} == set()
    grown = {name: (one[name], full[name]) for name in one if one[name] != full[name]}
    assert not grown, f"statements grew with the page (1 row, {PAGE} rows): {grown}"
    over = {name: count for name, count in full.items() if count > BUDGETS[name]}
    assert not over, f"over budget: {over} (budgets: {BUDGETS})"


async def test_a_reminder_run_costs_as_much_for_one_sent_reminder_as_for_a_page(rig: Rig) -> None:
    """Once the hour's reminders went out, a run of the shift reminders only finds the due
    jobs and their sent marks: the same statements for one due reminder as for a page."""

    async def hire_and_measure(jobs: int) -> int:
        for _ in range(jobs):
            client, worker = await rig.accounts.client(), await rig.accounts.applicant()
            job = await rig.market.funded_job(client)
            application = await rig.use_cases.applications.apply(worker.principal, job.id)
            await rig.use_cases.applications.accept(client.principal, application.id)
        rig.clock.set(job.schedule.starts_at - timedelta(minutes=50))
        first = await rig.use_cases.shift_reminders.run()  # sends what is new
        rig.clock.advance(timedelta(minutes=1))
        with rig.counter.measure() as seen:
            assert await rig.use_cases.shift_reminders.run() == first
        return len(seen)

    one = await hire_and_measure(1)
    page = await hire_and_measure(PAGE - 1)
    assert (one, page) == (3, 3)


async def test_the_ledger_check_runs_as_many_statements_for_one_job_as_for_a_page(
    rig: Rig,
) -> None:
    """The hourly ledger check reads jobs by chunks and disputes once: its statements do
    not grow with the jobs (it ran four per completed job and took minutes on 100,000)."""

    async def measure() -> int:
        with rig.counter.measure() as seen:
            assert (await rig.use_cases.ledger_check.run()).ok
        return len(seen)

    await rig.add_row()
    one = await measure()
    for _ in range(PAGE - 1):
        await rig.add_row()
    assert (one, await measure()) == (one, one)


async def test_delivering_an_application_runs_a_fixed_number_of_statements(
    rig: Rig, postgres_engine: AsyncEngine
) -> None:
    """The worker's most frequent delivery (``ApplicationSubmitted``: a notification to the
    client and its e-mail) on PostgreSQL: the in-app step reads the job and the applicant and
    writes the processed record and the notification; the e-mail step reads preferences and
    addresses and records the e-mail. It does not ask for the notifications it has just
    made, nor whether they were e-mailed (they cannot have been); a redelivery does, and then
    finds nothing to do."""
    client, worker = await rig.accounts.client(), await rig.accounts.applicant()
    job = await rig.market.funded_job(client)
    await rig.use_cases.applications.apply(worker.principal, job.id)
    pending = await SqlOutboxReader(postgres_engine, rig.clock).pending(1_000)
    submitted = [e for e in pending if e.event.name == "ApplicationSubmitted"][-1]
    handler = rig.use_cases.notification_handler
    with rig.counter.measure() as first:
        await handler.handle(submitted)
    with rig.counter.measure() as again:
        await handler.handle(submitted)
    assert (len(first), len(again)) == (7, 5), (first, again)
