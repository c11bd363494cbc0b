"""Outgoing e-mail."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen


@frozen
class EmailMessage:
    """A plain-text message.

    ``tags`` are machine-readable facts about the message (e.g. ``("purpose", "registration")``,
    ``("code", "123456")`` for one-time codes) that development adapters print or record; real
    senders do not transmit them.
    """

    to: str
    subject: str
    body: str
    tags: tuple[tuple[str, str], ...] = ()

    def tag(self, name: str) -> str | None:
        return next((value for key, value in self.tags if key == name), None)


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Deliver or raise ``Unavailable``."""
        ...
