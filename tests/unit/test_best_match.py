"""The cached best-match candidates (``application/best_match.py``): what comes back out of
the cache is the job that went in, and the ranking is the documented one."""

from __future__ import annotations

from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st

from paeshift_core.application.best_match import (
    DecodedCandidates,
    candidates_key,
    decode_candidates,
    encode_candidates,
    feed_job,
    ranked,
)
from paeshift_core.domain.feed import FeedCriteria, match_score, skill_overlap
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.ports.feed import FeedJob
from tests.contracts import builders as b

HOSPITALITY = b.industry(100)
WORDS = ["waiter", "waiters", "bar", "bartender", "kitchen", "assistant", "night", "shift"]


def _feed_job(job_id: int, client_id: int, *, distance_km: float | None = None) -> FeedJob:
    return FeedJob.of(b.job(job_id, client_id, HOSPITALITY), "Waiter", distance_km)


def test_a_candidate_reads_back_as_the_same_job() -> None:
    located = evolve(_feed_job(1, 7, distance_km=2.5), location=GeoPoint(6.5244, 3.3792))
    jobs = [located, _feed_job(2, 8)]
    back = [feed_job(c) for c in decode_candidates(encode_candidates(jobs, {7: 4.5})).items]
    assert back == jobs


def test_ranking_uses_skills_then_rating_then_start_and_id() -> None:
    waiter = _feed_job(1, 7)
    other = evolve(_feed_job(2, 8), subcategory_name="Bartender", title="Bar shift")
    same_as_other = evolve(other, id=3)
    candidates = decode_candidates(encode_candidates([same_as_other, other, waiter], {8: 5.0}))
    by_skill = [c["id"] for _, c in ranked(candidates, ["waiter"])]
    assert by_skill[0] == 1
    assert [c["id"] for _, c in ranked(candidates, [])] == [2, 3, 1]  # rated client first


@given(
    skills=st.lists(st.sampled_from([*WORDS, "night shift", " ", "waiter!", "BAR"]), max_size=4),
    titles=st.lists(st.lists(st.sampled_from(WORDS), max_size=4), min_size=1, max_size=6),
    distances=st.lists(st.none() | st.floats(0, 50), min_size=6, max_size=6),
    ratings=st.lists(st.none() | st.floats(1, 5), min_size=6, max_size=6),
)
def test_scores_are_the_documented_formula(
    skills: list[str],
    titles: list[list[str]],
    distances: list[float | None],
    ratings: list[float | None],
) -> None:
    """Ranking scores cached candidates with components computed once per decoding; the
    scores are exactly :func:`match_score` of :func:`skill_overlap` computed per request."""
    jobs = [
        evolve(_feed_job(n, 100 + n, distance_km=distances[n]), title=" ".join(words))
        for n, words in enumerate(titles)
    ]
    candidates = decode_candidates(
        encode_candidates(jobs, dict(zip(range(100, 106), ratings, strict=True)))
    )
    for score, c in ranked(candidates, skills):
        overlap = skill_overlap(skills, c["subcategory_name"], c["title"])
        assert score == match_score(
            skills=overlap, distance_km=c["distance_km"], client_rating=c["rating"]
        )


def test_every_criterion_is_part_of_the_key() -> None:
    plain = FeedCriteria()
    assert candidates_key(plain) == candidates_key(FeedCriteria())
    assert candidates_key(plain) != candidates_key(FeedCriteria(industry_id=1))
    assert candidates_key(plain) != candidates_key(FeedCriteria(terms=("cook",)))


def test_decoded_candidates_are_reused_only_for_the_same_bytes() -> None:
    decoded = DecodedCandidates(size=2)
    first = encode_candidates([_feed_job(1, 7)], {})
    changed = encode_candidates([_feed_job(1, 7), _feed_job(2, 8)], {})
    once = decoded.decode("k", first)
    assert decoded.decode("k", bytes(first)) is once  # equal bytes read again: no decoding
    after_change = decoded.decode("k", changed)  # an invalidated value is never served
    assert [c["id"] for c in after_change.items] == [1, 2]
    decoded.decode("b", first)
    decoded.decode("c", first)  # the least recently used key ("k") goes
    assert decoded.decode("k", changed) is not after_change
