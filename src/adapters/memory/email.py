"""An e-mail sender that records messages, so tests can read what a user received."""

from __future__ import annotations

from paeshift_core.domain.errors import Unavailable
from paeshift_core.ports.email import EmailMessage


class MemoryEmailSender:
    """Keeps every sent message in ``sent``; ``fail`` makes sending raise ``Unavailable``."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.fail = False

    async def send(self, message: EmailMessage) -> None:
        if self.fail:
            raise Unavailable("the in-memory mailer is set to fail")
        self.sent.append(message)

    def to(self, address: str) -> list[EmailMessage]:
        wanted = address.strip().lower()
        return [m for m in self.sent if m.to == wanted]

    def last_code(self, address: str, purpose: str | None = None) -> str:
        """The newest one-time code e-mailed to ``address`` (optionally of one purpose)."""
        for message in reversed(self.to(address)):
            code = message.tag("code")
            if code is not None and (purpose is None or message.tag("purpose") == purpose):
                return code
        raise LookupError(f"no code was sent to {address} for {purpose or 'any purpose'}")
