"""Base classes of every request and response body (API.md Principles).

Requests reject unknown fields, so a typo is a 422 naming the field rather than a silently
ignored value. Money travels as ``{"amount": <minor units>, "currency": "NGN"}``.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from paeshift_core.domain.money import Money


class Input(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A request body."""


class Output(msgspec.Struct, kw_only=True):
    """A response body."""


class MoneyIn(Input):
    amount: Annotated[int, msgspec.Meta(ge=0, le=10**15, description="minor units (kobo)")]
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] = "NGN"

    def to_money(self) -> Money:
        return Money(self.amount, self.currency)


class MoneyOut(Output):
    amount: int
    currency: str

    @classmethod
    def of(cls, money: Money) -> MoneyOut:
        return cls(amount=money.amount, currency=money.currency)


Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, examples=["ada@example.com"])]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**53 - 1)]
