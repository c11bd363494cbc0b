"""Money: an integer number of minor units (kobo for NGN) and a currency (DOMAIN.md Conventions).

Never a float and never a Decimal in the domain. Rounding happens once, half-up, where a rule
says so (:func:`round_half_up`).
"""

from __future__ import annotations

from attrs import field, frozen

from paeshift_core.domain.errors import InvalidInput

DEFAULT_CURRENCY = "NGN"
SUPPORTED_CURRENCIES = frozenset({"NGN"})


def round_half_up(numerator: int, denominator: int) -> int:
    """Return ``numerator / denominator`` rounded half-up, using integers only."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (1 if 2 * remainder >= denominator else 0)


def _check_currency(_: object, __: object, value: str) -> None:
    if value not in SUPPORTED_CURRENCIES:
        raise InvalidInput("currency", f"unsupported currency {value!r}")


def _check_amount(_: object, __: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("amount", "must be an integer number of minor units")


@frozen(order=False)
class Money:
    """An amount in minor units with its currency; arithmetic only within one currency."""

    amount: int = field(validator=_check_amount)
    currency: str = field(default=DEFAULT_CURRENCY, validator=_check_currency)

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidInput("currency", f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(self.amount * factor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __str__(self) -> str:
        sign = "-" if self.amount < 0 else ""
        major, minor = divmod(abs(self.amount), 100)
        return f"{sign}{self.currency} {major:,}.{minor:02d}"
