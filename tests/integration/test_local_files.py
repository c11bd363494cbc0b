"""The local-disk file store: the file store contract on a temporary directory, plus what only
a disk has: atomic replacement, no temporary files left behind, symlinks that lead out of the
root, and write errors surfacing as ``Unavailable``. No server is needed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adapters.files.local import FILE_MODE, LocalFileStore
from paeshift_core.domain.errors import Unavailable
from tests.contracts.files import KEY, Files, FileStoreContract


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "media")


@pytest.fixture
def files(store: LocalFileStore) -> Files:
    def read(key: str) -> bytes | None:
        path = store.path_of(key)
        return path.read_bytes() if path.is_file() else None

    return Files(store, read)


class TestLocalFileStore(FileStoreContract):
    pass


def _everything_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


async def test_a_write_leaves_only_the_final_file_readable_by_others(
    store: LocalFileStore,
) -> None:
    await store.put(KEY, b"\x89PNG data", "image/png")
    await store.put(KEY, b"\x89PNG newer data", "image/png")
    assert _everything_under(store.root) == {KEY}
    assert (store.root / KEY).stat().st_mode & 0o777 == FILE_MODE


async def test_a_failed_write_keeps_the_old_file_and_leaves_no_part(
    store: LocalFileStore,
) -> None:
    """Renaming onto a directory fails after the data was written: the temporary file goes."""
    await store.put("pictures/1/kept.png", b"old", "image/png")
    (store.root / "pictures/1/taken.png").mkdir()
    with pytest.raises(Unavailable, match="could not store"):
        await store.put("pictures/1/taken.png", b"new", "image/png")
    assert _everything_under(store.root) == {"pictures/1/kept.png"}
    assert (store.root / "pictures/1/kept.png").read_bytes() == b"old"


async def test_a_symlink_out_of_the_root_is_not_followed(
    store: LocalFileStore, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    store.root.mkdir(parents=True)
    os.symlink(outside, store.root / "pictures")
    with pytest.raises(ValueError, match="leaves the store"):
        await store.put(KEY, b"data", "image/png")
    assert not any(outside.iterdir())


async def test_urls_are_under_the_configured_base(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path, base_url="https://cdn.example/media/")
    assert store.url_for(KEY) == f"https://cdn.example/media/{KEY}"
    assert store.key_for(f"https://cdn.example/media/{KEY}") == KEY
    assert store.key_for(f"/media/{KEY}") is None
