"""A picture uploaded through ``PUT /api/v1/me/picture`` onto the local-disk store is served
back at its URL under ``/media/`` (COMPAT_API.md: ``/media/...``, also ``//media/...``) from
the same directory, and is gone once replaced. Memory wiring except for the file store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import attrs
from litestar.testing import AsyncTestClient

from adapters.files.local import LocalFileStore
from adapters.http.api import build_api
from adapters.http.idempotency import MemoryIdempotencyStore
from adapters.http.services import ApiServices
from adapters.memory.email import MemoryEmailSender
from entrypoints.bootstrap import build_use_cases, memory_deps
from tests.unit.accounts import Accounts
from tests.unit.sample_pictures import JPEG, PNG


async def test_an_uploaded_picture_is_served_from_the_media_directory(tmp_path: Path) -> None:
    media = tmp_path / "media"
    deps = attrs.evolve(memory_deps(), files=LocalFileStore(media))
    use_cases = build_use_cases(deps)
    assert isinstance(deps.email, MemoryEmailSender)
    account = await Accounts(use_cases, deps.email).applicant()
    services = ApiServices(
        core=use_cases, clock=deps.clock, idempotency=MemoryIdempotencyStore(deps.clock)
    )

    @asynccontextmanager
    async def given() -> AsyncIterator[ApiServices]:
        yield services

    headers = {"Authorization": f"Bearer {account.tokens.access_token}"}
    async with AsyncTestClient(app=build_api(given, media_dir=media)) as api:
        uploaded = await api.put(
            "/api/v1/me/picture",
            files={"file": ("selfie.jpg", PNG, "image/jpeg")},
            headers=headers,
        )
        assert uploaded.status_code == 200, uploaded.text
        url = uploaded.json()["picture"]
        served = await api.get(url)
        assert served.status_code == 200
        assert served.content == PNG
        assert served.headers["content-type"] == "image/png"
        assert (await api.get(f"{api.base_url}/{url}")).content == PNG  # legacy ``//media/``

        replaced = await api.put(
            "/api/v1/me/picture", files={"file": ("b.jpg", JPEG, "image/jpeg")}, headers=headers
        )
        assert (await api.get(replaced.json()["picture"])).content == JPEG
        assert (await api.get(url)).status_code == 404
    stored = [p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()]
    assert stored == [replaced.json()["picture"].removeprefix("/media/")]
