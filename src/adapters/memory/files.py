"""A file store in a dict: the reference adapter of the ``FileStore`` port for unit tests."""

from __future__ import annotations

from attrs import frozen

from adapters.files import keys
from paeshift_core.domain.errors import Unavailable

DEFAULT_BASE_URL = "/media"


@frozen
class StoredFile:
    data: bytes
    content_type: str


class MemoryFileStore:
    """Files by key in ``files``; ``fail_puts`` / ``fail_deletes`` make those raise
    ``Unavailable`` (to test what the core does when storage is down)."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL) -> None:
        self.files: dict[str, StoredFile] = {}
        self.fail_puts = False
        self.fail_deletes = False
        self._base_url = base_url

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        keys.checked_key(key)
        if self.fail_puts:
            raise Unavailable("the in-memory file store is set to fail")
        self.files[key] = StoredFile(bytes(data), content_type)

    async def delete(self, key: str) -> None:
        keys.checked_key(key)
        if self.fail_deletes:
            raise Unavailable("the in-memory file store is set to fail")
        self.files.pop(key, None)

    def url_for(self, key: str) -> str:
        return keys.url_for(self._base_url, key)

    def key_for(self, url: str) -> str | None:
        return keys.key_for(self._base_url, url)
