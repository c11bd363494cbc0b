"""Users, roles, profiles and payout accounts (DOMAIN.md Identity and profiles)."""

from __future__ import annotations

import enum
import re
from datetime import datetime

from attrs import define, field, frozen

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.contact import Email, PhoneNumber
from paeshift_core.domain.errors import InvalidInput, PermissionDenied, RuleViolation
from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.text import bounded_text

MAX_BIO = 1000
MAX_SKILLS = 30
MAX_SKILL_LEN = 40
MAX_ADDRESS = 300
MIN_PASSWORD = 8
MAX_PASSWORD = 128
_NUBAN = re.compile(r"^\d{10}$")


class Role(enum.StrEnum):
    CLIENT = "client"
    APPLICANT = "applicant"
    ADMIN = "admin"


def parse_role(value: Role | str) -> Role:
    """A role given by a caller (``role`` field); any of the three names is well-formed."""
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput("role", "must be client or applicant") from None


def person_name(field_name: str, value: str) -> str:
    return bounded_text(field_name, value, min_len=1, max_len=50)


def check_password(password: str, field_name: str = "password") -> str:
    """A new password: 8-128 characters, not only spaces. Returned unchanged (never stripped)."""
    if not isinstance(password, str) or not password.strip():
        raise InvalidInput(field_name, "must not be empty")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(field_name, f"must be at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(field_name, f"must be at most {MAX_PASSWORD} characters")
    return password


def profile_bio(value: str) -> str:
    return bounded_text("bio", value, max_len=MAX_BIO)


def profile_address(value: str) -> str:
    return bounded_text("address", value, max_len=MAX_ADDRESS)


@frozen(kw_only=True)
class UserSignedUp(DomainEvent):
    user_id: int
    role: str


@frozen(kw_only=True)
class UserVerified(DomainEvent):
    user_id: int


@frozen(kw_only=True)
class PasswordChanged(DomainEvent):
    user_id: int


@frozen(kw_only=True)
class RoleSwitched(DomainEvent):
    user_id: int
    role: str


@frozen(kw_only=True)
class ProfileUpdated(DomainEvent):
    """Public profile data changed (cache invalidation of public profiles)."""

    user_id: int


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
        if role is self.role:
            return
        self.role = role
        self.updated_at = now
        self.record(RoleSwitched(occurred_at=now, user_id=self.id, role=role.value))

    @property
    def can_log_in(self) -> bool:
        """Unverified and deactivated users cannot log in (DOMAIN.md Identity)."""
        return self.is_verified and self.is_active

    def mark_verified(self, now: datetime) -> None:
        if self.is_verified:
            return
        self.is_verified = True
        self.updated_at = now
        self.record(UserVerified(occurred_at=now, user_id=self.id))

    def change_password_hash(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.updated_at = now
        self.record(PasswordChanged(occurred_at=now, user_id=self.id))

    def update_profile(
        self,
        now: datetime,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        phone: PhoneNumber | None = None,
        bio: str | None = None,
        skills: tuple[str, ...] | None = None,
        address: str | None = None,
        location: GeoPoint | None = None,
        clear_location: bool = False,
    ) -> None:
        """Apply the given fields (``None`` leaves a field unchanged), already validated."""
        if first_name is not None:
            self.first_name = first_name
        if last_name is not None:
            self.last_name = last_name
        if phone is not None:
            self.phone = phone
        if bio is not None:
            self.bio = bio
        if skills is not None:
            self.skills = skills
        if address is not None:
            self.address = address
        if clear_location:
            self.location = None
        elif location is not None:
            self.location = location
        self.updated_at = now
        self.record(ProfileUpdated(occurred_at=now, user_id=self.id))

    def set_picture(self, url: str | None, now: datetime) -> None:
        """The URL of a picture already stored (checked by content), or ``None`` to remove it."""
        if url == self.picture:
            return
        self.picture = url
        self.updated_at = now
        self.record(ProfileUpdated(occurred_at=now, user_id=self.id))

    def set_payout_account(self, account: PayoutAccount, now: datetime) -> None:
        self.payout_account = account
        self.updated_at = now
