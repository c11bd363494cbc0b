"""The benchmark report: one JSON document and its markdown rendering (bench/results/).

A :class:`Report` holds the machine facts, the exact command, the dataset, and one
:class:`ScenarioResult` per scenario. Each scenario is also shown as a ratio to the reference
endpoint doing the ceiling of its kind of work (``reference`` field): the job detail, feed and
profile reads to one primary-key SELECT (with the cache: to one Redis GET), everything to the
plain JSON endpoint.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PLAIN = "reference_plain"


@dataclass
class ScenarioResult:
    name: str
    description: str
    #: ``wrk`` (closed loop, fixed connections) or ``open-loop`` (fixed arrival rate).
    generator: str
    duration_s: float
    requests: int
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    #: Transport errors, timeouts and 5xx answers.
    errors: int
    #: 4xx answers (expected in the mixed workload: e.g. applying twice is a 409).
    rejected: int = 0
    sql_statements_per_request: float | None = None
    cache_hit_rate: float | None = None
    #: The scenario whose throughput is this one's ceiling (a reference endpoint).
    reference: str | None = None
    #: The reference's throughput measured in slices interleaved with this scenario's.
    reference_requests_per_s: float | None = None
    #: Arrival rate asked for (open loop only).
    target_rate_per_s: float | None = None
    notes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    title: str
    date: str
    command: str
    machine: dict[str, str]
    dataset: dict[str, Any]
    settings: dict[str, Any]
    scenarios: list[ScenarioResult]
    #: The same scenarios without the cache, earlier in the same run (``--cache both``).
    uncached: list[ScenarioResult] = field(default_factory=list)

    def by_name(self) -> dict[str, ScenarioResult]:
        return {s.name: s for s in self.scenarios}

    def ratio(self, scenario: ScenarioResult, reference: str | None) -> float | None:
        """Throughput as a share of the reference's (closed-loop scenarios only): of the
        reference measured alongside it where there is one, else of the reference's own row."""
        if scenario.generator != "wrk":
            return None
        ceiling = scenario.reference_requests_per_s if reference == scenario.reference else None
        if ceiling is None:
            ref = self.by_name().get(reference or "")
            ceiling = None if ref is None else ref.requests_per_s
        return scenario.requests_per_s / ceiling if ceiling else None


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def render_markdown(report: Report) -> str:
    lines = [
        f"# {report.title}",
        "",
        f"Date: {report.date}  ",
        f"Command: `{report.command}`",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in report.machine.items()),
        "",
        "## Dataset and settings",
        "",
        *(f"- {key}: {value}" for key, value in report.dataset.items()),
        *(f"- {key}: {value}" for key, value in report.settings.items()),
        "",
        "## Results",
        "",
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | 4xx | SQL/req | cache hits "
        "| × reference | × plain |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in report.scenarios:
        ref = report.ratio(s, s.reference)
        plain = report.ratio(s, PLAIN) if s.name != PLAIN else None
        rate = _num(s.requests_per_s)
        if s.target_rate_per_s is not None:
            rate += f" (target {s.target_rate_per_s:g})"
        ref_text = "–" if ref is None else f"{ref:.2f} of {s.reference}"
        lines.append(
            f"| {s.name} | {rate} | {_num(s.p50_ms)} | {_num(s.p95_ms)} | {_num(s.p99_ms)} "
            f"| {s.errors} | {s.rejected} | {_num(s.sql_statements_per_request, 2)} "
            f"| {_pct(s.cache_hit_rate)} | {ref_text} | {_num(plain, 2)} |"
        )
    if report.uncached:
        lines += ["", *_speed_ups(report)]
    lines += ["", "## Scenarios", ""]
    for s in report.scenarios:
        lines.append(f"- **{s.name}** ({s.generator}, {s.duration_s:g} s): {s.description}")
        for key, value in s.notes.items():
            lines.append(f"  - {key}: {value}")
    return "\n".join(lines) + "\n"


def _speed_ups(report: Report) -> list[str]:
    """Each scenario without and with the cache, from the same run on the same dataset."""
    lines = [
        "## Without and with the cache (same run, same dataset)",
        "",
        "| scenario | req/s without | req/s with | × | p95 ms without | p95 ms with "
        "| p99 ms without | p99 ms with | errors without | errors with | cache hits |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    cached = report.by_name()
    for off in report.uncached:
        on = cached.get(off.name)
        if on is None:
            continue
        times = on.requests_per_s / off.requests_per_s if off.requests_per_s else None
        lines.append(
            f"| {off.name} | {_num(off.requests_per_s)} | {_num(on.requests_per_s)} "
            f"| {_num(times, 2)} | {_num(off.p95_ms)} | {_num(on.p95_ms)} | {_num(off.p99_ms)} "
            f"| {_num(on.p99_ms)} | {off.errors} | {on.errors} | {_pct(on.cache_hit_rate)} |"
        )
    return lines


def write_report(report: Report, directory: Path, stem: str) -> tuple[Path, Path]:
    """Write ``<stem>.json`` and ``<stem>.md`` under ``directory``; returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / f"{stem}.json"
    md_path = directory / f"{stem}.md"
    json_path.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return md_path, json_path
