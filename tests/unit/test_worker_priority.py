"""The worker runs nicer than the servers (``entrypoints/worker.py`` ``lower_priority``)."""

from __future__ import annotations

import os

import pytest

from entrypoints.worker import lower_priority


def niceness_in_a_child(start: int, wanted: int) -> list[int]:
    """``lower_priority(wanted)`` in a forked child started at ``start`` (a niceness cannot be
    undone in this process); what it returned and the child's niceness then."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.nice(start)
        os.write(write, f"{lower_priority(wanted)} {os.getpriority(os.PRIO_PROCESS, 0)}".encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as reply:
        out = reply.read()
    os.waitpid(pid, 0)
    return [int(value) for value in out.split()]


@pytest.mark.parametrize(("start", "expected"), [(0, 10), (15, 15)])
def test_the_worker_lowers_its_priority_but_never_raises_it(start: int, expected: int) -> None:
    assert niceness_in_a_child(start, 10) == [expected, expected]
