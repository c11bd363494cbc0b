"""The file-lock node-id lease of the SQLite default (``adapters/system/node_lease.py``).

``flock`` locks belong to open files, not processes, so leases taken in this one process
conflict exactly as those of separate processes would.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest

from adapters.system import node_lease
from adapters.system.node_lease import NODE_COUNT, NoFreeNodeId, file_node_lease, node_scan


def test_two_leases_on_one_directory_hold_different_node_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both scans start at the same id, as two processes' might.
    monkeypatch.setattr(node_lease, "node_scan", lambda: list(range(NODE_COUNT)))
    with file_node_lease(tmp_path) as first, file_node_lease(tmp_path) as second:
        assert (first, second) == (0, 1)
        assert (tmp_path / "node-0.lock").exists()


def test_leases_on_other_directories_do_not_see_each_other(tmp_path: Path) -> None:
    with ExitStack() as stack:
        for _ in range(NODE_COUNT):
            stack.enter_context(file_node_lease(tmp_path / "one"))
        with file_node_lease(tmp_path / "other") as node:
            assert 0 <= node < NODE_COUNT


def test_when_every_id_is_held_a_lease_fails_and_a_freed_id_is_taken_again(
    tmp_path: Path,
) -> None:
    with ExitStack() as stack:
        held = [stack.enter_context(file_node_lease(tmp_path)) for _ in range(NODE_COUNT - 1)]
        with file_node_lease(tmp_path) as last:
            assert sorted([*held, last]) == list(range(NODE_COUNT))
            with pytest.raises(NoFreeNodeId, match=f"all {NODE_COUNT} node ids"):
                stack.enter_context(file_node_lease(tmp_path))
        with file_node_lease(tmp_path) as again:
            assert again == last


def test_a_scan_tries_every_node_id_once_from_varying_starts() -> None:
    scans = [node_scan() for _ in range(20)]
    for scan in scans:
        assert sorted(scan) == list(range(NODE_COUNT))
        assert [(scan[0] + step) % NODE_COUNT for step in range(NODE_COUNT)] == scan
    assert len({scan[0] for scan in scans}) > 1  # 20 equal starts: chance 256^-19
