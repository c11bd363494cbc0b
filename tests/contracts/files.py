"""The file store contract: one suite for every ``FileStore`` adapter (memory, local disk).

Subclass :class:`FileStoreContract` and provide a ``files`` fixture: a :class:`Files` over a
fresh, empty store, with ``read`` giving the bytes the adapter holds for a key (``None`` when
it holds none), which the port itself does not offer.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from attrs import frozen

from paeshift_core.ports.files import FileStore

KEY = "pictures/7/0123456789abcdef.png"
#: Keys that could name something outside the store's directory, or that are not ours.
BAD_KEYS = [
    "",
    "/etc/passwd",
    "../outside.png",
    "pictures/../../outside.png",
    "pictures/./7.png",
    "pictures//7.png",
    "pictures/.hidden",
    "pictures\\..\\outside.png",
    "pictures/7/a b.png",
    "pictures/7/\x00.png",
    "/".join(["a" * 100] * 5),  # too long
]


@frozen
class Files:
    store: FileStore
    read: Callable[[str], bytes | None]


class FileStoreContract:
    async def test_stores_and_replaces_whole_files(self, files: Files) -> None:
        await files.store.put(KEY, b"first", "image/png")
        assert files.read(KEY) == b"first"
        await files.store.put(KEY, b"second, longer", "image/png")
        assert files.read(KEY) == b"second, longer"
        assert files.read("pictures/7/other.png") is None

    async def test_deleting_is_idempotent(self, files: Files) -> None:
        await files.store.put(KEY, b"data", "image/png")
        await files.store.delete(KEY)
        assert files.read(KEY) is None
        await files.store.delete(KEY)
        assert files.read(KEY) is None

    def test_urls_map_back_to_their_keys(self, files: Files) -> None:
        url = files.store.url_for(KEY)
        assert url.endswith(KEY)
        assert files.store.key_for(url) == KEY

    @pytest.mark.parametrize(
        "url",
        [
            "https://elsewhere.example/pictures/7/a.png",
            "/static/pictures/7/a.png",
            "/media/../etc/passwd",
            "/media/",
            "",
        ],
    )
    def test_foreign_urls_have_no_key(self, files: Files, url: str) -> None:
        assert files.store.key_for(url) is None

    @pytest.mark.parametrize("key", BAD_KEYS)
    async def test_keys_that_could_escape_are_refused(self, files: Files, key: str) -> None:
        with pytest.raises(ValueError, match="file key"):
            await files.store.put(key, b"data", "image/png")
        with pytest.raises(ValueError, match="file key"):
            await files.store.delete(key)
        with pytest.raises(ValueError, match="file key"):
            files.store.url_for(key)
