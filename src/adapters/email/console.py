"""Development e-mail: messages go to the log, one-time codes to a greppable line.

A one-time code is written as one line on ``stream`` (stdout by default)::

    PAESHIFT-CODE email=ada@example.com purpose=registration code=123456

so a script driving the embedded server can fish it out (``grep PAESHIFT-CODE``).
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from paeshift_core.ports.email import EmailMessage

_log = logging.getLogger("paeshift.email")


class ConsoleEmailSender:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(self, message: EmailMessage) -> None:
        _log.info("email to=%s subject=%r\n%s", message.to, message.subject, message.body)
        code = message.tag("code")
        if code is not None:
            stream = self._stream or sys.stdout
            purpose = message.tag("purpose") or "unknown"
            stream.write(f"PAESHIFT-CODE email={message.to} purpose={purpose} code={code}\n")
            stream.flush()
