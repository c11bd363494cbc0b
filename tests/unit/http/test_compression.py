"""Gzip of response bodies (``adapters/http/compression.py``), on a bare ASGI app."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from litestar.types import Message, Receive, Scope, Send

from adapters.http.compression import MINIMUM_BYTES, accepts_gzip, compress_responses

BIG = b'{"items": [' + b'{"title": "Night waiters at a hotel party"},' * 60 + b"{}]}"


def _scope(accept: str | None) -> Scope:
    headers = [] if accept is None else [(b"accept-encoding", accept.encode())]
    return {"type": "http", "headers": headers}  # type: ignore[return-value]


async def _respond(
    accept: str | None, chunks: list[bytes], headers: list[tuple[bytes, bytes]] | None = None
) -> list[dict[str, Any]]:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        given = headers or []
        typed = any(k == b"content-type" for k, _ in given)
        start = [*([] if typed else [(b"content-type", b"application/json")]), *given]
        start.append((b"content-length", str(sum(map(len, chunks))).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": start})
        for n, chunk in enumerate(chunks):
            more = n < len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})

    sent: list[dict[str, Any]] = []

    async def send(message: Message) -> None:
        sent.append(dict(message))

    async def receive() -> Any:
        raise AssertionError("not read")

    await compress_responses(app)(_scope(accept), receive, send)
    return sent


def _headers(start: dict[str, Any]) -> dict[bytes, bytes]:
    return dict(start["headers"])


@pytest.mark.parametrize(
    ("accept", "accepted"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("GZIP", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip; q=0.0, br", False),
        ("br, deflate", False),
        (None, False),
    ],
)
def test_accept_encoding_is_read_with_its_quality(accept: str | None, accepted: bool) -> None:
    assert accepts_gzip(_scope(accept)) is accepted


async def test_a_big_body_is_gzipped_with_its_length_and_vary() -> None:
    start, body = await _respond("gzip, br", [BIG], headers=[(b"vary", b"Origin")])
    compressed = body["body"]
    assert gzip.decompress(compressed) == BIG
    assert len(compressed) < len(BIG) // 4
    headers = _headers(start)
    assert headers[b"content-encoding"] == b"gzip"
    assert headers[b"content-length"] == str(len(compressed)).encode()
    assert headers[b"vary"] == b"Origin, Accept-Encoding"
    assert [k for k, _ in start["headers"]].count(b"content-length") == 1


async def test_a_streamed_body_is_gzipped_chunk_by_chunk_without_a_length() -> None:
    start, *chunks = await _respond("gzip", [BIG[:2000], BIG[2000:3000], BIG[3000:]])
    assert gzip.decompress(b"".join(c["body"] for c in chunks)) == BIG
    assert [c["more_body"] for c in chunks] == [True, True, False]
    headers = _headers(start)
    assert headers[b"content-encoding"] == b"gzip"
    assert b"content-length" not in headers


@pytest.mark.parametrize(
    ("accept", "chunks", "headers"),
    [
        ("gzip", [b"x" * (MINIMUM_BYTES - 1)], []),  # too small to be worth it
        (None, [BIG], []),  # not accepted
        ("gzip", [BIG], [(b"content-encoding", b"br")]),  # already encoded
        ("gzip", [BIG], [(b"content-type", b"image/png")]),  # not text
    ],
)
async def test_other_bodies_pass_as_they_are(
    accept: str | None, chunks: list[bytes], headers: list[tuple[bytes, bytes]]
) -> None:
    sent = await _respond(accept, chunks, headers)
    assert b"".join(m["body"] for m in sent[1:]) == b"".join(chunks)
    assert _headers(sent[0]).get(b"content-encoding") in (None, b"br")
