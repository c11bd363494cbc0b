"""The job feed's rules (DOMAIN.md Saved jobs and the feed): filters, text search terms, the
distance window and the best-match score.

The feed lists ``upcoming`` jobs with a free seat. Filters combine with AND. The date range
is on the first shift's local ``start_date`` (both ends inclusive). A text query matches a job
when every search term is the start of a word of its title or description (case-insensitive;
PostgreSQL: full-text prefix match, SQLite: a LIKE fallback). A distance filter keeps jobs
with coordinates within ``radius_km`` (haversine) of the point.

**Best match** scores each candidate job in [0, 1] for one viewer::

    score = 0.5 × skill_overlap + 0.3 × proximity + 0.2 × client_rating

- ``skill_overlap``: the share of the viewer's skills found in the job's subcategory name and
  title (a skill matches when each of its words is a word there, a trailing plural ``s``
  ignored); 0 without skills.
- ``proximity``: ``1 / (1 + distance_km / 5)`` (1 at the point, 0.5 at 5 km); 0 when the job
  has no coordinates or no point was given (then it is equal for every job).
- ``client_rating``: ``(average − 1) / 4`` of the client's rating summary; 0.5 (neutral) when
  the client has no rating yet, so new clients are neither favoured nor buried.

Ties go to the soonest start, then the smaller id. So, all else equal, a nearer job ranks
higher and a job matching more of the viewer's skills ranks higher.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date

from attrs import field, frozen

from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.geo import EARTH_RADIUS_M, GeoPoint
from paeshift_core.domain.jobs import ShiftType
from paeshift_core.domain.money import Money
from paeshift_core.domain.schedule import JobType

MAX_SEARCH_TERMS = 8
MAX_RADIUS_KM = 500.0
SKILL_WEIGHT = 0.5
PROXIMITY_WEIGHT = 0.3
RATING_WEIGHT = 0.2
#: Distance at which proximity is one half.
PROXIMITY_HALF_KM = 5.0
NEUTRAL_RATING = 0.5

_WORD = re.compile(r"\w+", re.UNICODE)


class FeedSort(enum.StrEnum):
    SOONEST = "soonest"
    HIGHEST_PAY = "highest_pay"
    NEAREST = "nearest"
    BEST_MATCH = "best_match"


def search_terms(query: str | None) -> tuple[str, ...]:
    """The words of a text query, lower-cased and de-duplicated (at most 8): only ``\\w``
    characters survive, so a term is safe inside a full-text query or a LIKE pattern."""
    if query is None:
        return ()
    terms: list[str] = []
    for word in _WORD.findall(query.lower()):
        word = word.replace("_", "")
        if word and word not in terms:
            terms.append(word)
    if len(terms) > MAX_SEARCH_TERMS:
        raise InvalidInput("q", f"use at most {MAX_SEARCH_TERMS} words")
    return tuple(terms)


def words(text: str) -> list[str]:
    return [w.replace("_", "") for w in _WORD.findall(text.lower())]


def text_matches(terms: Iterable[str], *texts: str) -> bool:
    """Every term starts some word of the texts (the memory adapter's reference rule)."""
    found = [w for text in texts for w in words(text)]
    return all(any(w.startswith(term) for w in found) for term in terms)


def _radius(_: object, __: object, value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and 0 < value <= MAX_RADIUS_KM):
        raise InvalidInput("radius_km", f"must be more than 0 and at most {MAX_RADIUS_KM:g}")


@frozen(kw_only=True)
class BoundingBox:
    """The latitude/longitude window around a circle: an index-friendly pre-filter; the exact
    haversine distance decides."""

    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float

    @classmethod
    def around(cls, center: GeoPoint, radius_km: float) -> BoundingBox:
        angular = radius_km * 1000 / EARTH_RADIUS_M
        dlat = math.degrees(angular)
        cos_lat = math.cos(math.radians(center.latitude))
        # Near a pole (or a radius wrapping the globe) every longitude qualifies.
        if cos_lat < 1e-6 or dlat / max(cos_lat, 1e-6) >= 180:
            dlng = 180.0
        else:
            dlng = math.degrees(math.asin(min(1.0, math.sin(angular) / cos_lat)))
        return cls(
            min_lat=max(-90.0, center.latitude - dlat),
            max_lat=min(90.0, center.latitude + dlat),
            min_lng=center.longitude - dlng,
            max_lng=center.longitude + dlng,
        )

    def longitude_ranges(self) -> list[tuple[float, float]]:
        """One range, or two when the box crosses the antimeridian."""
        if self.min_lng < -180:
            return [(self.min_lng + 360, 180.0), (-180.0, self.max_lng)]
        if self.max_lng > 180:
            return [(self.min_lng, 180.0), (-180.0, self.max_lng - 360)]
        return [(self.min_lng, self.max_lng)]

    def contains(self, point: GeoPoint) -> bool:
        return self.min_lat <= point.latitude <= self.max_lat and any(
            low <= point.longitude <= high for low, high in self.longitude_ranges()
        )


@frozen(kw_only=True)
class FeedCriteria:
    """The filters of one feed request; validated on construction (fields named)."""

    industry_id: int | None = None
    subcategory_id: int | None = None
    shift_type: ShiftType | None = None
    job_type: JobType | None = None
    starts_from: date | None = None
    starts_until: date | None = None
    min_hourly_rate: Money | None = None
    terms: tuple[str, ...] = ()
    near: GeoPoint | None = None
    radius_km: float | None = field(default=None, validator=_radius)

    def __attrs_post_init__(self) -> None:
        if self.radius_km is not None and self.near is None:
            raise InvalidInput("near", "a radius needs a point (near=lat,lng)")
        if (
            self.starts_from is not None
            and self.starts_until is not None
            and self.starts_from > self.starts_until
        ):
            raise InvalidInput("starts_until", "must not be before starts_from")

    @property
    def box(self) -> BoundingBox | None:
        if self.near is None or self.radius_km is None:
            return None
        return BoundingBox.around(self.near, self.radius_km)


def proximity(distance_km: float | None) -> float:
    if distance_km is None:
        return 0.0
    return 1.0 / (1.0 + max(0.0, distance_km) / PROXIMITY_HALF_KM)


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def job_stems(*job_texts: str) -> frozenset[str]:
    """The word stems of a job's texts: what skills are matched against."""
    return frozenset(_stem(w) for text in job_texts for w in words(text))


def skill_stems(skills: Iterable[str]) -> list[frozenset[str]]:
    """The word stems of each non-blank skill (blank skills count for nothing)."""
    return [frozenset(_stem(w) for w in words(skill)) for skill in skills if skill.strip()]


def stems_overlap(wanted: Sequence[frozenset[str]], job: frozenset[str]) -> float:
    """The share of ``wanted`` skills (:func:`skill_stems`) whose every stem is in ``job``."""
    if not wanted:
        return 0.0
    return sum(map(job.issuperset, wanted)) / len(wanted)


def skill_overlap(skills: Iterable[str], *job_texts: str) -> float:
    """The share of ``skills`` whose every word is a word of the job's texts."""
    return stems_overlap(skill_stems(skills), job_stems(*job_texts))


def rating_component(average: float | None) -> float:
    if average is None:
        return NEUTRAL_RATING
    return min(1.0, max(0.0, (average - 1.0) / 4.0))


def match_score(*, skills: float, distance_km: float | None, client_rating: float | None) -> float:
    """The best-match score (see the module docstring) from its three components."""
    return weighted_score(skills, proximity(distance_km), rating_component(client_rating))


def weighted_score(skills: float, proximity: float, rating: float) -> float:
    """:func:`match_score` from the components already computed (best match ranks many jobs
    for each viewer, with only the skill share depending on the viewer)."""
    return SKILL_WEIGHT * skills + PROXIMITY_WEIGHT * proximity + RATING_WEIGHT * rating
