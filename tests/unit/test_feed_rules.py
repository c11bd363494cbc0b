"""The feed's rules (domain/feed.py): search terms, the distance window, criteria validation,
the best-match formula and its properties, and the feed cursor."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paeshift_core.application.feed import FeedPosition, FeedRequest
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.feed import (
    BoundingBox,
    FeedCriteria,
    FeedSort,
    match_score,
    proximity,
    rating_component,
    search_terms,
    skill_overlap,
    text_matches,
)
from paeshift_core.domain.geo import GeoPoint

#: Distances to the metre (up to half the Earth's circumference), as the SQL computes them.
distances = st.integers(0, 20_000_000).map(lambda metres: metres / 1000)
#: Rating averages to two decimals (DOMAIN.md Reviews).
ratings = st.none() | st.integers(100, 500).map(lambda hundredths: hundredths / 100)
#: A skill-overlap share: matched skills over at most 30 skills.
shares = st.tuples(st.integers(1, 30), st.integers(0, 30)).map(
    lambda pair: min(pair[1], pair[0]) / pair[0]
)


def test_search_terms_keep_only_words_lower_cased_and_unique() -> None:
    assert search_terms("  Waiter, WAITER & bar_tender!' OR 1=1 --") == (
        "waiter",
        "bartender",
        "or",
        "1",
    )
    assert search_terms(None) == ()
    assert search_terms("   ") == ()
    with pytest.raises(InvalidInput) as raised:
        search_terms("a b c d e f g h i")
    assert raised.value.field == "q"


def test_text_matches_word_starts_only() -> None:
    assert text_matches(("wedd", "serv"), "Wedding waiters", "Serve 200 guests")
    assert not text_matches(("edding",), "Wedding waiters")
    assert text_matches((), "anything")


@given(
    lat=st.floats(min_value=-89, max_value=89),
    lng=st.floats(min_value=-180, max_value=180),
    radius=st.floats(min_value=0.1, max_value=500),
    bearing_lat=st.floats(min_value=-1, max_value=1),
    bearing_lng=st.floats(min_value=-1, max_value=1),
)
def test_every_point_within_the_radius_is_inside_the_bounding_box(
    lat: float, lng: float, radius: float, bearing_lat: float, bearing_lng: float
) -> None:
    center = GeoPoint(lat, lng)
    box = BoundingBox.around(center, radius)
    # A point a fraction of the radius away (in degrees, conservatively small).
    step = radius / 111.2 * 0.7
    candidate = GeoPoint(
        max(-90.0, min(90.0, lat + bearing_lat * step)),
        ((lng + bearing_lng * step + 180) % 360) - 180,
    )
    if candidate.distance_m(center) <= radius * 1000:
        assert box.contains(candidate)


def test_the_bounding_box_wraps_the_antimeridian() -> None:
    box = BoundingBox.around(GeoPoint(0, 179.9), 50)
    assert len(box.longitude_ranges()) == 2
    assert box.contains(GeoPoint(0, -179.9))
    assert not box.contains(GeoPoint(0, 170))


def test_criteria_are_validated() -> None:
    with pytest.raises(InvalidInput) as raised:
        FeedCriteria(radius_km=5)
    assert raised.value.field == "near"
    with pytest.raises(InvalidInput) as raised:
        FeedCriteria(near=GeoPoint(6, 3), radius_km=0)
    assert raised.value.field == "radius_km"
    with pytest.raises(InvalidInput) as raised:
        FeedCriteria(starts_from=date(2026, 2, 1), starts_until=date(2026, 1, 1))
    assert raised.value.field == "starts_until"
    assert FeedCriteria().box is None


def test_skill_overlap_is_the_share_of_skills_found() -> None:
    skills = ("waiter", "bartender", "kitchen assistant")
    assert skill_overlap(skills, "Waiter", "Night waiters needed") == pytest.approx(1 / 3)
    assert skill_overlap(skills, "Kitchen assistant", "Bartenders") == pytest.approx(2 / 3)
    assert skill_overlap((), "Waiter", "Waiters") == 0.0
    assert skill_overlap(("driver",), "Waiter", "Waiters") == 0.0


def test_the_formula_components() -> None:
    assert proximity(0) == 1.0
    assert proximity(5) == 0.5
    assert proximity(None) == 0.0
    assert rating_component(None) == 0.5
    assert rating_component(5) == 1.0
    assert rating_component(1) == 0.0
    assert match_score(skills=1, distance_km=0, client_rating=5) == pytest.approx(1.0)
    assert match_score(skills=0, distance_km=None, client_rating=None) == pytest.approx(0.1)


@given(near=distances, far=distances, skills=shares, rating=ratings)
def test_all_else_equal_nearer_ranks_higher(
    near: float, far: float, skills: float, rating: float | None
) -> None:
    if near < far:
        closer = match_score(skills=skills, distance_km=near, client_rating=rating)
        further = match_score(skills=skills, distance_km=far, client_rating=rating)
        assert closer > further


@given(low=shares, high=shares, distance=st.none() | distances, rating=ratings)
def test_all_else_equal_more_skill_overlap_ranks_higher(
    low: float, high: float, distance: float | None, rating: float | None
) -> None:
    if low < high:
        assert match_score(skills=high, distance_km=distance, client_rating=rating) > match_score(
            skills=low, distance_km=distance, client_rating=rating
        )


@given(worse=ratings, better=ratings, skills=shares, distance=distances)
def test_all_else_equal_a_better_rated_client_ranks_no_lower(
    worse: float | None, better: float | None, skills: float, distance: float
) -> None:
    if worse is not None and better is not None and worse < better:
        assert match_score(skills=skills, distance_km=distance, client_rating=better) >= (
            match_score(skills=skills, distance_km=distance, client_rating=worse)
        )


@given(
    at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    job_id=st.integers(1, 2**53 - 1),
    rate=st.integers(100, 10**12),
    offset=st.integers(0, 5000),
)
def test_feed_cursors_round_trip_per_sort(
    at: datetime, job_id: int, rate: int, offset: int
) -> None:
    soonest = FeedPosition(FeedSort.SOONEST, key=(at, job_id))
    assert FeedPosition.decode(soonest.encode(), FeedSort.SOONEST) == soonest
    pay = FeedPosition(FeedSort.HIGHEST_PAY, key=(rate, job_id))
    assert FeedPosition.decode(pay.encode(), FeedSort.HIGHEST_PAY) == pay
    nearest = FeedPosition(FeedSort.NEAREST, offset=offset)
    assert FeedPosition.decode(nearest.encode(), FeedSort.NEAREST) == nearest


def test_a_cursor_of_another_sort_or_garbage_is_invalid() -> None:
    soonest = FeedPosition(FeedSort.SOONEST, key=(datetime(2026, 1, 1, tzinfo=UTC), 7)).encode()
    for cursor, sort in [
        (soonest, FeedSort.HIGHEST_PAY),
        (soonest, FeedSort.BEST_MATCH),
        ("not-a-cursor", FeedSort.SOONEST),
        ("!!!", FeedSort.NEAREST),
    ]:
        with pytest.raises(InvalidInput) as raised:
            _ = FeedRequest(sort=sort, cursor=cursor).position
        assert raised.value.field == "cursor"
    with pytest.raises(InvalidInput) as raised:
        FeedRequest(limit=0)
    assert raised.value.field == "limit"
