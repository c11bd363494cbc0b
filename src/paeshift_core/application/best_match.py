"""Best-match candidates as a cached read model (the feed namespace).

Best match ranks the :data:`BEST_MATCH_CANDIDATES` jobs matching a query (nearest first, or
soonest without a point) by a score whose only viewer-specific part is the viewer's skills.
The candidates and their clients' average ratings are the same for every viewer, and loading
them was the costliest read of a logged-in session (a 300-row statement mapped through full
jobs, plus the rating summaries: about a fifth of the server's CPU in the mixed benchmark).
So they are cached per query under the ``feed`` namespace, which every change of feed
membership, free seats or client ratings invalidates (``read_models.py``); a viewer's request
then scores the cached candidates with their own skills and builds jobs for its page only.

The value is JSON (standard library: the core takes no serializer): one object per candidate
with the fields of :class:`FeedJob` in plain types, ``starts_us`` (the start in µs since the
epoch, for the tie-break) and ``rating`` (the client's average or null).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from attrs import frozen

from paeshift_core.domain.feed import (
    FeedCriteria,
    job_stems,
    proximity,
    rating_component,
    skill_stems,
    stems_overlap,
    weighted_score,
)
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import ShiftType
from paeshift_core.domain.money import Money
from paeshift_core.domain.schedule import JobType
from paeshift_core.ports.feed import FeedJob

#: How many matching jobs best match ranks (nearest first, or soonest without a point).
BEST_MATCH_CANDIDATES = 300
#: Like the public feed pages: invalidation is explicit, the TTL only a safety net.
BEST_MATCH_TTL_S = 300

Candidate = Mapping[str, Any]


def candidates_key(criteria: FeedCriteria) -> str:
    """The cache key of a query's candidates: a digest of every criterion (attrs repr)."""
    return "bm-" + hashlib.blake2b(repr(criteria).encode(), digest_size=16).hexdigest()


def encode_candidates(jobs: Sequence[FeedJob], ratings: Mapping[int, float | None]) -> bytes:
    """``jobs`` (in candidate order) with their clients' ``ratings`` as JSON."""
    return json.dumps(
        [_plain(job, ratings.get(job.client_id)) for job in jobs], separators=(",", ":")
    ).encode()


@frozen
class Candidates:
    """Decoded candidates, each with what its score needs besides the viewer's skills.

    Ranking split 300 titles into words for every request (2.4 % of a server worker's samples
    in the mixed benchmark); the word stems and the viewer-independent score components are
    computed once per decoding instead (``python -m bench.best_match``).
    """

    items: list[Candidate]
    #: Per item: its subcategory name's and title's word stems, proximity, rating component.
    scoring: list[tuple[frozenset[str], float, float]]

    @classmethod
    def of(cls, items: list[Candidate]) -> Candidates:
        return cls(
            items,
            [
                (
                    job_stems(c["subcategory_name"], c["title"]),
                    proximity(c["distance_km"]),
                    rating_component(c["rating"]),
                )
                for c in items
            ],
        )


def decode_candidates(raw: bytes) -> Candidates:
    return Candidates.of(list(json.loads(raw)))


class DecodedCandidates:
    """The decoded candidates of the most recently used queries, per process.

    Every logged-in best-match request decoded the same cached JSON of 300 candidates (stdlib
    json: 2.7 % of a server worker's samples in the mixed benchmark, for 4 % of its requests).
    The cache still decides what is current: a remembered decoding serves only when the bytes
    just read from the cache are equal to the ones it was decoded from (compared, not hashed),
    so an invalidated value is never served. Candidates are shared between requests and never
    changed. ``size`` bounds the memory (one entry: ~100 KB of JSON and its objects).
    """

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[bytes, Candidates]] = OrderedDict()

    def decode(self, key: str, raw: bytes) -> Candidates:
        found = self._entries.get(key)
        if found is None or found[0] != raw:
            found = self._entries[key] = (raw, decode_candidates(raw))
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        self._entries.move_to_end(key)
        return found[1]


def ranked(candidates: Candidates, skills: Sequence[str]) -> list[tuple[float, Candidate]]:
    """Candidates with their scores, best first (ties: soonest start, then id)."""
    wanted = skill_stems(skills)
    scored = [
        (weighted_score(stems_overlap(wanted, stems), near, rating), c)
        for c, (stems, near, rating) in zip(candidates.items, candidates.scoring, strict=True)
    ]
    scored.sort(key=lambda sc: (-sc[0], sc[1]["starts_us"], sc[1]["id"]))
    return scored


def _plain(job: FeedJob, rating: float | None) -> dict[str, Any]:
    location = job.location
    return {
        "id": job.id,
        "client_id": job.client_id,
        "title": job.title,
        "description": job.description,
        "industry_id": job.industry_id,
        "subcategory_id": job.subcategory_id,
        "subcategory_name": job.subcategory_name,
        "shift_type": job.shift_type.value,
        "job_type": job.job_type.value,
        "start_date": job.start_date.isoformat(),
        "end_date": job.end_date.isoformat(),
        "start_time": job.start_time.isoformat(),
        "end_time": job.end_time.isoformat(),
        "timezone": job.timezone,
        "starts_at": job.starts_at.isoformat(),
        "starts_us": round(job.starts_at.timestamp() * 1_000_000),
        "ends_at": job.ends_at.isoformat(),
        "hourly_rate": [job.hourly_rate.amount, job.hourly_rate.currency],
        "worker_pay": [job.worker_pay.amount, job.worker_pay.currency],
        "seats": job.seats,
        "free_seats": job.free_seats,
        "address": job.address,
        "location": None if location is None else [location.latitude, location.longitude],
        "created_at": job.created_at.isoformat(),
        "distance_km": job.distance_km,
        "rating": rating,
    }


def feed_job(c: Candidate) -> FeedJob:
    """The :class:`FeedJob` a cached candidate stands for."""
    location = c["location"]
    return FeedJob(
        id=c["id"],
        client_id=c["client_id"],
        title=c["title"],
        description=c["description"],
        industry_id=c["industry_id"],
        subcategory_id=c["subcategory_id"],
        subcategory_name=c["subcategory_name"],
        shift_type=ShiftType(c["shift_type"]),
        job_type=JobType(c["job_type"]),
        start_date=date.fromisoformat(c["start_date"]),
        end_date=date.fromisoformat(c["end_date"]),
        start_time=time.fromisoformat(c["start_time"]),
        end_time=time.fromisoformat(c["end_time"]),
        timezone=c["timezone"],
        starts_at=datetime.fromisoformat(c["starts_at"]),
        ends_at=datetime.fromisoformat(c["ends_at"]),
        hourly_rate=Money(*c["hourly_rate"]),
        worker_pay=Money(*c["worker_pay"]),
        seats=c["seats"],
        free_seats=c["free_seats"],
        address=c["address"],
        location=None if location is None else GeoPoint(*location),
        created_at=datetime.fromisoformat(c["created_at"]),
        distance_km=c["distance_km"],
    )
