"""Periodic clean-up: expired one-time codes and refresh tokens are deleted (DOMAIN.md
Identity: codes and sessions expire; nothing reads them after that)."""

from __future__ import annotations

from attrs import frozen

from paeshift_core.application.context import Deps


@frozen
class Expired:
    codes: int
    refresh_tokens: int


class Maintenance:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def expire_codes_and_tokens(self) -> Expired:
        """Delete codes and refresh tokens whose expiry has passed, in one unit of work."""
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            codes = await uow.codes.delete_expired(now)
            tokens = await uow.refresh_tokens.delete_expired(now)
            await uow.commit()
        return Expired(codes=codes, refresh_tokens=tokens)
