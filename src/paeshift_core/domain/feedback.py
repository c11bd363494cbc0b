"""Platform feedback: what users tell the company about Paeshift itself (issue 8, item 6).

A signed-in user sends a category, a message of 10-1000 characters and a rating 1-5 of the
platform; admins list it (open first or by status) and resolve it with an optional note.
``open → resolved`` only; resolving twice is a conflict that names the current status.
"""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import define, field

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import Conflict
from paeshift_core.domain.reviews import check_rating
from paeshift_core.domain.schedule import parse_choice
from paeshift_core.domain.text import bounded_text

MIN_MESSAGE = 10
MAX_MESSAGE = 1000
MAX_NOTE = 1000


class FeedbackCategory(enum.StrEnum):
    BUG = "bug"
    FEATURE_REQUEST = "feature_request"
    PAYMENTS = "payments"
    ACCOUNT = "account"
    SAFETY = "safety"
    GENERAL = "general"


class FeedbackStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


def _category(value: FeedbackCategory | str) -> FeedbackCategory:
    return parse_choice(FeedbackCategory, "category", value)


def _message(value: str) -> str:
    return bounded_text("message", value, min_len=MIN_MESSAGE, max_len=MAX_MESSAGE)


def _note(value: str) -> str:
    return bounded_text("note", value, max_len=MAX_NOTE)


@define(eq=False, kw_only=True)
class Feedback(Aggregate):
    user_id: int
    category: FeedbackCategory = field(converter=_category)
    message: str = field(converter=_message)
    rating: int = field(converter=check_rating)
    status: FeedbackStatus = FeedbackStatus.OPEN
    resolved_by: int | None = None
    resolved_at: datetime | None = None
    note: str = field(default="", converter=_note)
    created_at: datetime

    def resolve(self, admin_id: int, note: str, now: datetime) -> None:
        if self.status is not FeedbackStatus.OPEN:
            raise Conflict(
                f"feedback {self.id} is {self.status.value}; it cannot be resolved again",
                code="invalid_transition",
            )
        self.note = _note(note)
        self.status = FeedbackStatus.RESOLVED
        self.resolved_by = admin_id
        self.resolved_at = now
