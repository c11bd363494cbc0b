"""Profile pictures: JPEG, PNG or WebP of at most 5 MiB (DOMAIN.md Identity and profiles).

The type is decided by the file's content (its magic bytes), never by its name or by the
content type a client claims, so a text file named ``.png`` is refused and a PNG named
``.jpg`` is stored as the PNG it is. Stored files get a fresh unguessable key each time, so
a replaced picture's URL never shows the new one and caches never serve a stale image.
"""

from __future__ import annotations

import enum
import secrets

from attrs import field, frozen

from paeshift_core.domain.errors import InvalidInput

MAX_PICTURE_BYTES = 5 * 1024 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


class PictureFormat(enum.Enum):
    """The accepted formats: ``(content type, file extension)``."""

    JPEG = ("image/jpeg", "jpg")
    PNG = ("image/png", "png")
    WEBP = ("image/webp", "webp")

    @property
    def content_type(self) -> str:
        return self.value[0]

    @property
    def extension(self) -> str:
        return self.value[1]


def sniff_format(data: bytes) -> PictureFormat | None:
    """The format the bytes start with; WebP is ``RIFF<size>WEBP``."""
    if data.startswith(_JPEG):
        return PictureFormat.JPEG
    if data.startswith(_PNG):
        return PictureFormat.PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return PictureFormat.WEBP
    return None


def _sniffed(data: bytes) -> PictureFormat:
    if not data:
        raise InvalidInput("picture", "is empty")
    if len(data) > MAX_PICTURE_BYTES:
        raise InvalidInput("picture", f"must be at most {MAX_PICTURE_BYTES // (1024 * 1024)} MB")
    found = sniff_format(data)
    if found is None:
        raise InvalidInput("picture", "must be a JPEG, PNG or WebP image")
    return found


@frozen
class Picture:
    """An uploaded picture, checked by content and size in the constructor."""

    data: bytes = field(repr=False)
    format: PictureFormat = field(init=False)

    @format.default
    def _format(self) -> PictureFormat:
        return _sniffed(self.data)

    def new_key(self, user_id: int) -> str:
        """``pictures/<user id>/<128 random bits>.<ext>``: unguessable, never reused."""
        return f"pictures/{user_id}/{secrets.token_hex(16)}.{self.format.extension}"
