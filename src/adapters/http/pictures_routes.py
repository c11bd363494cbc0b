"""``/api/v1/me/picture``: the caller's profile picture (DOMAIN.md Identity and profiles).

A ``multipart/form-data`` upload with one ``file`` part. The file's name and the content type
the client claims are ignored: the core checks the bytes (JPEG / PNG / WebP, at most 5 MiB).
At most one byte more than the limit is read, and a request body much larger than a picture
is refused by the framework (413) before it is parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, delete, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from adapters.http.auth import AUTHENTICATED, Caller, Services
from adapters.http.me_routes import MeOut
from adapters.http.problems import documented
from paeshift_core.domain.pictures import MAX_PICTURE_BYTES

#: Room for the multipart framing and headers around the largest accepted picture.
MAX_UPLOAD_BODY = MAX_PICTURE_BYTES + 64 * 1024


async def read_upload(upload: UploadFile) -> bytes:
    """The file's bytes, at most one past the picture limit (so the core can refuse it)."""
    try:
        return await upload.read(MAX_PICTURE_BYTES + 1)
    finally:
        await upload.close()


@dataclass
class PictureUpload:
    """The picture file (JPEG, PNG or WebP, at most 5 MiB; checked by content)."""

    file: UploadFile


class MePictureController(Controller):
    path = "/me/picture"
    tags = ["me"]
    security = AUTHENTICATED

    @put(
        "",
        request_max_body_size=MAX_UPLOAD_BODY,
        responses=documented(401, 413),
        summary="Upload a new profile picture",
    )
    async def upload(
        self,
        data: Annotated[PictureUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        principal: Caller,
        services: Services,
    ) -> MeOut:
        """Replaces the current picture; ``picture`` in the answer is its new URL."""
        content = await read_upload(data.file)
        return MeOut.of(await services.core.pictures.set_picture(principal, content))

    @delete("", status_code=200, responses=documented(401), summary="Remove the profile picture")
    async def remove(self, principal: Caller, services: Services) -> MeOut:
        return MeOut.of(await services.core.pictures.remove_picture(principal))
