"""``bench/instructions.py``: the versions it is given and the table it prints."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

import pytest
from bench.instructions import _print, _version


def test_each_version_s_count_and_its_ratio_to_the_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    versions = [("before", tmp_path), ("after", tmp_path)]
    counted = {"before": {"job_detail": 8_000_000.0}, "after": {"job_detail": 7_000_000.0}}
    _print(Namespace(seed=1, requests=100), versions, counted)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == [
        "| operation | before | after | after ÷ before |",
        "|---|---|---|---|",
        "| job_detail | 8.000 | 7.000 | 0.875 |",
    ]


def test_a_version_is_a_name_and_an_existing_directory(tmp_path: Path) -> None:
    assert _version(f"new={tmp_path}") == ("new", tmp_path.resolve())
    for bad in (str(tmp_path), f"new={tmp_path / 'missing'}"):
        with pytest.raises(SystemExit):
            _version(bad)
