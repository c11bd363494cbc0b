"""What the scenarios request: ids and paths drawn from the seeded database, reproducibly.

Popular ids follow a Zipf law (rank ``r`` drawn with weight ``1 / r**s``) over a shuffled list,
so a few jobs and profiles are hot and most are cold, as on a real marketplace. Feed queries
too: a pool of queries with random filters, of which a few (rank 1 is whatever the generator
drew first) are asked far more often than the rest. Popularity is a property of the data, not
of a scenario: every scenario of a run draws from the same :class:`Popularity`, so the jobs
the logged-in users of the mixed workload look at are the ones anonymous visitors look at.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlencode

import psycopg

ZIPF_S = 1.1
T = TypeVar("T")
API = "/api/v1"

#: Feed filters drawn at random (each present with its probability).
_SHIFTS = ("morning", "afternoon", "evening", "night", "day", "flexible")
_SORTS = ("soonest", "soonest", "soonest", "highest_pay", "nearest", "best_match")
_CITIES = ((6.5244, 3.3792), (9.0765, 7.3986), (4.8156, 7.0498))
_WORDS = ("waiter", "cleaner", "driver", "cashier", "usher", "security", "cook", "painter")


@dataclass
class Dataset:
    """Ids read from the seeded database."""

    public_jobs: list[int]
    open_jobs: list[int]
    users: list[int]
    applicants: list[int]
    clients: list[int]
    catalog: list[tuple[int, int]]
    unread: dict[int, list[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def load_dataset(conninfo: str) -> Dataset:
    with psycopg.connect(conninfo) as conn:

        def ids(query: str) -> list[int]:
            return [int(row[0]) for row in conn.execute(query)]

        unread: dict[int, list[int]] = {}
        rows = conn.execute(
            "SELECT user_id, id FROM notifications WHERE read_at IS NULL ORDER BY user_id, id"
        )
        for user_id, notification_id in rows:
            unread.setdefault(int(user_id), []).append(int(notification_id))
        counts = {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
            for table in ("users", "jobs", "applications", "ledger_entries", "notifications")
        }
        return Dataset(
            public_jobs=ids(
                "SELECT id FROM jobs WHERE status IN ('upcoming', 'ongoing', 'completed') "
                "ORDER BY id"
            ),
            open_jobs=ids(
                "SELECT id FROM jobs WHERE status = 'upcoming' AND accepted_count < seats "
                "ORDER BY id"
            ),
            users=ids("SELECT id FROM users ORDER BY id"),
            applicants=ids("SELECT id FROM users WHERE role = 'applicant' ORDER BY id"),
            clients=ids("SELECT id FROM users WHERE role = 'client' ORDER BY id"),
            catalog=[
                (int(i), int(s))
                for i, s in conn.execute("SELECT industry_id, id FROM subcategories ORDER BY id")
            ],
            unread=unread,
            counts=counts,
        )


class Zipf(Generic[T]):
    """Draws items of ``population`` with Zipf popularity (shuffled first unless ``ranked``)."""

    def __init__(
        self, population: list[T], rng: random.Random, s: float = ZIPF_S, *, ranked: bool = False
    ) -> None:
        if not population:
            raise ValueError("an empty population")
        self._items = list(population)
        if not ranked:
            rng.shuffle(self._items)
        self._cumulative = list(
            accumulate(1.0 / (rank**s) for rank in range(1, len(population) + 1))
        )
        self._rng = rng
        self._s = s

    def draw(self, k: int) -> list[T]:
        return self._rng.choices(self._items, cum_weights=self._cumulative, k=k)

    def one(self) -> T:
        return self.draw(1)[0]

    def among(self, members: list[T], rng: random.Random) -> Zipf[T]:
        """The same popularity order restricted to ``members``, drawn with ``rng``."""
        keep = set(members)
        return Zipf([i for i in self._items if i in keep], rng, self._s, ranked=True)


@dataclass
class Popularity:
    """What is popular in this dataset, shared by every scenario of a run."""

    jobs: Zipf[int]
    users: Zipf[int]
    feed: Zipf[str]

    @classmethod
    def of(cls, data: Dataset, rng: random.Random, today: date, feed_pool: int) -> Popularity:
        return cls(
            jobs=Zipf(data.public_jobs, rng),
            users=Zipf(data.users, rng),
            feed=Zipf([feed_query(rng, today) for _ in range(feed_pool)], rng),
        )


def feed_query(rng: random.Random, today: date) -> str:
    """A feed page with random filters (API.md ``GET /jobs``)."""
    params: dict[str, str | int] = {}
    if rng.random() < 0.3:
        params["industry_id"] = rng.randint(1, 6)
    if rng.random() < 0.25:
        params["shift_type"] = rng.choice(_SHIFTS)
    if rng.random() < 0.2:
        params["min_hourly_rate"] = rng.choice((100_000, 200_000, 300_000))
    if rng.random() < 0.15:
        start = today + timedelta(days=rng.randint(2, 20))
        params["starts_from"] = start.isoformat()
        params["starts_until"] = (start + timedelta(days=rng.randint(3, 14))).isoformat()
    if rng.random() < 0.1:
        params["q"] = rng.choice(_WORDS)
    sort = rng.choice(_SORTS)
    if sort in ("nearest",) or rng.random() < 0.2:
        lat, lng = rng.choice(_CITIES)
        params["near"] = (
            f"{lat + rng.uniform(-0.05, 0.05):.4f},{lng + rng.uniform(-0.05, 0.05):.4f}"
        )
        params["radius_km"] = rng.choice((5, 10, 25, 50))
    params["sort"] = sort
    params["limit"] = 20
    return f"{API}/jobs?{urlencode(params)}"


def nearby_text_query(rng: random.Random) -> str:
    """Nearest jobs matching a word around a city point (issue 8: text query + distance)."""
    lat, lng = rng.choice(_CITIES)
    params: dict[str, str | int] = {
        "q": rng.choice(_WORDS),
        "near": f"{lat + rng.uniform(-0.05, 0.05):.4f},{lng + rng.uniform(-0.05, 0.05):.4f}",
        "radius_km": rng.choice((5, 10, 25)),
        "sort": "nearest",
        "limit": 20,
    }
    return f"{API}/jobs?{urlencode(params)}"


def write_paths(path: Path, paths: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(paths) + "\n", encoding="utf-8")
    return path
