"""The open-loop result warns when the mixed workload ran on a used seed."""

from __future__ import annotations

from collections import Counter

from bench.openloop import OpenLoopResult


def _result(count: int, refused: int) -> OpenLoopResult:
    applications = Counter({"count": count, "rejected": refused})
    return OpenLoopResult(
        duration_s=60, scheduled=0, latencies_ms=[], by_operation={"apply": applications}
    )


def test_a_fresh_seed_refuses_few_applications_and_gets_no_warning() -> None:
    assert _result(1207, 40).used_seed_warning() is None
    assert _result(1209, 100).used_seed_warning() is None
    assert OpenLoopResult(duration_s=60, scheduled=0, latencies_ms=[]).used_seed_warning() is None


def test_a_used_seed_refusing_most_applications_is_named() -> None:
    assert _result(1209, 187).used_seed_warning() is not None
    warning = _result(1209, 1209).used_seed_warning()
    assert warning is not None
    assert warning.startswith("1209 of 1209 applications refused")
    assert "--skip-seed" in warning
