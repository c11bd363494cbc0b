"""Checks on what the core hands to a gateway, the same for every adapter.

A bad reference or amount is our own bug, caught before any request leaves
(``InvalidInput`` naming the field), so no provider ever sees a charge we could not match.
"""

from __future__ import annotations

import re

from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.money import Money
from paeshift_core.ports.payments import REFERENCE_PATTERN

_REFERENCE = re.compile(REFERENCE_PATTERN)
_BANK_CODE = re.compile(r"^\d{3,6}$")
GATEWAY_CURRENCY = "NGN"
NO_BANK_CODE = "payout account has no numeric bank code"


def check_reference(reference: str) -> str:
    if not _REFERENCE.match(reference):
        raise InvalidInput("reference", "must be 8-50 lower-case letters, digits or '-'")
    return reference


def check_amount(amount: Money) -> Money:
    """Gateways move positive naira amounts only."""
    if amount.currency != GATEWAY_CURRENCY:
        raise InvalidInput("currency", f"gateways accept {GATEWAY_CURRENCY} only")
    if amount.amount <= 0:
        raise InvalidInput("amount", "must be positive")
    return amount


def bank_code(bank: str) -> str | None:
    """The payout account's bank as a numeric CBN/NIP code, or ``None`` if it is a name.

    Providers route transfers by bank code (Paystack ``bank_code``, Flutterwave
    ``account_bank``); a payout account saved with a bank *name* cannot be paid until the
    profile stores the code.
    """
    value = bank.strip()
    return value if _BANK_CODE.match(value) else None
