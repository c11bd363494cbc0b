"""The SMTP e-mail adapter against a real local SMTP server (aiosmtpd on the loopback)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from adapters.email.smtp import SmtpConfig, SmtpEmailSender
from paeshift_core.domain.errors import Unavailable
from paeshift_core.ports.email import EmailMessage


class Inbox:
    """aiosmtpd handler keeping every message it accepted."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[Message]:
        found = []
        for envelope in self.envelopes:
            content = envelope.content or b""
            raw = content.encode() if isinstance(content, str) else bytes(content)
            found.append(message_from_bytes(raw))
        return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_the_smtp_server_receives_the_message(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    sender = SmtpEmailSender(
        SmtpConfig(host="127.0.0.1", port=port, security="none", sender="Paeshift <n@paeshift.ng>")
    )
    await sender.send(
        EmailMessage(
            to="ada@example.com",
            subject="Application accepted",
            body="You have been accepted for “Waiters for a wedding”.",
            tags=(("category", "application_accepted"),),
        )
    )
    for _ in range(50):  # the controller's thread stores the message
        if inbox.envelopes:
            break
        await asyncio.sleep(0.02)
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["ada@example.com"]
    assert envelope.mail_from == "n@paeshift.ng"
    (received,) = inbox.messages()
    assert received["Subject"] == "Application accepted"
    assert received["To"] == "ada@example.com"
    body = received.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert "Waiters for a wedding" in body.decode("utf-8")
    assert "application_accepted" not in received.as_string()  # tags are not transmitted


async def test_an_unreachable_server_is_unavailable() -> None:
    sender = SmtpEmailSender(
        SmtpConfig(host="127.0.0.1", port=free_port(), security="none", timeout_s=2)
    )
    with pytest.raises(Unavailable):
        await sender.send(EmailMessage(to="ada@example.com", subject="Hi", body="Hello"))


def test_an_unknown_security_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="security"):
        SmtpEmailSender(SmtpConfig(host="mail.example.com", security="ssl3"))
