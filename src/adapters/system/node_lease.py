"""Node-id leases (``ids.py``): every live process generating ids holds a node id no other
live process holds, for as long as it lives.

A lease is a lock the operating system or the database drops by itself when its holder dies,
so a crashed process frees its id with no heartbeat and no clean-up. This module holds the
scan both kinds of lease use and the file-lock lease of the embedded SQLite default (one
machine); ``adapters/sqlalchemy/node_lease.py`` holds the PostgreSQL one (many machines).
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adapters.system.ids import MAX_NODE

NODE_COUNT = MAX_NODE + 1


class NoFreeNodeId(RuntimeError):
    """Every node id is held by a live process: this one cannot generate ids, so it must not
    start (stop some processes, or give this one ``PAESHIFT_NODE_ID``)."""


def node_scan() -> list[int]:
    """Every node id once, from a random one on: processes starting together try different
    ids first instead of all contending for 0."""
    start = secrets.randbelow(NODE_COUNT)
    return [(start + step) % NODE_COUNT for step in range(NODE_COUNT)]


@contextmanager
def file_node_lease(directory: Path) -> Iterator[int]:
    """Hold the first free node id as an exclusive ``flock`` on ``directory/node-<n>.lock``.

    The lock belongs to the open file (not the process), so two leases in one process get
    different ids too, and the kernel drops it when the file is closed or the process dies.
    Only processes on this machine see these locks: this is the lease of the SQLite default,
    whose processes share one machine and one ``var_dir``. The files stay (deleting a locked
    file would let a newcomer lock a new file of the same name).
    """
    directory.mkdir(parents=True, exist_ok=True)
    for node in node_scan():
        fd = os.open(directory / f"node-{node}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield node
        finally:
            os.close(fd)
        return
    raise NoFreeNodeId(f"all {NODE_COUNT} node ids are locked by live processes in {directory}")
