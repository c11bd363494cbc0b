"""Which seat each worker holds, and what each seat is worth (DOMAIN.md Money: a seat's fee).

The job's escrow holds ``total_due`` = Σ over seats of (``worker_pay`` + that seat's fee), where
the last seat's fee takes the rounding remainder. Once a shift has started, the set of
assigned applications is fixed (ongoing, then completed or no-show); they take seats 0, 1, …
in application id order, and the remaining seats are unfilled. So every seat, whether worked,
refunded or disputed, is worth a known amount and settling all of them empties the escrow.
"""

from __future__ import annotations

from collections.abc import Iterable

from paeshift_core.domain.disputes import SeatShare
from paeshift_core.domain.money import Money
from paeshift_core.domain.pricing import Pricing


def seat_shares(pricing: Pricing, assigned: Iterable[int]) -> dict[int, SeatShare]:
    """The share of each assigned application id (at most ``pricing.seats`` of them)."""
    ordered = sorted(set(assigned))
    return {
        app_id: SeatShare(pricing.worker_pay, pricing.seat_fee(index))
        for index, app_id in enumerate(ordered)
    }


def unfilled_total(pricing: Pricing, assigned_count: int) -> Money:
    """What the seats nobody took are worth: refunded to the client at settlement."""
    total = Money.zero(pricing.total_due.currency)
    for index in range(assigned_count, pricing.seats):
        total = total + pricing.seat_total(index)
    return total
