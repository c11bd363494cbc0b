"""Serving the built front end next to the API (COMPAT_API.md; adapters/http/spa.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar.testing import AsyncTestClient

from adapters.http.api import build_api
from adapters.http.services import ApiServices

INDEX = "<!doctype html><title>Paeshift</title>"


async def test_pages_get_the_index_assets_are_cached_and_api_routes_are_unaffected(
    tmp_path: Path, services: ApiServices
) -> None:
    spa, media = tmp_path / "dist", tmp_path / "media"
    (spa / "assets").mkdir(parents=True)
    (spa / "index.html").write_text(INDEX)
    (spa / "assets" / "index-3f9a1c2b.js").write_text("console.log(1)")
    media.mkdir()
    (media / "pic.png").write_bytes(b"\x89PNG")

    @asynccontextmanager
    async def given() -> AsyncIterator[ApiServices]:
        yield services

    app = build_api(given, spa_dir=spa, media_dir=media)
    async with AsyncTestClient(app=app) as api:
        for page in ("/", "/dashboard", "/jobdetails/5", "/jobs", "/jobs/"):
            response = await api.get(page)
            assert response.status_code == 200, page
            assert response.text == INDEX
            assert response.headers["cache-control"] == "no-cache"
        asset = await api.get("/assets/index-3f9a1c2b.js")
        assert asset.text == "console.log(1)"
        assert "immutable" in asset.headers["cache-control"]
        assert (await api.get("/assets/missing-12345678.js")).status_code == 404
        assert (await api.get("/media/pic.png")).content == b"\x89PNG"
        assert (await api.get("/media/../dist/index.html")).status_code == 404
        assert (await api.get("/jobs/job-industries/")).json()[0]["id"] > 0
        assert (
            (await api.get("/api/v1/nope"))
            .headers["content-type"]
            .startswith("application/problem+json")
        )
        unknown_job = await api.get("/jobs/999999")
        assert unknown_job.status_code == 401  # an API route: never the index
