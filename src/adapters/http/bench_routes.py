"""Reference endpoints for the benchmark (``bench/``), served only in bench mode.

Each does the least work of one kind through the same stack as the API (Litestar, the request
middleware, msgspec encoding, the same engine and Redis client), so a scenario's figures can be
read as a ratio to the ceiling of the work it does (project issue 6):

- ``GET /bench/plain``: a constant JSON document, no I/O;
- ``GET /bench/redis-get/{key}``: one Redis GET of ``paeshift:bench:{key % 1000}``;
- ``GET /bench/pk-select/{key}``: one primary-key SELECT of a job row.

The entrypoint registers them only when ``PAESHIFT_BENCH_MODE=1``; they are never part of the
public API.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromPath
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.http.auth import Services
from adapters.http.services import ReferenceWork
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.engine import for_reads_only
from paeshift_core.domain.errors import Unavailable

#: Keys the harness fills before a run; ``redis-get`` reads ``key % REDIS_KEYS``.
REDIS_KEYS = 1_000
REDIS_KEY_PREFIX = "paeshift:bench:"
PK_SELECT = "pk_select"
REDIS_GET = "redis_get"


def pk_select(engine: AsyncEngine) -> ReferenceWork:
    """One SELECT by primary key on a pooled connection of the service's engine, outside a
    transaction (as a read-only unit of work runs it)."""
    query = select(t.jobs.c.id, t.jobs.c.title, t.jobs.c.status)

    async def run(key: int) -> object:
        async with engine.connect() as conn:
            await for_reads_only(conn)
            row = (await conn.execute(query.where(t.jobs.c.id == key))).first()
        return None if row is None else {"id": row.id, "title": row.title, "status": row.status}

    return run


def redis_get(client: Redis) -> ReferenceWork:
    """One GET on the service's Redis client."""

    async def run(key: int) -> object:
        value: Any = await client.get(f"{REDIS_KEY_PREFIX}{key % REDIS_KEYS}")
        return None if value is None else len(value)

    return run


async def _reference(services: Services, name: str, key: int) -> dict[str, object]:
    work = services.reference_work.get(name)
    if work is None:
        raise Unavailable(f"bench reference {name!r} is not configured", code="bench_reference")
    return {"key": key, "result": await work(key)}


class BenchController(Controller):
    path = "/bench"
    tags = ["bench"]
    include_in_schema = False

    @get("/plain")
    async def plain(self) -> dict[str, object]:
        return {"ok": True, "service": "paeshift", "reference": "plain"}

    @get("/redis-get/{key:int}")
    async def redis(self, key: FromPath[int], services: Services) -> dict[str, object]:
        return await _reference(services, REDIS_GET, key)

    @get("/pk-select/{key:int}")
    async def pk(self, key: FromPath[int], services: Services) -> dict[str, object]:
        return await _reference(services, PK_SELECT, key)
