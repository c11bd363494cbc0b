"""``PUT/DELETE /api/v1/me/picture`` and the compat profile update's picture file: the type
comes from the bytes, never from the file name or the claimed content type."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.http.pictures_routes import MAX_UPLOAD_BODY
from adapters.memory.email import MemoryEmailSender
from adapters.memory.files import MemoryFileStore
from paeshift_core.application.context import Deps
from paeshift_core.domain.pictures import MAX_PICTURE_BYTES
from tests.unit.accounts import Accounts
from tests.unit.http.compat.legacy import sign_up
from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client
from tests.unit.sample_pictures import JPEG, PNG

URL = "/api/v1/me/picture"


@pytest.fixture
def files(deps: Deps) -> MemoryFileStore:
    assert isinstance(deps.files, MemoryFileStore)
    return deps.files


def upload(name: str, data: bytes, claimed: str = "image/jpeg") -> dict[str, Any]:
    return {"files": {"file": (name, data, claimed)}}


async def _upload(api: Client, headers: Headers, name: str, data: bytes) -> Any:
    return await api.put(URL, headers=headers, **upload(name, data))


async def test_a_png_named_jpg_is_stored_as_png_and_shown_everywhere(
    api: Client, login: Login, files: MemoryFileStore
) -> None:
    headers = await login("applicant")
    response = await _upload(api, headers, "holiday.jpg", PNG)
    assert response.status_code == 200, response.text
    picture = response.json()["picture"]
    assert picture.startswith("/media/pictures/")
    assert picture.endswith(".png")
    key = files.key_for(picture)
    assert key is not None
    assert files.files[key].data == PNG
    assert files.files[key].content_type == "image/png"
    me = (await api.get("/api/v1/me", headers=headers)).json()
    assert me["picture"] == picture
    public = (await api.get(f"/api/v1/users/{me['id']}")).json()
    assert public["picture"] == picture


async def test_a_new_upload_replaces_the_file_and_delete_removes_it(
    api: Client, login: Login, files: MemoryFileStore
) -> None:
    headers = await login("client")
    first = (await _upload(api, headers, "a.png", PNG)).json()["picture"]
    second = (await _upload(api, headers, "b.png", JPEG)).json()["picture"]
    assert first != second
    assert list(files.files) == [files.key_for(second)]
    removed = await api.delete(URL, headers=headers)
    assert removed.status_code == 200
    assert removed.json()["picture"] is None
    assert files.files == {}


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("avatar.png", b"I am only text, whatever my name says", "JPEG, PNG or WebP"),
        ("big.png", PNG + bytes(MAX_PICTURE_BYTES + 1 - len(PNG)), "at most 5 MB"),
        ("empty.png", b"", "empty"),
    ],
)
async def test_files_that_are_not_accepted_pictures_are_422_naming_the_picture(
    api: Client, login: Login, files: MemoryFileStore, name: str, data: bytes, reason: str
) -> None:
    headers = await login("client")
    response = await _upload(api, headers, name, data)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "invalid_input"
    assert problem["detail"].startswith("picture:")
    assert reason in problem["detail"]
    assert files.files == {}


async def test_a_body_far_beyond_a_picture_is_refused_before_parsing(
    api: Client, login: Login, files: MemoryFileStore
) -> None:
    headers = await login("client")
    response = await _upload(api, headers, "huge.png", PNG + bytes(MAX_UPLOAD_BODY))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert files.files == {}


async def test_an_upload_without_a_file_part_names_the_missing_field(
    api: Client, login: Login
) -> None:
    headers = await login("client")
    response = await api.put(URL, headers=headers, files={"picture": ("a.png", PNG, "image/png")})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


async def test_the_compat_profile_update_stores_the_picture_file(
    api: Client, mailer: MemoryEmailSender, accounts: Accounts, files: MemoryFileStore
) -> None:
    user = await sign_up(api, mailer, accounts, "applicant")
    form = {"user_id": str(user.user_id), "bio": "With a face now"}
    updated = await api.post(
        "/accountsapp/profile/update",
        data=form,
        files={"profile_picture": ("me.jpeg", PNG, "image/jpeg")},
        headers=user.headers,
    )
    assert updated.status_code == 200, updated.text
    url = updated.json()["profile_pic_url"]
    assert url.endswith(".png")
    assert files.key_for(url) in files.files
    assert updated.json()["bio"] == "With a face now"
    whoami = await api.get(f"/accountsapp/whoami/{user.user_id}", headers=user.headers)
    assert whoami.json()["profile_pic_url"] == url
    pictures = await api.get(
        "/accountsapp/user_profile_pictures_full",
        params={"user_id": user.user_id},
        headers=user.headers,
    )
    assert [p["url"] for p in pictures.json()] == [url]


async def test_the_compat_profile_update_refuses_a_bad_file_before_changing_anything(
    api: Client, mailer: MemoryEmailSender, accounts: Accounts, files: MemoryFileStore
) -> None:
    user = await sign_up(api, mailer, accounts, "client")
    refused = await api.post(
        "/accountsapp/profile/update",
        data={"user_id": str(user.user_id), "bio": "Changed?"},
        files={"profile_picture": ("me.png", b"#!/bin/sh\necho hi", "image/png")},
        headers=user.headers,
    )
    assert refused.status_code == 400  # the legacy front end shows 400 messages
    assert "picture" in refused.text
    whoami = (await api.get(f"/accountsapp/whoami/{user.user_id}", headers=user.headers)).json()
    assert whoami["bio"] == "Reliable"
    assert whoami["profile_pic_url"] == ""
    assert files.files == {}
