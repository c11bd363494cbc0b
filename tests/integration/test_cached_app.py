"""The read cache in the assembled service on PostgreSQL and Redis (ARCHITECTURE.md Caching).

- Two app instances (each its own engine and Redis pool, like two server processes) over the
  same database and Redis: a write through one is seen by the next read through the other,
  and a money write retried through the other with its Idempotency-Key runs once.
- Redis at a closed port, or answering nothing: reads and writes still work, and no request
  waits much longer than the configured Redis timeout.
- Redis down and back: the write made meanwhile is never hidden by the value cached before
  the outage, and the cache is used again once the breaker lets a trial call through.

Every Redis key starts with the sandbox's random prefix (``PAESHIFT_CACHE_PREFIX``).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.http.services import services_of
from adapters.memory.email import MemoryEmailSender
from adapters.memory.passwords import MemoryPasswordHasher
from adapters.redis.cache import RedisCache
from adapters.redis.resilience import RedisGuard
from adapters.sqlalchemy import tables as t
from entrypoints.app import create_app, runtime
from entrypoints.bootstrap import build_use_cases
from entrypoints.settings import Settings
from tests.integration.redis_fixtures import RedisSandbox, SilentServer, TcpProxy
from tests.unit.accounts import Account, Accounts
from tests.unit.http.journeys import Client, apply, fund_with_sandbox, post_job

JWT_SECRET = "integration-test-secret-shared-by-both-processes"
BASE_URL = "http://testserver.local"
TIMEOUT_S = 0.1
#: The Redis timeout of tests about a working Redis: on a loaded CI machine 0.1 s can pass
#: before a working server answers, and the fallback to the database would hide the cache.
WORKING_TIMEOUT_S = 2.0
#: A request may wait for Redis at most about one timeout; the rest is database work.
REQUEST_BUDGET_S = 2 * TIMEOUT_S + 0.5


def _settings(
    tmp_path: Path, database_url: str, redis_url: str, prefix: str, timeout_s: float = TIMEOUT_S
) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        cache_prefix=prefix,
        redis_timeout_s=timeout_s,
        redis_retry_s=0.2,
        jwt_secret=JWT_SECRET,
        var_dir=tmp_path,
        public_base_url=BASE_URL,
    )


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


class ThreadedProxy:
    """The Redis ``TcpProxy`` on its own thread and event loop: the test client runs the
    app's requests through a blocking portal, which would stall a proxy on the test's loop."""

    def __init__(self, redis_url: str) -> None:
        parsed = urlsplit(redis_url)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._proxy = TcpProxy(parsed.hostname or "127.0.0.1", parsed.port or 6379)

    def _call(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=5)

    @property
    def url(self) -> str:
        return self._proxy.url

    def start(self) -> None:
        self._call(self._proxy.start())

    def stop(self) -> None:
        self._call(self._proxy.stop())

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()


@pytest.fixture
def threaded_proxy(redis_url: str) -> Iterator[ThreadedProxy]:
    proxy = ThreadedProxy(redis_url)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.close()


@attrs.define
class Service:
    """Set-up through the use cases (accounts need the e-mailed code), HTTP through apps."""

    accounts: Accounts
    stack: AsyncExitStack
    settings: Settings

    async def app(self) -> tuple[Litestar, Client]:
        app = create_app(self.settings)
        client = await self.stack.enter_async_context(AsyncTestClient(app, base_url=BASE_URL))
        return app, client


@asynccontextmanager
async def service(settings: Settings) -> AsyncIterator[Service]:
    async with AsyncExitStack() as stack:
        wired = await stack.enter_async_context(runtime(settings, prepare_embedded=False))
        mailer = MemoryEmailSender()
        # Fast hashing: argon2 would block the event loop the apps (and the proxy) share.
        deps = attrs.evolve(wired.deps, email=mailer, hasher=MemoryPasswordHasher())
        use_cases = build_use_cases(deps)
        await use_cases.catalog.seed_default_catalog()
        yield Service(accounts=Accounts(use_cases, mailer), stack=stack, settings=settings)


def bearer(account: Account) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.tokens.access_token}"}


async def _funded_job(api: Client, owner: dict[str, str]) -> int:
    day = (date.today() + timedelta(days=30)).isoformat()
    job: int = (await post_job(api, owner, start_date=day, end_date=day))["id"]
    await fund_with_sandbox(api, owner, job)
    return job


async def _get(api: Client, path: str, **params: Any) -> Any:
    response = await api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _feed_seats(api: Client, job_id: int) -> int | None:
    items = (await _get(api, "/api/v1/jobs", limit=100))["items"]
    seats = [item["free_seats"] for item in items if item["id"] == job_id]
    return seats[0] if seats else None


async def test_a_write_through_one_process_shows_in_the_next_read_of_the_other(
    tmp_path: Path, postgres_url: str, postgres_engine: AsyncEngine, redis_sandbox: RedisSandbox
) -> None:
    assert redis_sandbox.url is not None
    settings = _settings(
        tmp_path, postgres_url, redis_sandbox.url, redis_sandbox.prefix, WORKING_TIMEOUT_S
    )
    async with service(settings) as svc:
        (_, one), (app_two, two) = await svc.app(), await svc.app()
        client, worker = await svc.accounts.client(), await svc.accounts.applicant()
        job = await _funded_job(one, bearer(client))
        detail = f"/api/v1/jobs/{job}"
        for _ in range(2):
            assert (await _get(two, detail))["counts"]["applicants"] == 0
            assert await _feed_seats(two, job) == 2
        cache = services_of(app_two.state).cache
        assert isinstance(cache, RedisCache)
        assert cache.hits["jobs"] >= 1
        assert cache.hits["feed"] >= 1

        application = await apply(one, bearer(worker), job)
        assert (await _get(two, detail))["counts"]["applicants"] == 1
        accepted = await one.post(
            f"/api/v1/applications/{application}/accept", headers=bearer(client)
        )
        assert accepted.status_code == 200, accepted.text
        assert await _feed_seats(two, job) == 1
        assert (await _get(two, detail))["job"]["accepted_count"] == 1

        profile = f"/api/v1/users/{worker.user_id}"
        assert (await _get(two, profile))["bio"] == ""
        changed = await one.patch("/api/v1/me", json={"bio": "Events"}, headers=bearer(worker))
        assert changed.is_success, changed.text
        assert (await _get(two, profile))["bio"] == "Events"
        assert await redis_sandbox.keys()  # the values really live in the shared Redis


async def test_a_logged_in_public_read_looks_its_caller_up_in_the_same_round_trip(
    tmp_path: Path,
    postgres_url: str,
    postgres_engine: AsyncEngine,
    redis_sandbox: RedisSandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cached job detail or feed page for a logged-in viewer: the principal and the page in
    one Redis round trip, then the viewer's own applications (three trips before)."""
    assert redis_sandbox.url is not None
    settings = _settings(
        tmp_path, postgres_url, redis_sandbox.url, redis_sandbox.prefix, WORKING_TIMEOUT_S
    )
    async with service(settings) as svc:
        _, api = await svc.app()
        client, worker = await svc.accounts.client(), await svc.accounts.applicant()
        job = await _funded_job(api, bearer(client))
        trips: list[str] = []
        run = RedisGuard.run

        async def counted(guard: RedisGuard, what: str, *args: Any, **kwargs: Any) -> Any:
            trips.append(what)
            return await run(guard, what, *args, **kwargs)

        monkeypatch.setattr(RedisGuard, "run", counted)
        for path in (f"/api/v1/jobs/{job}", "/api/v1/jobs"):
            for attempt in ("fills the caches", "hits"):
                trips.clear()
                read = await api.get(path, headers=bearer(worker))
                assert read.status_code == 200, (attempt, read.text)
            assert trips.count("cache get") == 2, (path, trips)


async def test_a_money_write_retried_through_the_other_process_runs_once(
    tmp_path: Path, postgres_url: str, postgres_engine: AsyncEngine, redis_sandbox: RedisSandbox
) -> None:
    """The Idempotency-Key record lives in the shared database: a client retrying after a
    time-out may reach another process, which replays the first answer."""
    assert redis_sandbox.url is not None
    settings = _settings(
        tmp_path, postgres_url, redis_sandbox.url, redis_sandbox.prefix, WORKING_TIMEOUT_S
    )
    async with service(settings) as svc:
        (_, one), (_, two) = await svc.app(), await svc.app()
        owner = bearer(await svc.accounts.client())
        day = (date.today() + timedelta(days=30)).isoformat()
        job = (await post_job(one, owner, start_date=day, end_date=day))["id"]
        retry = {"Idempotency-Key": "fund-once", **owner}
        answers = [
            await api.post(f"/api/v1/jobs/{job}/funding", json={}, headers=retry)
            for api in (one, two)
        ]
        assert [a.status_code for a in answers] == [201, 201], answers[1].text
        assert answers[1].json() == answers[0].json()
        intents = select(t.payment_intents.c.reference).where(t.payment_intents.c.job_id == job)
        async with postgres_engine.connect() as conn:
            references = (await conn.execute(intents)).scalars().all()
        assert references == [answers[0].json()["reference"]]


async def _timed(api: Client, method: str, path: str, **kwargs: Any) -> Any:
    started = time.perf_counter()
    async with asyncio.timeout(10):  # a hang fails the test instead of blocking it
        response = await api.request(method, path, **kwargs)
    elapsed = time.perf_counter() - started
    assert elapsed < REQUEST_BUDGET_S, f"{method} {path} took {elapsed:.3f} s"
    assert response.is_success, response.text
    return response.json() if response.content else None


async def _reads_and_writes_without_redis(svc: Service) -> None:
    _, api = await svc.app()
    client, worker = await svc.accounts.client(), await svc.accounts.applicant()
    owner = bearer(client)
    day = (date.today() + timedelta(days=30)).isoformat()
    body = {"start_date": day, "end_date": day}
    job = (await post_job(api, owner, **body))["id"]
    await fund_with_sandbox(api, owner, job)
    detail = f"/api/v1/jobs/{job}"
    for _ in range(3):
        assert (await _timed(api, "GET", detail))["counts"]["applicants"] == 0
        await _timed(api, "GET", "/api/v1/jobs")
    await _timed(api, "POST", f"/api/v1/jobs/{job}/applications", headers=bearer(worker))
    assert (await _timed(api, "GET", detail))["counts"]["applicants"] == 1
    assert (await _timed(api, "GET", f"/api/v1/users/{worker.user_id}"))["bio"] == ""
    await _timed(api, "PATCH", "/api/v1/me", json={"bio": "Events"}, headers=bearer(worker))
    assert (await _timed(api, "GET", f"/api/v1/users/{worker.user_id}"))["bio"] == "Events"
    assert (await _timed(api, "GET", "/api/v1/catalog/industries"))["items"]


async def test_redis_at_a_closed_port_changes_nothing_but_speed(
    tmp_path: Path, postgres_url: str, postgres_engine: AsyncEngine
) -> None:
    settings = _settings(tmp_path, postgres_url, _closed_port_url(), "pshtest-closed")
    async with service(settings) as svc:
        await _reads_and_writes_without_redis(svc)


async def test_a_redis_that_never_answers_costs_at_most_the_timeout(
    tmp_path: Path, postgres_url: str, postgres_engine: AsyncEngine, silent_server: SilentServer
) -> None:
    settings = _settings(tmp_path, postgres_url, silent_server.url, "pshtest-silent")
    async with service(settings) as svc:
        await _reads_and_writes_without_redis(svc)


async def test_after_an_outage_the_cache_is_used_again_and_never_stale(
    tmp_path: Path,
    postgres_url: str,
    postgres_engine: AsyncEngine,
    redis_sandbox: RedisSandbox,
    threaded_proxy: ThreadedProxy,
) -> None:
    settings = _settings(tmp_path, postgres_url, threaded_proxy.url, redis_sandbox.prefix)
    async with service(settings) as svc:
        app, api = await svc.app()
        client, worker = await svc.accounts.client(), await svc.accounts.applicant()
        job = await _funded_job(api, bearer(client))
        detail = f"/api/v1/jobs/{job}"
        cache = services_of(app.state).cache
        assert isinstance(cache, RedisCache)
        for _ in range(2):
            assert (await _get(api, detail))["counts"]["applicants"] == 0  # cached before
        hits = cache.hits["jobs"]
        assert hits >= 1

        threaded_proxy.stop()
        await apply(api, bearer(worker), job)  # its invalidation cannot reach Redis
        for _ in range(3):
            assert (await _get(api, detail))["counts"]["applicants"] == 1
        assert cache.errors["jobs"] >= 1

        threaded_proxy.start()
        await asyncio.sleep(settings.redis_retry_s + 0.05)  # the breaker's next trial
        for _ in range(3):
            assert (await _get(api, detail))["counts"]["applicants"] == 1
        assert cache.hits["jobs"] > hits  # Redis serves again, with the new value
