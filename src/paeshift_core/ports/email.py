"""Outgoing e-mail."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen


@frozen
class EmailMessage:
    to: str
    subject: str
    body: str


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Deliver or raise ``Unavailable``."""
        ...
