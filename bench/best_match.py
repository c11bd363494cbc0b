"""Ranking cached best-match candidates: per request from the texts (before) or from what was
computed once per decoding (now), in one run::

    .venv/bin/python -m bench.best_match

300 candidates like the seed's jobs (``"<subcategory> needed (<shift> shift)"`` titles, a
distance, a client rating or none) are ranked for viewers with one to three skills, as the
seed's applicants have. Each way runs the same viewers alternately; it prints the best of
five repeats in µs per ranking, and checks that both ways give the same scores in the same
order. Decoding itself (once per changed cache value) is not in either figure.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence

from adapters.sqlalchemy.seed_rows import default_catalog_rows
from bench.alternate import time_alternately
from paeshift_core.application.best_match import (
    BEST_MATCH_CANDIDATES,
    Candidate,
    decode_candidates,
    ranked,
)
from paeshift_core.domain.feed import match_score, skill_overlap


def ranked_before(
    candidates: Sequence[Candidate], skills: Sequence[str]
) -> list[tuple[float, Candidate]]:
    """The way it was: every candidate's texts split into words for every request."""
    scored = [
        (
            match_score(
                skills=skill_overlap(skills, c["subcategory_name"], c["title"]),
                distance_km=c["distance_km"],
                client_rating=c["rating"],
            ),
            c,
        )
        for c in candidates
    ]
    scored.sort(key=lambda sc: (-sc[0], sc[1]["starts_us"], sc[1]["id"]))
    return scored


def main(viewers: int) -> None:
    rng = random.Random(7)
    names = [name for _, _, name in default_catalog_rows()[2].subcategories]
    raw = json.dumps(
        [
            {
                "id": n,
                "subcategory_name": (name := rng.choice(names)),
                "title": f"{name} needed ({rng.choice(['morning', 'night'])} shift)",
                "distance_km": rng.uniform(0, 30),
                "rating": rng.choice([None, rng.uniform(1, 5)]),
                "starts_us": rng.randrange(10**15),
            }
            for n in range(BEST_MATCH_CANDIDATES)
        ]
    ).encode()
    skill_sets = [
        sorted({s.lower() for s in rng.sample(names, rng.randint(1, 3))}) for _ in range(viewers)
    ]
    decoded = decode_candidates(raw)
    plain = decoded.items

    def before() -> list[list[tuple[float, Candidate]]]:
        return [ranked_before(plain, skills) for skills in skill_sets]

    def now() -> list[list[tuple[float, Candidate]]]:
        return [ranked(decoded, skills) for skills in skill_sets]

    assert before() == now(), "both ways must give the same scores in the same order"
    ways = [("before", before), ("now", now)]
    time_alternately(ways, number=1, what=f"ranking of {len(plain)} candidates", per_call=viewers)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.best_match")
    parser.add_argument("--viewers", type=int, default=200)
    main(parser.parse_args().viewers)
