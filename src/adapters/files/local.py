"""Files on the local disk under one root directory (``PAESHIFT_MEDIA_DIR``, default
``var/media``), served by the app at ``/media/<key>`` (adapters/http/spa.py).

A write goes to a temporary file in the target directory, is flushed to disk and renamed over
the final name, so readers see the whole old file or the whole new one, never a part. Disk I/O
runs in a worker thread so the event loop never blocks on it. Several processes may share the
directory (the rename is atomic on one file system).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from adapters.files import keys
from paeshift_core.domain.errors import Unavailable

#: Readable by a reverse proxy serving ``/media`` directly (mkstemp makes files 0600).
FILE_MODE = 0o644


class LocalFileStore:
    def __init__(self, root: Path, *, base_url: str = "/media") -> None:
        self.root = root.resolve()
        self._base_url = base_url

    def path_of(self, key: str) -> Path:
        """The file of ``key``; refused (``ValueError``) unless it lies inside the root."""
        path = (self.root / keys.checked_key(key)).resolve()
        if not path.is_relative_to(self.root):  # e.g. a symlinked directory inside the root
            raise ValueError(f"file key {key!r} leaves the store's directory")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """``content_type`` is not kept: the key's extension carries it (the core derives both
        from the bytes) and the server answers with the type of the extension."""
        keys.checked_key(key)
        try:
            await asyncio.to_thread(self._put, key, data)
        except OSError as exc:
            raise Unavailable(f"could not store file {key}: {exc.strerror}") from exc

    async def delete(self, key: str) -> None:
        keys.checked_key(key)
        try:
            await asyncio.to_thread(self._delete, key)
        except OSError as exc:
            raise Unavailable(f"could not delete file {key}: {exc.strerror}") from exc

    def url_for(self, key: str) -> str:
        return keys.url_for(self._base_url, key)

    def key_for(self, url: str) -> str | None:
        return keys.key_for(self._base_url, url)

    def _put(self, key: str, data: bytes) -> None:
        path = self.path_of(key)  # resolving follows links: disk I/O too, so in the thread
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, data)

    def _delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
