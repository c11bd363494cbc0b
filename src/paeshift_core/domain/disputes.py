"""Disputes about one worker's assignment (DOMAIN.md Disputes).

``open → in_review → resolved | rejected`` (an admin may also resolve or reject straight from
``open``). While a dispute is active (open or in review) the seat's money stays in escrow when
the shift ends (``held``). A resolution releases the seat to the worker (the worker gets
``worker_pay`` and the platform the seat's fee, as if settled normally), refunds the whole
seat to the client, or splits it: the worker gets the amount the admin gives, at most the held
seat, and the client the rest (the platform takes no fee on a split). A resolution given while
the shift is still going on is applied by the settlement at its end. Every change records an
event naming both parties so each is notified.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, TypeVar

from attrs import define, field, frozen

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import Conflict, InvalidInput, RuleViolation
from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.money import Money
from paeshift_core.domain.text import bounded_text

MAX_REASON = 2000


class DisputeStatus(enum.StrEnum):
    OPEN = "open"
    IN_REVIEW = "in_review"
    RESOLVED = "resolved"
    REJECTED = "rejected"


ACTIVE = frozenset({DisputeStatus.OPEN, DisputeStatus.IN_REVIEW})


class DisputeCategory(enum.StrEnum):
    NO_SHOW = "no_show"
    LATE = "late"
    QUALITY = "quality"
    CONDUCT = "conduct"
    HOURS = "hours"
    PAYMENT = "payment"
    OTHER = "other"


class ResolutionKind(enum.StrEnum):
    RELEASE = "release"
    REFUND = "refund"
    SPLIT = "split"


@frozen
class SeatShare:
    """What one seat holds in escrow: the worker's pay and that seat's fee."""

    worker_pay: Money
    fee: Money

    @property
    def total(self) -> Money:
        return self.worker_pay + self.fee


@frozen
class Resolution:
    """An admin's decision; ``worker_amount`` is given only for a split."""

    kind: ResolutionKind = field(converter=ResolutionKind)
    worker_amount: Money | None = None

    def __attrs_post_init__(self) -> None:
        if (self.kind is ResolutionKind.SPLIT) != (self.worker_amount is not None):
            raise InvalidInput("worker_amount", "give an amount for a split, and only then")
        if self.worker_amount is not None and self.worker_amount.amount < 0:
            raise InvalidInput("worker_amount", "cannot be negative")

    def payouts(self, seat: SeatShare) -> tuple[Money, Money, Money]:
        """``(to worker, to client, to platform fees)`` for a seat; they add up to the seat."""
        zero = Money.zero(seat.total.currency)
        if self.kind is ResolutionKind.RELEASE:
            return seat.worker_pay, zero, seat.fee
        if self.kind is ResolutionKind.REFUND:
            return zero, seat.total, zero
        assert self.worker_amount is not None
        if seat.total < self.worker_amount:
            raise RuleViolation(
                f"a split cannot give the worker {self.worker_amount}: the seat holds {seat.total}",
                code="split_exceeds_held",
            )
        return self.worker_amount, seat.total - self.worker_amount, zero


@frozen(kw_only=True)
class DisputeEvent(DomainEvent):
    dispute_id: int
    job_id: int
    application_id: int
    worker_id: int
    client_id: int


@frozen(kw_only=True)
class DisputeOpened(DisputeEvent):
    opened_by: int
    category: DisputeCategory


@frozen(kw_only=True)
class DisputeUpdated(DisputeEvent):
    status: DisputeStatus


@frozen(kw_only=True)
class DisputeResolved(DisputeEvent):
    resolution: Resolution


E = TypeVar("E", bound=DisputeEvent)


def _category(value: DisputeCategory | str) -> DisputeCategory:
    try:
        return DisputeCategory(value)
    except ValueError as exc:
        allowed = ", ".join(c.value for c in DisputeCategory)
        raise InvalidInput("category", f"must be one of {allowed}") from exc


def _reason_text(value: str) -> str:
    return bounded_text("reason", value, min_len=1, max_len=MAX_REASON)


@define(eq=False, kw_only=True)
class Dispute(Aggregate):
    job_id: int
    application_id: int
    worker_id: int
    client_id: int
    opened_by: int
    category: DisputeCategory = field(converter=_category)
    reason: str = field(converter=_reason_text)
    status: DisputeStatus = DisputeStatus.OPEN
    #: The seat's money is held in escrow (the shift ended while the dispute was active).
    held: bool = False
    #: The seat's money has moved according to this dispute (resolution or rejection).
    settled: bool = False
    resolution: Resolution | None = None
    decided_by: int | None = None
    note: str = ""
    created_at: datetime
    updated_at: datetime

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def _event(self, kind: type[E], now: datetime, **details: Any) -> E:
        """An event naming both parties, so each is notified (DOMAIN.md Disputes)."""
        return kind(
            occurred_at=now,
            dispute_id=self.id,
            job_id=self.job_id,
            application_id=self.application_id,
            worker_id=self.worker_id,
            client_id=self.client_id,
            **details,
        )

    def opened(self, now: datetime) -> None:
        self.record(
            self._event(DisputeOpened, now, opened_by=self.opened_by, category=self.category)
        )

    def _updated(self, now: datetime) -> None:
        self.updated_at = now
        self.record(self._event(DisputeUpdated, now, status=self.status))

    def _require_active(self, action: str) -> None:
        if not self.is_active:
            raise Conflict(
                f"cannot {action} dispute {self.id}: it is {self.status.value}",
                code="invalid_transition",
            )

    def start_review(self, admin_id: int, now: datetime) -> None:
        if self.status is not DisputeStatus.OPEN:
            raise Conflict(
                f"cannot review dispute {self.id}: it is {self.status.value}",
                code="invalid_transition",
            )
        self.status = DisputeStatus.IN_REVIEW
        self.decided_by = admin_id
        self._updated(now)

    def resolve(self, resolution: Resolution, admin_id: int, note: str, now: datetime) -> None:
        self._require_active("resolve")
        self.status = DisputeStatus.RESOLVED
        self.resolution = resolution
        self.decided_by = admin_id
        self.note = note
        self._updated(now)
        self.record(self._event(DisputeResolved, now, resolution=resolution))

    def reject(self, admin_id: int, note: str, now: datetime) -> None:
        self._require_active("reject")
        self.status = DisputeStatus.REJECTED
        self.decided_by = admin_id
        self.note = note
        self._updated(now)

    def hold(self) -> None:
        """The shift ended while this dispute was active: the seat stays in escrow."""
        self.held = True

    def mark_settled(self) -> None:
        self.held = False
        self.settled = True
