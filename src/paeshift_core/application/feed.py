"""The job feed (DOMAIN.md Saved jobs and the feed): public, personalised for a viewer.

Paging:

- ``soonest`` and ``highest_pay`` use keyset cursors (the last item's ``(starts_at, id)`` or
  ``(hourly_rate, id)``), stable while jobs are added;
- ``nearest`` pages by an offset carried in the cursor (the SQL orders by the exact distance);
- ``best_match`` ranks a bounded candidate set, the :data:`BEST_MATCH_CANDIDATES` nearest
  matching jobs (soonest ones without a point), with the formula of ``domain/feed.py``, and
  pages through that ranking by an offset in the cursor. Deeper than that the feed ends. The
  candidates are a cached read model shared by every viewer (``best_match.py``).

Statements per page: the page (one; for best match the candidates and their clients' rating
summaries, one each, on a cache miss), the viewer's skills for best match (one), and the
viewer's own applications (none on a cache hit, ``my_applications``): never per item.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from attrs import field, frozen

from paeshift_core.application.best_match import (
    BEST_MATCH_CANDIDATES,
    BEST_MATCH_TTL_S,
    Candidate,
    DecodedCandidates,
    candidates_key,
    encode_candidates,
    feed_job,
    ranked,
)
from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from paeshift_core.application.read_models import FEED, MY_APPLICATIONS, MY_APPLICATIONS_TTL_S
from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.feed import FeedCriteria, FeedSort
from paeshift_core.ports.feed import ApplicationRef, FeedJob, FeedKey

#: The deepest offset ``nearest`` pages to (each page is one bounded statement).
MAX_NEAREST_OFFSET = 5_000

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _check_limit(_: object, __: object, value: int) -> None:
    if isinstance(value, bool) or not 1 <= value <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")


@frozen
class FeedPosition:
    """Where the next page starts: a keyset (soonest, highest pay) or an offset."""

    sort: FeedSort
    key: FeedKey | None = None
    offset: int = 0

    def encode(self) -> str:
        if self.sort is FeedSort.SOONEST:
            assert self.key is not None
            assert isinstance(self.key[0], datetime)
            raw = f"s:{(self.key[0] - _EPOCH) // _MICROSECOND}:{self.key[1]}"
        elif self.sort is FeedSort.HIGHEST_PAY:
            assert self.key is not None
            raw = f"p:{self.key[0]}:{self.key[1]}"
        else:
            raw = f"o:{self.offset}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str, sort: FeedSort) -> FeedPosition:
        """A cursor must come from a page of the same sort; anything else is invalid."""
        try:
            raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
            kind, *parts = raw.split(":")
            numbers = [int(p) for p in parts]
        except (ValueError, binascii.Error, UnicodeError) as exc:
            raise InvalidInput("cursor", "is not a valid cursor") from exc
        expected = {FeedSort.SOONEST: "s", FeedSort.HIGHEST_PAY: "p"}.get(sort, "o")
        if kind != expected or len(numbers) != (1 if kind == "o" else 2):
            raise InvalidInput("cursor", "does not belong to this sort")
        if kind == "o":
            if numbers[0] < 0:
                raise InvalidInput("cursor", "is not a valid cursor")
            return cls(sort, offset=numbers[0])
        if numbers[1] <= 0:
            raise InvalidInput("cursor", "is not a valid cursor")
        if kind == "s":
            try:
                at = _EPOCH + numbers[0] * _MICROSECOND
            except OverflowError as exc:
                raise InvalidInput("cursor", "is not a valid cursor") from exc
            return cls(sort, key=(at, numbers[1]))
        return cls(sort, key=(numbers[0], numbers[1]))


@frozen
class FeedRequest:
    sort: FeedSort = FeedSort.SOONEST
    limit: int = field(default=DEFAULT_LIMIT, validator=_check_limit)
    cursor: str | None = None

    @property
    def position(self) -> FeedPosition:
        if self.cursor is None:
            return FeedPosition(self.sort)
        return FeedPosition.decode(self.cursor, self.sort)


@frozen
class FeedItem:
    """A job of the feed and what it means for this viewer."""

    job: FeedJob
    my_application: ApplicationRef | None = None
    #: The best-match score in [0, 1] (best match only).
    match: float | None = None


def _key(sort: FeedSort, job: FeedJob) -> FeedKey:
    if sort is FeedSort.SOONEST:
        return (job.starts_at, job.id)
    return (job.hourly_rate.amount, job.id)


class FeedUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._candidates = DecodedCandidates()

    async def feed(
        self, viewer: Principal | None, criteria: FeedCriteria, request: FeedRequest
    ) -> Page[FeedItem]:
        """Upcoming jobs with a free seat matching ``criteria``; anyone may read it."""
        sort, position = request.sort, request.position
        if sort is FeedSort.NEAREST and criteria.near is None:
            raise InvalidInput("near", "sort=nearest needs a point (near=lat,lng)")
        if position.offset > MAX_NEAREST_OFFSET:
            raise InvalidInput("cursor", "the feed ends here")
        fetch = request.limit + 1
        scores: dict[int, float] = {}
        if sort is FeedSort.BEST_MATCH:
            window = (await self._best_match(viewer, criteria))[
                position.offset : position.offset + fetch
            ]
            rows = [feed_job(candidate) for _, candidate in window]
            scores = {candidate["id"]: score for score, candidate in window}
        else:
            async with self._deps.uow(read_only=True) as uow:
                if sort is FeedSort.NEAREST:
                    rows = await uow.feed.page(criteria, sort, offset=position.offset, limit=fetch)
                else:
                    rows = await uow.feed.page(criteria, sort, after=position.key, limit=fetch)
        jobs = rows[: request.limit]
        mine = {} if viewer is None else await self.my_applications(viewer, [j.id for j in jobs])
        items = tuple(FeedItem(j, mine.get(j.id), scores.get(j.id)) for j in jobs)
        more = len(rows) > request.limit
        if not more:
            return Page(items=items, next_cursor=None)
        if sort in (FeedSort.SOONEST, FeedSort.HIGHEST_PAY):
            following = FeedPosition(sort, key=_key(sort, jobs[-1]))
        else:
            following = FeedPosition(sort, offset=position.offset + request.limit)
        return Page(items=items, next_cursor=following.encode())

    async def my_applications(
        self, viewer: Principal, job_ids: Sequence[int]
    ) -> dict[int, ApplicationRef]:
        """The viewer's own applications to these jobs: what the HTTP adapter lays over cached
        public job pages and details (``adapters/http/cached_reads.py``).

        A logged-in page view asks this every time, so the viewer's applications to every job
        are a cached read model of their own (``read_models.MY_APPLICATIONS``, keyed by the
        viewer, invalidated by each of their application events): a hit costs no statement.
        A user with very many applications makes a larger value, reloaded after each of their
        own application changes only.
        """
        if not job_ids:
            return {}

        async def every_application() -> bytes:
            async with self._deps.uow(read_only=True) as uow:
                return encode_refs(await uow.feed.applications_of(viewer.user_id))

        raw = await self._deps.cache.get_or_load(
            MY_APPLICATIONS, str(viewer.user_id), every_application, MY_APPLICATIONS_TTL_S
        )
        refs = decode_refs(raw)
        return {job_id: refs[job_id] for job_id in job_ids if job_id in refs}

    async def _best_match(
        self, viewer: Principal | None, criteria: FeedCriteria
    ) -> list[tuple[float, Candidate]]:
        """The cached candidates scored with the viewer's skills, best first."""

        async def load() -> bytes:
            base = FeedSort.NEAREST if criteria.near is not None else FeedSort.SOONEST
            async with self._deps.uow(read_only=True) as uow:
                jobs = await uow.feed.page(criteria, base, limit=BEST_MATCH_CANDIDATES)
                clients = sorted({j.client_id for j in jobs})
                summaries = await uow.rating_summaries.get_many(clients) if clients else {}
            return encode_candidates(jobs, {c: s.average for c, s in summaries.items()})

        key = candidates_key(criteria)
        raw = await self._deps.cache.get_or_load(FEED, key, load, BEST_MATCH_TTL_S)
        skills: tuple[str, ...] = ()
        if viewer is not None:
            async with self._deps.uow(read_only=True) as uow:
                skills = tuple((await uow.users.get(viewer.user_id)).skills)
        return ranked(self._candidates.decode(key, raw), skills)


def encode_refs(refs: dict[int, ApplicationRef]) -> bytes:
    """``{job id: [application id, status]}`` as JSON, for the cache."""
    plain = {str(job_id): [ref.id, ref.status.value] for job_id, ref in refs.items()}
    return json.dumps(plain, separators=(",", ":")).encode()


def decode_refs(raw: bytes) -> dict[int, ApplicationRef]:
    return {
        int(job_id): ApplicationRef(app_id, ApplicationStatus(status))
        for job_id, (app_id, status) in json.loads(raw).items()
    }
