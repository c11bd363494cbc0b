"""Profile pictures through the ``FileStore`` port (DOMAIN.md Identity and profiles).

The file is stored before the user row changes and the replaced file is deleted only after the
commit, so a committed picture URL always points at a stored file. Cleaning up is best effort
(logged): a file left behind costs disk, a deleted file that is still referenced would show a
broken picture, so a new file is removed only when its commit certainly did not happen.
"""

from __future__ import annotations

import logging

from paeshift_core.application.context import Deps, Principal
from paeshift_core.domain.errors import Conflict
from paeshift_core.domain.pictures import Picture
from paeshift_core.domain.users import User

logger = logging.getLogger(__name__)


class PictureUseCases:
    """The caller's own profile picture (any role)."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def set_picture(self, principal: Principal, data: bytes) -> User:
        """Check ``data`` by content (JPEG / PNG / WebP, at most 5 MiB), store it under a new
        key and make it the caller's picture; the previous file is deleted after the commit."""
        picture = Picture(data)
        files = self._deps.files
        key = picture.new_key(principal.user_id)
        await files.put(key, picture.data, picture.format.content_type)
        committing = False
        try:
            async with self._deps.uow() as uow:
                user = await uow.users.get(principal.user_id, for_update=True)
                previous = user.picture
                user.set_picture(files.url_for(key), self._deps.clock.now())
                committing = True
                await uow.commit()
        except Exception as exc:
            # Before the commit, or a lost race: nothing references the new file.
            if not committing or isinstance(exc, Conflict):
                await self._discard(key)
            raise
        await self._discard_url(previous)
        return user

    async def remove_picture(self, principal: Principal) -> User:
        """The caller has no picture afterwards; the file is deleted after the commit."""
        async with self._deps.uow() as uow:
            user = await uow.users.get(principal.user_id, for_update=True)
            previous = user.picture
            user.set_picture(None, self._deps.clock.now())
            await uow.commit()
        await self._discard_url(previous)
        return user

    async def _discard_url(self, url: str | None) -> None:
        """Only files of our store are deleted (an imported URL is left alone)."""
        key = None if url is None else self._deps.files.key_for(url)
        if key is not None:
            await self._discard(key)

    async def _discard(self, key: str) -> None:
        try:
            await self._deps.files.delete(key)
        except Exception:
            logger.warning("could not delete stored file %s; it is left behind", key, exc_info=True)
