"""Contact value objects: e-mail addresses and Nigerian phone numbers (DOMAIN.md Identity)."""

from __future__ import annotations

import re

from attrs import field, frozen

from paeshift_core.domain.errors import InvalidInput

_EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
# Nigerian mobile numbers: 0XXXXXXXXXX (11 digits), 234XXXXXXXXXX or +234XXXXXXXXXX, where the
# national significant number has 10 digits starting 7, 8 or 9.
_NG_PHONE = re.compile(r"^(?:\+?234|0)([789][01]\d{8})$")


def _normalise_email(value: str) -> str:
    return value.strip().lower()


def _check_email(_: object, __: object, value: str) -> None:
    if len(value) > 254 or not _EMAIL.match(value):
        raise InvalidInput("email", "is not a valid e-mail address")


@frozen
class Email:
    """An e-mail address, compared case-insensitively (stored lower-cased)."""

    value: str = field(converter=_normalise_email, validator=_check_email)

    def __str__(self) -> str:
        return self.value


def _normalise_phone(value: str) -> str:
    compact = re.sub(r"[\s\-().]", "", value)
    match = _NG_PHONE.match(compact)
    if not match:
        raise InvalidInput("phone", "must be a Nigerian mobile number, e.g. 0803 123 4567")
    return f"+234{match.group(1)}"


@frozen
class PhoneNumber:
    """A Nigerian mobile number normalised to E.164 (``+234`` and ten digits)."""

    value: str = field(converter=_normalise_phone)

    def __str__(self) -> str:
        return self.value
