"""Timing two ways of doing one thing in one run, alternately (``bench/*`` A/B scripts)."""

from __future__ import annotations

import timeit
from collections.abc import Callable, Sequence

Way = tuple[str, Callable[[], object]]
_SCALES = {"µs": 1e6, "ms": 1e3}


def time_alternately(
    ways: Sequence[Way], *, number: int, what: str, unit: str = "µs", per_call: int = 1
) -> None:
    """Print each way's best of five repeats of ``number`` calls, every way twice in turn, in
    ``unit`` per ``what`` (a call does ``per_call`` of them)."""
    for name, way in [*ways, *ways]:
        best = min(timeit.repeat(way, number=number, repeat=5)) / number / per_call
        print(f"{name}: {best * _SCALES[unit]:.1f} {unit} per {what}")
