"""Aggregate ids are given before persistence (DOMAIN.md Conventions: ids < 2^53)."""

from __future__ import annotations

from typing import Protocol

MAX_ID = 2**53 - 1


class IdGenerator(Protocol):
    def next_id(self) -> int:
        """A new positive id below 2^53, unique across processes and machines."""
        ...
