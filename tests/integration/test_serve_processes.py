"""``paeshift serve --workers 2`` as a real process tree on a fresh embedded directory.

The parent prepares the SQLite file, the catalog and the signing secret once before the
workers start (two workers doing it at once can race, depending on timing, so this test
cannot force the race; it shows the multi-worker start serves one consistent catalog)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

STARTUP_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "PAESHIFT_VAR_DIR": str(tmp_path / "var"), "PAESHIFT_LOG_LEVEL": "WARNING"}
    for name in ("PAESHIFT_DATABASE_URL", "PAESHIFT_REDIS_URL", "PAESHIFT_JWT_SECRET"):
        env.pop(name, None)
    command = [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--workers", "2"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("the service did not become ready")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_two_workers_on_a_fresh_embedded_directory(served: str) -> None:
    # Many requests over new connections reach both workers; all must agree.
    for _ in range(20):
        with httpx.Client(base_url=served, timeout=5) as client:
            ready = client.get("/health/ready")
            assert ready.status_code == 200
            items = client.get("/api/v1/catalog/industries").json()["items"]
            assert [i["name"] for i in items].count("Hospitality") == 1
