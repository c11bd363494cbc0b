"""Job pricing and the fee rule (DOMAIN.md Jobs: Pricing; Money: a seat's fee).

``worker_pay = round(hourly_rate × billable_hours)``; ``job_cost = worker_pay × seats``;
``service_fee = round(job_cost × fee_rate)``; ``total_due = job_cost + service_fee``.
Rounding is half-up, once per rule, in integers (the fee rate is held in basis points). The
fee is split over the seats with the last seat taking the remainder, so settling every seat
empties the escrow exactly.
"""

from __future__ import annotations

from attrs import frozen

from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.money import Money, round_half_up

BASIS_POINTS = 10_000
DEFAULT_FEE_RATE_BP = 1_000  # 10 %
MIN_HOURLY_RATE = 100  # one naira in kobo
MAX_SEATS = 100


@frozen
class Pricing:
    """The money figures fixed when a job is created (recomputed on edit)."""

    hourly_rate: Money
    billable_minutes: int
    seats: int
    fee_rate_bp: int
    worker_pay: Money
    job_cost: Money
    service_fee: Money
    total_due: Money

    @classmethod
    def compute(
        cls, hourly_rate: Money, billable_minutes: int, seats: int, fee_rate_bp: int
    ) -> Pricing:
        if hourly_rate.amount < MIN_HOURLY_RATE:
            raise InvalidInput("hourly_rate", "must be at least 1 naira (100 kobo)")
        if not 1 <= seats <= MAX_SEATS:
            raise InvalidInput("applicants_needed", f"must be between 1 and {MAX_SEATS}")
        if billable_minutes <= 0:
            raise InvalidInput("schedule", "billable time must be positive")
        if not 0 <= fee_rate_bp <= BASIS_POINTS:
            raise InvalidInput("fee_rate_bp", "must be between 0 and 10000 basis points")
        currency = hourly_rate.currency
        worker_pay = round_half_up(hourly_rate.amount * billable_minutes, 60)
        job_cost = worker_pay * seats
        service_fee = round_half_up(job_cost * fee_rate_bp, BASIS_POINTS)
        return cls(
            hourly_rate=hourly_rate,
            billable_minutes=billable_minutes,
            seats=seats,
            fee_rate_bp=fee_rate_bp,
            worker_pay=Money(worker_pay, currency),
            job_cost=Money(job_cost, currency),
            service_fee=Money(service_fee, currency),
            total_due=Money(job_cost + service_fee, currency),
        )

    def seat_fee(self, seat_index: int) -> Money:
        """Fee share of seat ``seat_index`` (0-based); the last seat takes the remainder."""
        if not 0 <= seat_index < self.seats:
            raise InvalidInput("seat_index", f"must be between 0 and {self.seats - 1}")
        base = self.service_fee.amount // self.seats
        if seat_index == self.seats - 1:
            base = self.service_fee.amount - base * (self.seats - 1)
        return Money(base, self.service_fee.currency)

    def seat_total(self, seat_index: int) -> Money:
        """What one seat costs the client: the worker's pay plus that seat's fee."""
        return self.worker_pay + self.seat_fee(seat_index)
