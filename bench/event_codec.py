"""Decoding an outbox event: its field types resolved on every call (before) or once (now).

``python -m bench.event_codec`` (no database) decodes the stored form of an
``ApplicationSubmitted``, the event the mixed workload's applications make, both ways
alternately; the best of five repeats of 20,000 decodes each.
"""

from __future__ import annotations

import json
import typing
from datetime import UTC, datetime
from typing import Any

import attrs

from adapters.sqlalchemy import event_codec
from bench.alternate import time_alternately
from paeshift_core.domain.marketplace_events import ApplicationSubmitted


def decode_resolving_each_time(cls: type[Any], raw: dict[str, Any]) -> Any:
    """The way it was: ``typing.get_type_hints`` on every call."""
    hints = typing.get_type_hints(cls)
    kwargs = {
        f.alias: event_codec._decode_value(hints[f.name], raw[f.name])
        for f in attrs.fields(cls)
        if f.init and f.name in raw
    }
    return cls(**kwargs)


def main() -> None:
    event = ApplicationSubmitted(
        occurred_at=datetime(2026, 11, 30, 4, 30, tzinfo=UTC),
        application_id=1,
        job_id=2,
        applicant_id=3,
        reapplied=False,
    )
    name, payload = event_codec.encode_event(event)

    def before() -> Any:
        cls = event_codec._event_classes()[name]
        return decode_resolving_each_time(cls, json.loads(payload))

    def after() -> Any:
        return event_codec.decode_event(name, payload)

    assert before() == after() == event, "both ways must give back the event"
    ways = [("resolved per call", before), ("resolved once", after)]
    time_alternately(ways, number=20_000, what="event")


if __name__ == "__main__":
    main()
