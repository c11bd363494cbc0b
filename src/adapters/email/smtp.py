"""Production e-mail over SMTP with aiosmtplib (DOMAIN.md Notifications: SMTP in production).

One connection per message (notifications are few and sent from the worker); STARTTLS or
implicit TLS as configured. Any SMTP or network failure becomes ``Unavailable``, so the task
engine retries the delivery (the in-app notification is never duplicated by that retry).
The message's ``tags`` are for development adapters and are not transmitted.
"""

from __future__ import annotations

from email.message import EmailMessage as MimeMessage
from email.utils import formatdate, make_msgid

import aiosmtplib
from attrs import frozen

from paeshift_core.domain.errors import Unavailable
from paeshift_core.ports.email import EmailMessage


@frozen(kw_only=True)
class SmtpConfig:
    host: str
    port: int = 587
    sender: str = "Paeshift <no-reply@paeshift.ng>"
    username: str | None = None
    password: str | None = None
    #: ``starttls`` (upgrade after connecting), ``tls`` (implicit, port 465) or ``none``.
    security: str = "starttls"
    timeout_s: float = 10.0


class SmtpEmailSender:
    def __init__(self, config: SmtpConfig) -> None:
        if config.security not in {"starttls", "tls", "none"}:
            raise ValueError("SMTP security must be starttls, tls or none")
        self._config = config

    def mime(self, message: EmailMessage) -> MimeMessage:
        mime = MimeMessage()
        mime["From"] = self._config.sender
        mime["To"] = message.to
        mime["Subject"] = message.subject
        mime["Date"] = formatdate(localtime=False)
        mime["Message-ID"] = make_msgid(domain="paeshift.ng")
        mime.set_content(message.body)
        return mime

    async def send(self, message: EmailMessage) -> None:
        config = self._config
        try:
            await aiosmtplib.send(
                self.mime(message),
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password,
                use_tls=config.security == "tls",
                start_tls=config.security == "starttls",
                timeout=config.timeout_s,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise Unavailable(f"the SMTP server did not take the message: {exc}") from exc
