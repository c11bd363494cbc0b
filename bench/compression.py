"""CPU per response of gzip: Litestar's ``CompressionConfig`` against ``compress_responses``.

    .venv/bin/python -m bench.compression [--requests 5000]

Both on a bare Litestar app called in process (no network), for a client that accepts gzip:
a 40-byte answer (not compressed by either, below 1 KB) and a 3 KB one (compressed by both).
Prints process CPU µs per request, best of three rounds, and the 3 KB body's compressed size.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import Litestar, MediaType, get
from litestar.config.compression import CompressionConfig

from adapters.http.compression import LEVEL, MINIMUM_BYTES, compress_responses

SMALL = b'{"ok": true, "service": "paeshift"}'
PAGE = b'{"items": [' + b'{"id": 1, "title": "Night waiters", "rate": 150000},' * 60 + b"{}]}"


@get("/small", media_type=MediaType.JSON)
async def small() -> bytes:
    return SMALL


@get("/page", media_type=MediaType.JSON)
async def page() -> bytes:
    return PAGE


def _apps() -> dict[str, Litestar]:
    handlers = [small, page]
    return {
        "litestar": Litestar(
            handlers,
            compression_config=CompressionConfig(
                backend="gzip", gzip_compress_level=LEVEL, minimum_size=MINIMUM_BYTES
            ),
        ),
        "compress_responses": Litestar(handlers, middleware=[compress_responses]),
    }


async def _call(app: Litestar, path: str) -> bytes:
    scope: Any = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"bench"), (b"accept-encoding", b"gzip, deflate")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    body = bytearray()

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        if message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    return bytes(body)


async def _cpu_us(call: Callable[[], Awaitable[bytes]], requests: int) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(requests):
            await call()
        best = min(best, (time.process_time() - started) / requests * 1e6)
    return best


async def measure(requests: int) -> None:
    for name, app in _apps().items():
        for path in ("/small", "/page"):
            size = len(await _call(app, path))
            micros = await _cpu_us(partial(_call, app, path), requests)
            print(f"{name:20} {path:7} {micros:6.1f} µs CPU per request, body {size} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5_000)
    asyncio.run(measure(parser.parse_args().requests))


if __name__ == "__main__":
    main()
