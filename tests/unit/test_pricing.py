"""Pricing and the fee rule (DOMAIN.md Jobs: Pricing; Money: a seat's fee)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.money import Money, round_half_up
from paeshift_core.domain.pricing import Pricing


def test_worked_example() -> None:
    # ₦1,500/h for an 8 h shift, 3 seats, 10 %: pay 12,000; cost 36,000; fee 3,600.
    p = Pricing.compute(Money(150_000), 8 * 60, 3, 1_000)
    assert p.worker_pay == Money(1_200_000)
    assert p.job_cost == Money(3_600_000)
    assert p.service_fee == Money(360_000)
    assert p.total_due == Money(3_960_000)


def test_half_up_rounding_of_pay() -> None:
    # 101 kobo/h for 30 min is 50.5 kobo: rounds half-up to 51.
    assert Pricing.compute(Money(101), 30, 1, 0).worker_pay == Money(51)
    assert round_half_up(5, 2) == 3
    assert round_half_up(4, 3) == 1


@given(
    rate=st.integers(100, 10_000_000),
    minutes=st.integers(1, 24 * 60 * 60),
    seats=st.integers(1, 100),
    fee_bp=st.integers(0, 10_000),
)
def test_seat_fees_sum_to_the_fee_and_total_is_cost_plus_fee(
    rate: int, minutes: int, seats: int, fee_bp: int
) -> None:
    p = Pricing.compute(Money(rate), minutes, seats, fee_bp)
    assert p.total_due == p.job_cost + p.service_fee
    assert p.job_cost == p.worker_pay * seats
    assert sum(p.seat_fee(i).amount for i in range(seats)) == p.service_fee.amount
    assert sum(p.seat_total(i).amount for i in range(seats)) == p.total_due.amount
    assert all(p.seat_fee(i).amount >= 0 for i in range(seats))


@pytest.mark.parametrize(
    ("rate", "seats", "field"),
    [
        (99, 1, "hourly_rate"),
        (-100, 1, "hourly_rate"),
        (100, 0, "applicants_needed"),
        (100, 101, "applicants_needed"),
    ],
)
def test_invalid_pricing_inputs_name_the_field(rate: int, seats: int, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        Pricing.compute(Money(rate), 60, seats, 1_000)
    assert info.value.field == field
