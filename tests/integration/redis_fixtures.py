"""Redis fixtures: the shared test server, a random key prefix per test, an outage switch.

``PAESHIFT_TEST_REDIS_URL`` names the server (default: the local one). Other people's tests
share it, so nothing here flushes a database: every key a test writes starts with its own
random prefix, and exactly those keys are deleted afterwards. Without a reachable server the
tests skip with the reason, unless ``PAESHIFT_REQUIRE_SERVICES=1`` (CI), where that is a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
import redis
from redis.asyncio import Redis

from adapters.redis.resilience import CircuitState, RedisGuard

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_test_url() -> str:
    return os.environ.get("PAESHIFT_TEST_REDIS_URL", DEFAULT_REDIS_URL)


def circuit_state(guard: RedisGuard) -> CircuitState:
    """Read through a call: mypy would otherwise keep the property narrowed across awaits."""
    return guard.breaker.state


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test server's URL, once it answered PING; skip (or fail in CI) otherwise."""
    url = redis_test_url()
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        reason = f"Redis at {url} is not reachable: {exc}"
        if os.environ.get("PAESHIFT_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (PAESHIFT_REQUIRE_SERVICES=1)")
        pytest.skip(reason)
    finally:
        client.close()
    return url


class RedisSandbox:
    """Guards (each its own connection pool, like separate processes) and this test's prefix."""

    def __init__(self, url: str | None) -> None:
        self.url = url  # None: no test server, only guards on explicit (broken) URLs
        self.prefix = f"pshtest-{secrets.token_hex(6)}"
        self._guards: list[RedisGuard] = []

    def guard(
        self,
        url: str | None = None,
        *,
        timeout_s: float = 2.0,
        failure_threshold: int = 5,
        reset_timeout_s: float = 5.0,
    ) -> RedisGuard:
        """A production guard on the test server (or ``url``) with a new pool; closed after.

        The default timeout is generous: on a loaded CI machine a working server can take more
        than 0.25 s to open 20 connections, and a timeout there turns a test of shared state
        into a test of the per-process fallback (a CI run once allowed 8 of a limit of 7).
        Tests of outages and timeouts pass their own short ``timeout_s``.
        """
        target = url or self.url
        assert target is not None, "this sandbox has no test server: pass a URL"
        guard = RedisGuard.from_url(
            target,
            timeout_s=timeout_s,
            failure_threshold=failure_threshold,
            reset_timeout_s=reset_timeout_s,
        )
        self._guards.append(guard)
        return guard

    async def keys(self) -> list[bytes]:
        """Every key this test wrote (SCAN, fine in a test; the adapters never scan)."""
        if self.url is None:
            return []
        async with Redis.from_url(self.url) as client:
            return [key async for key in client.scan_iter(match=f"{self.prefix}:*", count=500)]

    async def close(self) -> None:
        for guard in self._guards:
            await guard.aclose()
        stale = await self.keys()
        if stale and self.url is not None:
            async with Redis.from_url(self.url) as client:
                await client.delete(*stale)


@pytest.fixture
async def redis_sandbox(redis_url: str) -> AsyncIterator[RedisSandbox]:
    sandbox = RedisSandbox(redis_url)
    try:
        yield sandbox
    finally:
        await sandbox.close()


@pytest.fixture
async def offline_sandbox() -> AsyncIterator[RedisSandbox]:
    """Guards on unreachable or silent servers only: runs even where no Redis is available."""
    sandbox = RedisSandbox(None)
    try:
        yield sandbox
    finally:
        await sandbox.close()


class TcpProxy:
    """A loopback TCP proxy to Redis that a test can stop and start: an outage on demand.

    Stopping closes the listener and every relayed connection, as a crashed server would;
    starting again listens on the same port, so clients configured once find Redis again.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self._target)
        self._writers.update({writer, up_writer})
        pumps = [
            asyncio.create_task(self._pump(reader, up_writer)),
            asyncio.create_task(self._pump(up_reader, writer)),
        ]
        self._tasks.update(pumps)
        await asyncio.gather(*pumps, return_exceptions=True)
        self._tasks.difference_update(pumps)

    @staticmethod
    async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            sink.close()


@pytest.fixture
async def redis_proxy(redis_url: str) -> AsyncIterator[TcpProxy]:
    parsed = urlsplit(redis_url)
    proxy = TcpProxy(parsed.hostname or "127.0.0.1", parsed.port or 6379)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()


class SilentServer:
    """Accepts connections and never answers: the slow-network case the timeouts are for."""

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self.port = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        with contextlib.suppress(ConnectionError):
            await reader.read()  # until the client gives up

    async def stop(self) -> None:
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@pytest.fixture
async def silent_server() -> AsyncIterator[SilentServer]:
    server = SilentServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
