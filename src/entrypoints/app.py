"""The ASGI application factory (ARCHITECTURE.md Entry points).

``create_app(settings)`` builds the Litestar app; engines, pools and the use cases are made in
its lifespan and disposed on shutdown, never at import time. On the embedded default (no
``PAESHIFT_DATABASE_URL``) the SQLite file under ``var_dir`` is migrated and the catalog
seeded on start, so ``paeshift serve`` works on a fresh clone.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager

from attrs import define
from litestar import Litestar
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.email.console import ConsoleEmailSender
from adapters.email.smtp import SmtpConfig, SmtpEmailSender
from adapters.files.local import LocalFileStore
from adapters.http import bench_routes
from adapters.http.admission import Admission
from adapters.http.api import build_api
from adapters.http.request_budget import REQUESTS_PER_CLIENT, RequestBudget
from adapters.http.services import ApiServices, Probe, ReferenceWork
from adapters.memory.cache import MemoryCache
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.observability.metrics import release_process_metrics
from adapters.payments.factory import build_gateway
from adapters.payments.sandbox import SandboxGateway
from adapters.redis.cache import RedisCache
from adapters.redis.leaderboard import RedisLeaderboard
from adapters.redis.rate_limit import RedisRateLimiter
from adapters.redis.request_counts import RedisRequestCounts
from adapters.redis.resilience import RedisGuard
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import JwtTokenService
from adapters.sqlalchemy.engine import create_engine, is_sqlite
from adapters.sqlalchemy.idempotency import SqlIdempotencyStore
from adapters.sqlalchemy.migrate import upgrade_engine
from adapters.sqlalchemy.node_lease import postgres_node_lease
from adapters.sqlalchemy.ops_status import database_metric_sources
from adapters.sqlalchemy.wiring import SqlUnitOfWorkFactory
from adapters.system.clock import SystemClock
from adapters.system.ids import TimeOrderedIds
from adapters.system.node_lease import file_node_lease
from entrypoints.background import InProcessRunner, outbox_relay, periodic_tasks
from entrypoints.bootstrap import UseCases, build_use_cases
from entrypoints.logging_setup import configure_logging
from entrypoints.settings import Settings, load_settings, resolve_jwt_secret
from paeshift_core.application.context import Deps, Policy
from paeshift_core.application.read_models import UncachedReads
from paeshift_core.ports.cache import Cache
from paeshift_core.ports.email import EmailSender
from paeshift_core.ports.gamification import Leaderboard
from paeshift_core.ports.payments import PaymentGateway
from paeshift_core.ports.rate_limit import Limit, RateLimiter

logger = logging.getLogger("paeshift")

#: Set by ``paeshift serve`` once it has migrated and seeded the embedded database, so its
#: worker processes do not each do it again (and race) at start.
EMBEDDED_PREPARED_ENV = "PAESHIFT_EMBEDDED_PREPARED"


async def _node_id(settings: Settings, stack: AsyncExitStack) -> tuple[int, Probe | None]:
    """This process's id-generator node (``ids.py``) and, where it can be lost, its lease's
    readiness check.

    ``PAESHIFT_NODE_ID``, when set, is taken as given (the deployment keeps it unique per
    live process). Otherwise the node id is leased for the life of ``stack``: from PostgreSQL
    (an advisory lock; processes on any machine sharing the database) or, on SQLite, from
    file locks under ``var_dir`` (the processes of one machine). A file lock cannot be lost
    while the process lives; the PostgreSQL lease can (``PostgresNodeLease``).
    """
    if settings.node_id is not None:
        return settings.node_id, None
    if is_sqlite(settings.effective_database_url):
        return stack.enter_context(file_node_lease(settings.var_dir / "node-leases")), None
    lease = await stack.enter_async_context(postgres_node_lease(settings.effective_database_url))
    return lease.node_id, lease.check


def _database_probe(engine: AsyncEngine) -> Probe:
    async def probe() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    return probe


def _redis_probe(client: Redis) -> Probe:
    async def probe() -> None:
        await client.ping()

    return probe


def _email_sender(settings: Settings) -> EmailSender:
    """SMTP when ``PAESHIFT_SMTP_HOST`` is set, else the console (development)."""
    if settings.smtp_host is None:
        return ConsoleEmailSender()
    return SmtpEmailSender(
        SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            username=settings.smtp_username,
            password=settings.smtp_password,
            security=settings.smtp_security,
        )
    )


@define(kw_only=True)
class Runtime:
    """One process's wiring over the configured database: what the app and the CLI share."""

    settings: Settings
    engine: AsyncEngine
    deps: Deps
    use_cases: UseCases
    gateway: PaymentGateway
    #: The Idempotency-Key records (HTTP money writes; purged by a periodic task).
    idempotency: SqlIdempotencyStore
    #: Redis (its client and breaker) when ``PAESHIFT_REDIS_URL`` is set.
    redis: RedisGuard | None = None
    #: The readiness check of this process's node-id lease, when the lease can be lost.
    node_lease: Probe | None = None


@asynccontextmanager
async def runtime(
    settings: Settings, *, prepare_embedded: bool = True, serving: bool = False
) -> AsyncIterator[Runtime]:
    """Engine, gateway, node-id lease and use cases; disposed (the lease freed) on exit.

    On the embedded default (and ``prepare_embedded``) the SQLite schema is migrated and the
    catalog seeded first, so a fresh clone serves at once. ``serving``: a server process, whose
    statements time out (see :func:`runtime_services`); the worker and the CLI run none (their
    full ledger check and seed are long statements by design).
    """
    async with AsyncExitStack() as stack:
        if settings.embedded:
            settings.var_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            settings.effective_database_url,
            statement_timeout_s=settings.statement_timeout_s if serving else None,
        )
        stack.push_async_callback(engine.dispose)
        if settings.embedded and prepare_embedded:
            await upgrade_engine(engine)
        gateway = build_gateway(
            settings.payment_provider,
            public_base_url=settings.public_base_url,
            paystack_secret_key=settings.paystack_secret_key,
            flutterwave_secret_key=settings.flutterwave_secret_key,
            flutterwave_webhook_hash=settings.flutterwave_webhook_hash,
        )
        stack.push_async_callback(gateway.aclose)
        node_id, node_lease = await _node_id(settings, stack)
        clock = SystemClock()
        rate_limiter: RateLimiter = MemoryRateLimiter(clock)
        redis: RedisGuard | None = None
        leaderboard: Leaderboard | None = None  # in process unless Redis is configured
        cache: Cache = MemoryCache(clock)
        if settings.redis_url is not None:
            guard = RedisGuard.from_url(
                settings.redis_url,
                timeout_s=settings.redis_timeout_s,
                reset_timeout_s=settings.redis_retry_s,
            )
            stack.push_async_callback(guard.client.aclose)
            rate_limiter = RedisRateLimiter(guard, fallback=rate_limiter)
            leaderboard = RedisLeaderboard(guard)
            cache = RedisCache(guard, prefix=settings.cache_prefix)
            redis = guard
        if not settings.cache_enabled:
            cache = UncachedReads()
        deps = Deps(
            uow=SqlUnitOfWorkFactory(engine, clock),
            clock=clock,
            ids=TimeOrderedIds(node_id),
            hasher=Argon2PasswordHasher(),
            tokens=JwtTokenService(resolve_jwt_secret(settings)),
            email=_email_sender(settings),
            rate_limiter=rate_limiter,
            files=LocalFileStore(settings.media_dir),
            policy=Policy(fee_rate_bp=settings.fee_rate_bp),
            gateway=gateway,
            cache=cache,
        )
        use_cases = build_use_cases(deps, leaderboard=leaderboard)
        if settings.embedded and prepare_embedded:
            added = await use_cases.catalog.seed_default_catalog()
            if added:
                logger.info("seeded %d catalog entries", added)
        yield Runtime(
            settings=settings,
            engine=engine,
            deps=deps,
            use_cases=use_cases,
            gateway=gateway,
            idempotency=SqlIdempotencyStore(engine, clock),
            redis=redis,
            node_lease=node_lease,
        )


@asynccontextmanager
async def runtime_services(
    settings: Settings, *, prepare_embedded: bool = True
) -> AsyncIterator[ApiServices]:
    """The HTTP adapter's services over :func:`runtime`.

    A server's SQL statements run at most ``settings.statement_timeout_s`` (30 s by default,
    5 minutes at most): a request then answers 503 rather than hang, and frees its connection
    and locks. It also bounds how long a money write can hold its Idempotency-Key: the key is
    claimed again only after ``IN_FLIGHT_LIMIT`` (10 minutes), when its first request has
    ended, so the write cannot run twice.
    """
    async with AsyncExitStack() as stack:
        stack.callback(release_process_metrics)  # this worker's live gauges end with it
        wired = await stack.enter_async_context(
            runtime(settings, prepare_embedded=prepare_embedded, serving=True)
        )
        readiness: dict[str, Probe] = {"database": _database_probe(wired.engine)}
        if wired.redis is not None:
            readiness["redis"] = _redis_probe(wired.redis.client)
        if wired.node_lease is not None:
            readiness["node_lease"] = wired.node_lease
        clock = wired.deps.clock
        if wired.redis is None:
            # No Redis, so no worker: this process relays the outbox and runs the periodic
            # tasks itself (the embedded default; handlers are idempotent if several do).
            runner = InProcessRunner(outbox_relay(wired), periodic_tasks(wired))
            await runner.start()
            stack.push_async_callback(runner.stop)
        budget = _request_budget(settings, wired)
        stack.push_async_callback(budget.aclose)
        yield ApiServices(
            core=wired.use_cases,
            clock=clock,
            idempotency=wired.idempotency,
            readiness=readiness,
            payment_provider=wired.gateway.provider,
            sandbox=wired.gateway if isinstance(wired.gateway, SandboxGateway) else None,
            cookie_secure=settings.cookie_secure or settings.public_base_url.startswith("https://"),
            public_base_url=settings.public_base_url,
            metric_sources=database_metric_sources(wired.engine, clock),
            reference_work=await _reference_work(settings, wired, stack),
            cache=wired.deps.cache,
            request_budget=budget,
            admission=_admission(settings),
        )


def _admission(settings: Settings) -> Admission | None:
    """Load shedding for this process (``PAESHIFT_MAX_CONCURRENT_REQUESTS=0``: none)."""
    if settings.max_concurrent_requests == 0:
        return None
    return Admission(settings.max_concurrent_requests, settings.admission_wait_s)


def _request_budget(settings: Settings, wired: Runtime) -> RequestBudget:
    """The general per-client limit, shared through Redis when there is one."""
    shared = None
    if wired.redis is not None:
        shared = RedisRequestCounts(wired.redis, prefix=settings.cache_prefix)
    limit = Limit(REQUESTS_PER_CLIENT, settings.requests_per_minute, 60)
    return RequestBudget(limit, shared=shared)


async def _reference_work(
    settings: Settings, wired: Runtime, stack: AsyncExitStack
) -> dict[str, ReferenceWork]:
    """Bench mode only: the reference endpoints' work on this process's engine and Redis."""
    if not settings.bench_mode:
        return {}
    work = {bench_routes.PK_SELECT: bench_routes.pk_select(wired.engine)}
    client = None if wired.redis is None else wired.redis.client
    if client is None and settings.bench_redis_url is not None:
        client = Redis.from_url(settings.bench_redis_url)
        stack.push_async_callback(client.aclose)
    if client is not None:
        work[bench_routes.REDIS_GET] = bench_routes.redis_get(client)
    return work


def create_app(settings: Settings, *, prepare_embedded: bool = True) -> Litestar:
    """The service for ``settings``; nothing is connected until the lifespan starts."""

    def services() -> AbstractAsyncContextManager[ApiServices]:
        return runtime_services(settings, prepare_embedded=prepare_embedded)

    return build_api(
        services,
        cors_origins=settings.cors_origins,
        debug=settings.debug,
        spa_dir=settings.spa_dir,
        media_dir=settings.media_dir,
        extra_handlers=[bench_routes.BenchController] if settings.bench_mode else [],
    )


#: ``gc.set_threshold`` of a server process: a young collection per 10,000 net allocations of
#: container objects instead of 700.
GC_THRESHOLDS = (10_000, 10, 10)


def tune_garbage_collection() -> None:
    """Keep the garbage collector off what starting built, and run it less often.

    What starting built (modules, the app, the engine) lives as long as the process, yet every
    full collection scanned it: under the benchmark's load a full collection paused a worker
    for 135-160 ms, longer than the Redis timeout, so every Redis call in flight timed out at
    once; ``gc.freeze()`` took it out of the collector's sight.

    Then, with the default thresholds (700, 10, 10), the objects of the requests in flight
    survived young collections over and over: in 70 s of the mixed workload at 400 req/s a
    worker ran ~2,500 young, ~230 middle and ~20 full collections, 4.1 s of CPU in all (6 %
    of its time) with full-collection pauses up to 118 ms. With (10,000, 10, 10): ~50 young
    and ~4 middle collections, no full one, 0.9 s of CPU, pauses up to 30 ms (young) and
    96-113 ms (middle, every ~15 s); p95 of that run 32 against 138 ms (one run each, measured
    with a ``gc.callbacks`` hook; bench/results/HISTORY.md, round 5).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def app_from_environment() -> Litestar:
    """Factory for ``uvicorn --factory`` (each worker process reads the environment)."""
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings, prepare_embedded=not os.environ.get(EMBEDDED_PREPARED_ENV))
    app.on_startup.append(tune_garbage_collection)  # a server process only, after the lifespan
    return app
