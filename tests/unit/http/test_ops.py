"""Health, OpenAPI, compression, CORS and request ids of the assembled app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar.testing import AsyncTestClient

from adapters.http.api import build_api
from adapters.http.services import ApiServices
from tests.unit.http.journeys import Client


async def test_live_and_ready(api: Client) -> None:
    assert (await api.get("/health/live")).json() == {"status": "ok"}
    ready = await api.get("/health/ready")
    assert ready.json() == {
        "status": "ready",
        "checks": [{"name": "database", "ok": True, "detail": ""}],
    }


async def test_ready_is_503_when_a_dependency_is_down(services: ApiServices) -> None:
    async def down() -> None:
        raise ConnectionRefusedError("redis")

    services.readiness = {**services.readiness, "redis": down}

    @asynccontextmanager
    async def given() -> AsyncIterator[ApiServices]:
        yield services

    async with AsyncTestClient(app=build_api(given)) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    assert {"name": "redis", "ok": False, "detail": "ConnectionRefusedError"} in response.json()[
        "checks"
    ]


async def test_openapi_documents_every_api_route_with_problems(api: Client) -> None:
    schema = (await api.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    assert "/api/v1/jobs/{job_id}/funding" in paths
    assert "/api/v1/catalog/industries" in paths
    funding = paths["/api/v1/jobs/{job_id}/funding"]["post"]
    # 429 on every documented route: the general per-client limit applies to them all.
    assert {"401", "403", "404", "409", "422", "429", "500"} <= set(funding["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in funding["parameters"])
    assert set(schema["components"]["securitySchemes"]) == {"bearer", "session"}
    docs = await api.get("/schema")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


async def test_large_bodies_are_gzipped_small_ones_are_not(api: Client) -> None:
    big = await api.get("/schema/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert big.headers.get("content-encoding") == "gzip"
    small = await api.get("/health/live", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


async def test_cors_allows_only_configured_origins(api: Client) -> None:
    allowed = await api.options(
        "/api/v1/me",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    denied = await api.get("/health/live", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in denied.headers


async def test_every_response_has_a_request_id(api: Client) -> None:
    echoed = await api.get("/health/live", headers={"X-Request-ID": "lb-123"})
    assert echoed.headers["x-request-id"] == "lb-123"
    fresh = await api.get("/api/v1/me")
    assert len(fresh.headers["x-request-id"]) == 32
    assert fresh.json()["request_id"] == fresh.headers["x-request-id"]


async def test_metrics_are_exported_for_prometheus(api: Client) -> None:
    response = await api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE" in response.text
