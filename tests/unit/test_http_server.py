"""One send per response (``entrypoints/http_server.py``): uvicorn's protocol over a recording
transport, no sockets."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from entrypoints.http_server import JoinedWrites, JoinedWritesProtocol


class RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("10.0.0.7", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)


async def app(scope: Any, receive: Any, send: Any) -> None:
    assert scope["type"] == "http"
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
    )
    await send({"type": "http.response.body", "body": b"ok"})


async def test_a_response_head_and_body_leave_in_one_write() -> None:
    config = Config(app=app, http=JoinedWritesProtocol, lifespan="off", log_config=None)
    protocol = JoinedWritesProtocol(config=config, server_state=ServerState(), app_state={})
    transport = RecordingTransport()
    protocol.connection_made(transport)
    for _ in range(2):
        protocol.data_received(b"GET /x HTTP/1.1\r\nHost: t\r\n\r\n")
        for _ in range(5):
            await asyncio.sleep(0)
    assert len(transport.writes) == 2  # one per response, not two
    for written in transport.writes:
        assert written.startswith(b"HTTP/1.1 200 OK\r\n")
        assert written.endswith(b"\r\n\r\nok")
    protocol.connection_lost(None)
    assert transport.closed


async def test_writes_of_one_step_are_joined_and_close_flushes_first() -> None:
    transport = RecordingTransport()
    joined = JoinedWrites(transport, asyncio.get_running_loop())
    joined.write(b"a")
    joined.write(bytearray(b"b"))
    assert transport.writes == []
    await asyncio.sleep(0)
    assert transport.writes == [b"ab"]
    joined.write(b"c")
    joined.close()
    assert transport.writes == [b"ab", b"c"]
    assert transport.closed
    joined.write(b"late")
    await asyncio.sleep(0)
    assert transport.writes == [b"ab", b"c"]  # a closed transport is not written to
    assert joined.get_extra_info("peername") == ("10.0.0.7", 50000)  # the rest is delegated
