"""uvicorn's HTTP protocol, with a response's head and body sent in one ``send(2)``.

uvicorn (httptools) writes the status line and headers to the socket when the response
starts, then the body: two system calls per response, each a full trip through the kernel's
TCP stack. On the benchmark machine (a Firecracker VM) one loopback send of 200 bytes costs
~18 µs, a tenth of the CPU of a cached read, and the two sends were 12 % of a server worker's
samples in a py-spy profile of the cached job detail. Here the writes made during one step of
the event loop are joined and handed to the transport once the step ends (``call_soon``): a
response's start and body are sent in the same step, so they leave in one send. Closing
flushes first; everything else (flow control, addresses, TLS) is the transport's own.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class JoinedWrites:
    """A transport whose writes within one event-loop step go out as one."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))

    def flush(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending = []
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class JoinedWritesProtocol(HttpToolsProtocol):
    """``uvicorn.run(http=JoinedWritesProtocol)``: httptools with :class:`JoinedWrites`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        joined: Any = JoinedWrites(transport, self.loop)
        super().connection_made(joined)
