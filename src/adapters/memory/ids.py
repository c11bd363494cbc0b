"""Sequential ids for tests: deterministic and readable."""

from __future__ import annotations

import itertools


class SequentialIds:
    def __init__(self, start: int = 1) -> None:
        self._counter = itertools.count(start)

    def next_id(self) -> int:
        return next(self._counter)
