"""The benchmark's server runs one worker process more than the machine has cores."""

from __future__ import annotations

import pytest
from bench import run


@pytest.mark.parametrize(("cores", "workers"), [(2, 3), (8, 9), (None, 2)])
def test_one_worker_more_than_the_cores(
    monkeypatch: pytest.MonkeyPatch, cores: int | None, workers: int
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    assert run.server_workers() == workers
