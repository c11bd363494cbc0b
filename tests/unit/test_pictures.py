"""Profile pictures: checked by content, stored through the ``FileStore`` port, old files
deleted after the commit (DOMAIN.md Identity and profiles)."""

from __future__ import annotations

import logging

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from adapters.memory.files import MemoryFileStore
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps, Principal
from paeshift_core.domain.errors import InvalidInput, NotFound, Unavailable
from paeshift_core.domain.pictures import MAX_PICTURE_BYTES, Picture, PictureFormat, sniff_format
from paeshift_core.domain.users import ProfileUpdated, Role, User
from tests.unit.accounts import Accounts
from tests.unit.sample_pictures import JPEG, PNG, WEBP

MAGIC = {PictureFormat.JPEG: JPEG[:3], PictureFormat.PNG: PNG[:8]}


@pytest.fixture
def files(deps: Deps) -> MemoryFileStore:
    assert isinstance(deps.files, MemoryFileStore)
    return deps.files


@pytest.mark.parametrize(
    ("data", "expected"),
    [(JPEG, PictureFormat.JPEG), (PNG, PictureFormat.PNG), (WEBP, PictureFormat.WEBP)],
)
def test_the_format_comes_from_the_bytes(data: bytes, expected: PictureFormat) -> None:
    picture = Picture(data)
    assert picture.format is expected
    assert picture.format.content_type == f"image/{expected.name.lower()}"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"just some text, saved as avatar.png", "JPEG, PNG or WebP"),
        (b"GIF89a" + bytes(20), "JPEG, PNG or WebP"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(20), "JPEG, PNG or WebP"),  # RIFF, not WebP
        (b"\x89PNG\r\n", "JPEG, PNG or WebP"),  # a truncated signature
        (PNG + bytes(MAX_PICTURE_BYTES + 1 - len(PNG)), "at most 5 MB"),
    ],
)
def test_anything_else_is_refused_naming_the_picture(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason) as refused:
        Picture(data)
    assert refused.value.field == "picture"


def test_exactly_the_limit_is_accepted() -> None:
    assert len(Picture(PNG + bytes(MAX_PICTURE_BYTES - len(PNG))).data) == MAX_PICTURE_BYTES


@given(st.binary(max_size=64))
def test_bytes_without_a_signature_are_refused(data: bytes) -> None:
    assume(not data.startswith((*MAGIC.values(), b"RIFF")))
    assert sniff_format(data) is None
    with pytest.raises(InvalidInput):
        Picture(data)


@given(st.binary(min_size=4, max_size=4), st.binary(max_size=32))
def test_riff_is_a_picture_only_when_it_says_webp(size: bytes, rest: bytes) -> None:
    assert sniff_format(b"RIFF" + size + rest) is (
        PictureFormat.WEBP if rest.startswith(b"WEBP") else None
    )


@given(st.sampled_from(sorted(MAGIC, key=str)), st.binary(max_size=64))
def test_a_signature_decides_whatever_follows(fmt: PictureFormat, tail: bytes) -> None:
    assert Picture(MAGIC[fmt] + tail).format is fmt


def test_new_keys_are_unguessable_and_carry_the_real_extension() -> None:
    picture = Picture(PNG)
    first, second = picture.new_key(7), picture.new_key(7)
    assert first != second
    assert first.startswith("pictures/7/")
    assert first.endswith(".png")
    assert len(first.rsplit("/", 1)[1]) == 32 + len(".png")


async def test_setting_a_picture_stores_it_and_publishes_its_url(
    use_cases: UseCases, accounts: Accounts, files: MemoryFileStore, store: MemoryStore
) -> None:
    account = await accounts.applicant()
    user = await use_cases.pictures.set_picture(account.principal, PNG)
    assert user.picture is not None
    key = files.key_for(user.picture)
    assert key is not None
    assert key.startswith(f"pictures/{account.user_id}/")
    assert files.files[key].data == PNG
    assert files.files[key].content_type == "image/png"
    assert (await use_cases.profiles.me(account.principal)).picture == user.picture
    assert (await use_cases.public_profiles.get(account.user_id)).picture == user.picture
    assert ProfileUpdated.event_name() in [e.event.name for e in store.outbox]


async def test_a_new_picture_deletes_the_old_file_after_the_commit(
    use_cases: UseCases, accounts: Accounts, files: MemoryFileStore
) -> None:
    account = await accounts.client()
    first = await use_cases.pictures.set_picture(account.principal, PNG)
    second = await use_cases.pictures.set_picture(account.principal, JPEG)
    assert first.picture != second.picture
    assert second.picture is not None
    assert second.picture.endswith(".jpg")
    assert list(files.files) == [files.key_for(second.picture)]


async def test_removing_the_picture_deletes_its_file(
    use_cases: UseCases, accounts: Accounts, files: MemoryFileStore
) -> None:
    account = await accounts.client()
    await use_cases.pictures.set_picture(account.principal, WEBP)
    removed = await use_cases.pictures.remove_picture(account.principal)
    assert removed.picture is None
    assert files.files == {}
    assert (await use_cases.profiles.me(account.principal)).picture is None
    again = await use_cases.pictures.remove_picture(account.principal)  # nothing to remove
    assert again.picture is None


async def test_a_refused_file_changes_nothing(
    use_cases: UseCases, accounts: Accounts, files: MemoryFileStore
) -> None:
    account = await accounts.client()
    kept = await use_cases.pictures.set_picture(account.principal, PNG)
    with pytest.raises(InvalidInput):
        await use_cases.pictures.set_picture(account.principal, b"<svg onload=alert(1)>")
    assert (await use_cases.profiles.me(account.principal)).picture == kept.picture
    assert len(files.files) == 1


async def test_storage_down_is_unavailable_and_changes_nothing(
    use_cases: UseCases, accounts: Accounts, files: MemoryFileStore
) -> None:
    account = await accounts.client()
    files.fail_puts = True
    with pytest.raises(Unavailable):
        await use_cases.pictures.set_picture(account.principal, PNG)
    assert (await use_cases.profiles.me(account.principal)).picture is None


async def test_a_failed_delete_of_the_old_file_is_logged_not_raised(
    use_cases: UseCases,
    accounts: Accounts,
    files: MemoryFileStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    account = await accounts.client()
    first = await use_cases.pictures.set_picture(account.principal, PNG)
    files.fail_deletes = True
    with caplog.at_level(logging.WARNING, logger="paeshift_core.application.pictures"):
        second = await use_cases.pictures.set_picture(account.principal, JPEG)
    assert second.picture != first.picture
    assert len(files.files) == 2  # the old file is left behind, not the user's new picture
    assert "left behind" in caplog.text


async def test_a_new_file_whose_user_row_never_changed_is_removed(
    use_cases: UseCases, files: MemoryFileStore
) -> None:
    with pytest.raises(NotFound):
        await use_cases.pictures.set_picture(Principal(user_id=999, role=Role.CLIENT), PNG)
    assert files.files == {}


async def test_a_failed_commit_keeps_the_user_and_the_old_file(
    use_cases: UseCases, accounts: Accounts, files: MemoryFileStore, store: MemoryStore
) -> None:
    """The commit's outcome is unknown to the core, so the new file may stay (an orphan is
    harmless; deleting a file a committed row points at would not be)."""
    account = await accounts.client()
    first = await use_cases.pictures.set_picture(account.principal, PNG)
    store.fail_commits = True
    with pytest.raises(Unavailable):
        await use_cases.pictures.set_picture(account.principal, JPEG)
    store.fail_commits = False
    assert (await use_cases.profiles.me(account.principal)).picture == first.picture
    assert files.key_for(first.picture or "") in files.files


async def test_a_picture_url_from_elsewhere_is_replaced_without_deleting(
    use_cases: UseCases, accounts: Accounts, files: MemoryFileStore, store: MemoryStore
) -> None:
    """Imported profiles may point at another host; only our own files are deleted."""
    account = await accounts.client()
    await files.put("pictures/keep/me.png", PNG, "image/png")
    user = store.table("users")[account.user_id]
    assert isinstance(user, User)
    user.picture = "https://legacy.example/media/pictures/keep/me.png"
    await use_cases.pictures.set_picture(account.principal, JPEG)
    assert "pictures/keep/me.png" in files.files
