"""The benchmark's reference endpoints exist only when the entrypoint registers them (bench
mode), and run the reference work they are given."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import attrs
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.http.api import build_api
from adapters.http.bench_routes import PK_SELECT, BenchController
from adapters.http.services import ApiServices


async def _echo(key: int) -> object:
    return {"id": key}


def _bench_app(services: ApiServices) -> Litestar:
    def factory() -> AbstractAsyncContextManager[ApiServices]:
        @asynccontextmanager
        async def given() -> AsyncIterator[ApiServices]:
            yield services

        return given()

    return build_api(factory, extra_handlers=[BenchController])


async def test_reference_endpoints_answer_in_bench_mode(services: ApiServices) -> None:
    configured = attrs.evolve(services, reference_work={PK_SELECT: _echo})
    async with AsyncTestClient(app=_bench_app(configured)) as client:
        plain = await client.get("/bench/plain")
        pk = await client.get("/bench/pk-select/42")
        redis = await client.get("/bench/redis-get/1")
    assert plain.status_code == 200
    assert plain.json()["ok"] is True
    assert pk.json() == {"key": 42, "result": {"id": 42}}
    assert redis.status_code == 503  # no Redis reference configured


async def test_the_api_has_no_bench_routes_by_default(api: AsyncTestClient[Litestar]) -> None:
    assert (await api.get("/bench/plain")).status_code == 404
