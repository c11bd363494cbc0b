"""Users, roles, profiles and payout accounts (DOMAIN.md Identity and profiles)."""

from __future__ import annotations

import enum
import re
from datetime import datetime

from attrs import define, field, frozen

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.contact import Email, PhoneNumber
from paeshift_core.domain.errors import InvalidInput, PermissionDenied, RuleViolation
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.text import bounded_text

MAX_BIO = 1000
MAX_SKILLS = 30
MAX_SKILL_LEN = 40
_NUBAN = re.compile(r"^\d{10}$")


class Role(enum.StrEnum):
    CLIENT = "client"
    APPLICANT = "applicant"
    ADMIN = "admin"


def person_name(field_name: str, value: str) -> str:
    return bounded_text(field_name, value, min_len=1, max_len=50)


def _bank(value: str) -> str:
    return bounded_text("bank", value, min_len=2, max_len=100)


def _account_name(value: str) -> str:
    return bounded_text("account_name", value, min_len=2, max_len=100)


def _strip(value: str) -> str:
    return value.strip()


@frozen
class PayoutAccount:
    """Where withdrawals go: a Nigerian bank account (10-digit NUBAN)."""

    bank: str = field(converter=_bank)
    account_number: str = field(converter=_strip)
    account_name: str = field(converter=_account_name)

    def __attrs_post_init__(self) -> None:
        if not _NUBAN.match(self.account_number):
            raise InvalidInput("account_number", "must be a 10-digit NUBAN account number")


def normalise_skills(skills: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Skills are short lower-case tags, without duplicates, in the order given."""
    if len(skills) > MAX_SKILLS:
        raise InvalidInput("skills", f"at most {MAX_SKILLS} skills")
    seen: dict[str, None] = {}
    for raw in skills:
        tag = bounded_text("skills", raw, min_len=1, max_len=MAX_SKILL_LEN).lower()
        seen.setdefault(tag, None)
    return tuple(seen)


@define(eq=False, kw_only=True)
class User(Aggregate):
    """A person on the platform; profile fields live on the same aggregate."""

    email: Email
    first_name: str
    last_name: str
    password_hash: str
    role: Role
    is_verified: bool = False
    is_active: bool = True
    created_at: datetime
    updated_at: datetime
    phone: PhoneNumber | None = None
    bio: str = ""
    skills: tuple[str, ...] = ()
    address: str = ""
    location: GeoPoint | None = None
    picture: str | None = None
    payout_account: PayoutAccount | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def has_contact_details(self) -> bool:
        """Phone and address are required before posting (client) or applying (applicant)."""
        return self.phone is not None and bool(self.address)

    def require_contact_details(self) -> None:
        if not self.has_contact_details:
            raise RuleViolation(
                "complete your profile (phone and address) first", code="profile_incomplete"
            )

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            wanted = " or ".join(r.value for r in roles)
            raise PermissionDenied(f"only a {wanted} may do this", code="wrong_role")

    def switch_role(self, role: Role, now: datetime) -> None:
        """Clients and applicants may switch between the two; admin is never self-granted."""
        if role is Role.ADMIN or self.role is Role.ADMIN:
            raise PermissionDenied("the admin role is granted by an operator only")
        self.role = role
        self.updated_at = now
