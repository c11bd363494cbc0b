"""Memory rate limiter, memory cache, memory and console e-mail senders."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import pytest

from adapters.email.console import ConsoleEmailSender
from adapters.memory.cache import MemoryCache
from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.memory.rate_limit import MemoryRateLimiter
from paeshift_core.domain.errors import RateLimited, Unavailable
from paeshift_core.ports.email import EmailMessage
from paeshift_core.ports.rate_limit import Limit

THREE_PER_MINUTE = Limit("test", 3, 60)
CODE_MESSAGE = EmailMessage(
    to="ada@example.com",
    subject="Your code",
    body="Your code is 042042.",
    tags=(("kind", "one_time_code"), ("purpose", "registration"), ("code", "042042")),
)


# -- rate limiter ---------------------------------------------------------------------------
async def test_rate_limiter_sliding_window() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock)
    for _ in range(3):
        await limiter.hit(THREE_PER_MINUTE, "k")
        clock.advance(timedelta(seconds=10))
    with pytest.raises(RateLimited) as err:
        await limiter.hit(THREE_PER_MINUTE, "k")
    assert err.value.retry_after == 30  # the first hit leaves the window 60 s after it
    await limiter.hit(THREE_PER_MINUTE, "other-key")
    await limiter.hit(Limit("other-limit", 1, 60), "k")
    clock.advance(timedelta(seconds=30))
    await limiter.hit(THREE_PER_MINUTE, "k")  # one slot freed
    with pytest.raises(RateLimited) as again:
        await limiter.hit(THREE_PER_MINUTE, "k")
    assert again.value.retry_after == 10


async def test_refused_hits_do_not_extend_the_window() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock)
    for _ in range(3):
        await limiter.hit(THREE_PER_MINUTE, "k")
    for _ in range(10):
        with pytest.raises(RateLimited):
            await limiter.hit(THREE_PER_MINUTE, "k")
    clock.advance(timedelta(seconds=60))
    await limiter.hit(THREE_PER_MINUTE, "k")


async def test_rate_limiter_reset() -> None:
    limiter = MemoryRateLimiter(FakeClock())
    for _ in range(3):
        await limiter.hit(THREE_PER_MINUTE, "k")
    await limiter.reset(THREE_PER_MINUTE, "k")
    await limiter.reset(THREE_PER_MINUTE, "never-seen")
    await limiter.hit(THREE_PER_MINUTE, "k")


async def test_expired_windows_are_swept() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock)
    for n in range(1000):
        await limiter.hit(THREE_PER_MINUTE, f"visitor-{n}")
    clock.advance(timedelta(seconds=61))
    for n in range(30):
        await limiter.hit(THREE_PER_MINUTE, f"late-{n}")
    assert len(limiter._hits) <= 30
    for _ in range(2):
        await limiter.hit(THREE_PER_MINUTE, "late-0")
    with pytest.raises(RateLimited):  # live windows survive the sweep
        await limiter.hit(THREE_PER_MINUTE, "late-0")


# -- cache ----------------------------------------------------------------------------------
class _Loader:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> bytes:
        self.calls += 1
        await asyncio.sleep(0)
        return f"v{self.calls}".encode()


async def test_cache_hits_until_ttl() -> None:
    clock = FakeClock()
    cache, load = MemoryCache(clock), _Loader()
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v1"
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v1"
    assert (cache.hits["jobs"], cache.misses["jobs"]) == (1, 1)
    clock.advance(timedelta(seconds=60))
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v2"


async def test_cache_invalidation_by_key_and_namespace() -> None:
    cache, load = MemoryCache(FakeClock()), _Loader()
    await cache.get_or_load("jobs", "1", load, 60)
    await cache.get_or_load("jobs", "2", load, 60)
    await cache.invalidate("jobs", "1")
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v3"
    assert await cache.get_or_load("jobs", "2", load, 60) == b"v2"
    await cache.invalidate("jobs")
    assert await cache.get_or_load("jobs", "2", load, 60) == b"v4"
    assert await cache.get_or_load("other", "2", load, 60) == b"v5"


async def test_cache_single_flight() -> None:
    cache, load = MemoryCache(FakeClock()), _Loader()
    results = await asyncio.gather(*(cache.get_or_load("n", "k", load, 60) for _ in range(10)))
    assert set(results) == {b"v1"}
    assert load.calls == 1


async def test_cache_does_not_keep_failures() -> None:
    cache = MemoryCache(FakeClock())
    attempts = 0

    async def failing() -> bytes:
        nonlocal attempts
        attempts += 1
        await asyncio.sleep(0)
        raise Unavailable("database down")

    outcomes = await asyncio.gather(
        *(cache.get_or_load("n", "k", failing, 60) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(o, Unavailable) for o in outcomes)
    assert attempts == 1
    assert await cache.get_or_load("n", "k", _Loader(), 60) == b"v1"


async def test_a_cancelled_loader_lets_a_waiter_load() -> None:
    cache, started = MemoryCache(FakeClock()), asyncio.Event()

    async def slow() -> bytes:
        started.set()
        await asyncio.sleep(10)
        return b"never"  # pragma: no cover - cancelled first

    first = asyncio.create_task(cache.get_or_load("n", "k", slow, 60))
    await started.wait()
    second = asyncio.create_task(cache.get_or_load("n", "k", _Loader(), 60))
    await asyncio.sleep(0)
    first.cancel()
    assert await second == b"v1"
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_cache_is_bounded() -> None:
    cache, load = MemoryCache(FakeClock(), max_entries=2), _Loader()
    for key in ("a", "b", "c"):
        await cache.get_or_load("n", key, load, 60)
    assert await cache.get_or_load("n", "a", load, 60) == b"v4"  # "a" was evicted


# -- e-mail ---------------------------------------------------------------------------------
async def test_memory_email_records_and_finds_codes() -> None:
    mailer = MemoryEmailSender()
    await mailer.send(CODE_MESSAGE)
    await mailer.send(EmailMessage(to="ada@example.com", subject="Hello", body="hi"))
    assert len(mailer.to(" ADA@example.com")) == 2
    assert mailer.last_code("ada@example.com") == "042042"
    assert mailer.last_code("ada@example.com", "registration") == "042042"
    with pytest.raises(LookupError):
        mailer.last_code("ada@example.com", "password_reset")
    mailer.fail = True
    with pytest.raises(Unavailable):
        await mailer.send(CODE_MESSAGE)


async def test_console_email_prints_a_greppable_code_line() -> None:
    stream = io.StringIO()
    sender = ConsoleEmailSender(stream)
    await sender.send(CODE_MESSAGE)
    await sender.send(EmailMessage(to="bo@example.com", subject="Hi", body="no code here"))
    assert stream.getvalue().splitlines() == [
        "PAESHIFT-CODE email=ada@example.com purpose=registration code=042042"
    ]
