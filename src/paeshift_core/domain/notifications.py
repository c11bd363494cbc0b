"""In-app notifications and their preferences (DOMAIN.md Notifications).

A :class:`Notification` tells one user about something that happened (a category, a title, a
body, an optional link to a job, application or dispute) and has a read flag. Notifications
are produced from committed domain events by the outbox relay, never inside the request's
transaction. :class:`NotificationPreferences` switch channels off per category: ``in_app`` is
always on; ``email`` and ``push`` can be turned off. A :class:`ProcessedEvent` remembers that a
handler has dealt with an event, so a redelivered event changes nothing (exactly once in
effect).
"""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import define, field, frozen

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.schedule import parse_choice
from paeshift_core.domain.text import bounded_text

MAX_TITLE = 120
MAX_BODY = 1000
MAX_HANDLER = 64


class Category(enum.StrEnum):
    """What a notification is about (DOMAIN.md Notifications); preferences are per category."""

    APPLICATION_RECEIVED = "application_received"
    APPLICATION_ACCEPTED = "application_accepted"
    APPLICATION_REJECTED = "application_rejected"
    APPLICATION_WITHDRAWN = "application_withdrawn"
    JOB_FUNDED = "job_funded"
    SHIFT_STARTING_SOON = "shift_starting_soon"
    SHIFT_STARTED = "shift_started"
    SHIFT_ENDED = "shift_ended"
    PAYMENT_RECEIVED = "payment_received"
    PAYOUT_PAID = "payout_paid"
    PAYOUT_FAILED = "payout_failed"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_UPDATED = "dispute_updated"
    DISPUTE_RESOLVED = "dispute_resolved"
    REVIEW_RECEIVED = "review_received"
    JOB_CANCELED = "job_canceled"


class Channel(enum.StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    PUSH = "push"


#: Channels a user may switch off; ``in_app`` is always on.
OPTIONAL_CHANNELS = (Channel.EMAIL, Channel.PUSH)


class LinkKind(enum.StrEnum):
    JOB = "job"
    APPLICATION = "application"
    DISPUTE = "dispute"
    WITHDRAWAL = "withdrawal"


@frozen
class Link:
    """What the notification points at, for the front end to open."""

    kind: LinkKind
    id: int


def _title(value: str) -> str:
    return bounded_text("title", value, min_len=1, max_len=MAX_TITLE)


def _body(value: str) -> str:
    return bounded_text("body", value, min_len=0, max_len=MAX_BODY)


@define(eq=False, kw_only=True)
class Notification(Aggregate):
    """One user's notification; ``source`` is the event (or periodic task key) it came from,
    so a retried e-mail step finds the notifications of an event again."""

    user_id: int
    category: Category
    title: str = field(converter=_title)
    body: str = field(converter=_body)
    link: Link | None = None
    source: str
    created_at: datetime
    read_at: datetime | None = None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self, now: datetime) -> None:
        """Idempotent: the first read time is kept."""
        if self.read_at is None:
            self.read_at = now


@define(eq=False, kw_only=True)
class NotificationPreferences(Aggregate):
    """A user's switched-off ``(category, channel)`` pairs; ``id`` is the user's id.

    Users without a stored row have every channel on (the default)."""

    disabled: frozenset[tuple[Category, Channel]] = frozenset()

    @property
    def user_id(self) -> int:
        return self.id

    def allows(self, category: Category, channel: Channel) -> bool:
        return channel is Channel.IN_APP or (category, channel) not in self.disabled

    def replace(self, disabled: frozenset[tuple[Category, Channel]]) -> None:
        """Set the switched-off pairs; ``in_app`` cannot be switched off."""
        if any(channel is Channel.IN_APP for _, channel in disabled):
            raise InvalidInput("in_app", "in-app notifications are always on")
        self.disabled = disabled


def parse_pair(category: str, channel: str) -> tuple[Category, Channel]:
    """A ``(category, channel)`` from request text, naming the offending field."""
    return parse_choice(Category, "category", category), parse_choice(Channel, "channel", channel)


def _handler(value: str) -> str:
    return bounded_text("handler", value, min_len=1, max_len=MAX_HANDLER)


@define(eq=False, kw_only=True)
class ProcessedEvent(Aggregate):
    """``handler`` has handled event ``event_id``; unique per ``(handler, event_id)``.

    Written in the same unit of work as the handler's effect, so the effect and the record
    exist together or not at all."""

    handler: str = field(converter=_handler)
    event_id: int
    processed_at: datetime
