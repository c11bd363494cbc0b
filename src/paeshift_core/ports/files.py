"""Stored files: profile pictures (DOMAIN.md Identity and profiles).

A *key* is a relative path of safe segments (``pictures/12/3f9c….png``) made by the core;
adapters refuse any other key (no absolute paths, no ``..``), so nothing lands outside their
root. The *URL* is where a browser loads the file; the aggregate keeps the URL, and
``key_for`` maps it back so the core can delete a file it replaced.
"""

from __future__ import annotations

from typing import Protocol


class FileStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key`` whole or not at all; raise ``Unavailable`` on failure."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error (deleting is idempotent)."""
        ...

    def url_for(self, key: str) -> str:
        """The URL the file is served at (e.g. ``/media/<key>``)."""
        ...

    def key_for(self, url: str) -> str | None:
        """The key of a URL this store handed out, ``None`` for any other URL."""
        ...
