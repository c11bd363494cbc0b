"""The benchmark's report (bench/report.py): ratios to the reference endpoints and both files."""

from __future__ import annotations

import json
from pathlib import Path

from bench.report import PLAIN, Report, ScenarioResult, render_markdown, write_report


def _scenario(name: str, rps: float, reference: str | None = None) -> ScenarioResult:
    return ScenarioResult(
        name=name,
        description=f"{name} scenario",
        generator="wrk",
        duration_s=20,
        requests=int(rps * 20),
        requests_per_s=rps,
        p50_ms=1.0,
        p95_ms=2.0,
        p99_ms=3.0,
        errors=0,
        sql_statements_per_request=2.0,
        reference=reference,
    )


REPORT = Report(
    title="Paeshift benchmark: baseline",
    date="2026-01-01 00:00 UTC",
    command="python -m bench.run --jobs 10",
    machine={"cores": "2"},
    dataset={"jobs": 10},
    settings={"cache": "off"},
    scenarios=[
        _scenario(PLAIN, 8000.0),
        _scenario("reference_pk_select", 1000.0, PLAIN),
        _scenario("job_detail", 400.0, "reference_pk_select"),
    ],
)


def test_throughput_is_shown_as_a_ratio_to_its_reference() -> None:
    job = REPORT.by_name()["job_detail"]
    assert REPORT.ratio(job, job.reference) == 0.4
    assert REPORT.ratio(job, PLAIN) == 0.05
    text = render_markdown(REPORT)
    assert "| job_detail | 400.0 |" in text
    assert "0.40 of reference_pk_select" in text
    assert "`python -m bench.run --jobs 10`" in text


def test_the_report_is_written_as_markdown_and_json(tmp_path: Path) -> None:
    md, js = write_report(REPORT, tmp_path / "results", "2026-01-01-baseline")
    assert md.read_text(encoding="utf-8") == render_markdown(REPORT)
    loaded = json.loads(js.read_text(encoding="utf-8"))
    assert [s["name"] for s in loaded["scenarios"]] == [PLAIN, "reference_pk_select", "job_detail"]
    assert loaded["machine"] == {"cores": "2"}


def test_a_run_with_and_without_cache_shows_the_speed_up_per_scenario() -> None:
    cached = [_scenario(PLAIN, 8000.0), _scenario("job_detail", 1200.0, PLAIN)]
    report = Report(
        **{**REPORT.__dict__, "scenarios": cached, "uncached": REPORT.scenarios},
    )
    text = render_markdown(report)
    assert "## Without and with the cache (same run, same dataset)" in text
    assert "| job_detail | 400.0 | 1,200.0 | 3.00 |" in text
    assert "| reference_pk_select |" not in text.split("## Without")[1].split("## Scenarios")[0]
    assert "## Without" not in render_markdown(REPORT)


def test_a_reference_measured_alongside_is_the_ratio_s_ceiling() -> None:
    """Interleaved slices give a scenario its own reference figure; its row is for others."""
    job = _scenario("job_detail", 400.0, "reference_pk_select")
    job.reference_requests_per_s = 800.0
    report = Report(**{**REPORT.__dict__, "scenarios": [*REPORT.scenarios[:2], job]})
    assert report.ratio(job, job.reference) == 0.5
    assert report.ratio(job, PLAIN) == 0.05
