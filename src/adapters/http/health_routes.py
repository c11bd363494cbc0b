"""``/health/live`` and ``/health/ready`` (API.md ops).

Live says the process answers; ready says every dependency (database, Redis when configured)
answers now and, on PostgreSQL, that the process still holds its node-id lease
(``adapters/sqlalchemy/node_lease.py``), so a load balancer stops sending traffic to an
instance that cannot serve it and an orchestrator replaces one that stays not ready.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from litestar import Controller, Response, get
from litestar.openapi import ResponseSpec
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

from adapters.http.auth import Services
from adapters.http.schema_base import Output
from adapters.observability.metrics import render_metrics

PROBE_TIMEOUT_S = 2.0


class LiveOut(Output):
    status: Literal["ok"] = "ok"


class CheckOut(Output):
    name: str
    ok: bool
    detail: str = ""


class ReadyOut(Output):
    status: Literal["ready", "not_ready"]
    checks: list[CheckOut]


class HealthController(Controller):
    path = "/health"
    tags = ["ops"]

    @get("/live", summary="The process answers")
    async def live(self) -> LiveOut:
        return LiveOut()

    @get(
        "/ready",
        summary="Every dependency answers (503 otherwise)",
        responses={503: ResponseSpec(data_container=ReadyOut, description="not ready")},
    )
    async def ready(self, services: Services) -> Response[ReadyOut]:
        checks: list[CheckOut] = []
        for name, probe in sorted(services.readiness.items()):
            try:
                await asyncio.wait_for(probe(), PROBE_TIMEOUT_S)
            except Exception as exc:  # a failing probe is the answer, not an error
                checks.append(CheckOut(name=name, ok=False, detail=type(exc).__name__))
            else:
                checks.append(CheckOut(name=name, ok=True))
        ok = all(c.ok for c in checks)
        body = ReadyOut(status="ready" if ok else "not_ready", checks=checks)
        return Response(body, status_code=200 if ok else 503)


@get(
    "/metrics",
    media_type=CONTENT_TYPE_PLAIN_0_0_4,
    tags=["ops"],
    summary="Prometheus metrics (requests, SQL, cache, rate limits, outbox, ledger check)",
    include_in_schema=False,
)
async def metrics(services: Services) -> bytes:
    """All workers' collectors (multi-process aware) and the scrape-time database gauges."""
    return await render_metrics(services.metric_sources)
