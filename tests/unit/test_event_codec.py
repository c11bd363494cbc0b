"""The outbox's event codec gives back the very event that was stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.sqlalchemy.event_codec import decode_event, encode_event
from paeshift_core.domain.disputes import (
    DisputeCategory,
    DisputeOpened,
    DisputeResolved,
    Resolution,
    ResolutionKind,
)
from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.marketplace_events import JobFunded
from paeshift_core.domain.money import Money

NOW = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
PARTIES = {"dispute_id": 1, "job_id": 2, "application_id": 3, "worker_id": 4, "client_id": 5}


@pytest.mark.parametrize(
    "event",
    [
        JobFunded(occurred_at=NOW, job_id=1, client_id=2, total_due=Money(4_400_000)),
        DisputeOpened(occurred_at=NOW, **PARTIES, opened_by=5, category=DisputeCategory.LATE),
        DisputeResolved(
            occurred_at=NOW, **PARTIES, resolution=Resolution(ResolutionKind.SPLIT, Money(10))
        ),
        DisputeResolved(occurred_at=NOW, **PARTIES, resolution=Resolution(ResolutionKind.REFUND)),
    ],
)
def test_an_event_round_trips(event: DomainEvent) -> None:
    name, payload = encode_event(event)
    assert name == type(event).__name__
    decoded = decode_event(name, payload)
    assert decoded == event
    assert type(decoded) is type(event)


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(LookupError):
        decode_event("NoSuchEvent", "{}")
