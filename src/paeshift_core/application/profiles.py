"""Profile use cases: own profile, role switch, payout account (DOMAIN.md Identity and profiles).

Every method acts on the caller's own user (the :class:`Principal`), never on a user id taken
from request data, and returns the updated :class:`User` aggregate.
"""

from __future__ import annotations

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.domain.contact import PhoneNumber
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.users import (
    PayoutAccount,
    Role,
    User,
    normalise_skills,
    parse_role,
    person_name,
    profile_address,
    profile_bio,
)


@frozen(kw_only=True)
class ProfileChanges:
    """Raw profile input; ``None`` leaves a field unchanged.

    Coordinates come as a pair (both or neither); ``clear_location`` removes them.
    """

    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    bio: str | None = None
    skills: tuple[str, ...] | list[str] | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    clear_location: bool = False


def _location(changes: ProfileChanges) -> GeoPoint | None:
    if changes.latitude is None and changes.longitude is None:
        return None
    if changes.latitude is None:
        raise InvalidInput("latitude", "is required with longitude")
    if changes.longitude is None:
        raise InvalidInput("longitude", "is required with latitude")
    return GeoPoint(changes.latitude, changes.longitude)


class ProfileUseCases:
    """The caller's own profile."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def me(self, principal: Principal) -> User:
        async with self._deps.uow(read_only=True) as uow:
            return await uow.users.get(principal.user_id)

    async def update_profile(self, principal: Principal, changes: ProfileChanges) -> User:
        """Validate every given field (errors name it), then apply them together."""
        first = (
            None if changes.first_name is None else person_name("first_name", changes.first_name)
        )
        last = None if changes.last_name is None else person_name("last_name", changes.last_name)
        phone = None if changes.phone is None else PhoneNumber(changes.phone)
        bio = None if changes.bio is None else profile_bio(changes.bio)
        skills = None if changes.skills is None else normalise_skills(changes.skills)
        address = None if changes.address is None else profile_address(changes.address)
        location = _location(changes)
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            user = await uow.users.get(principal.user_id, for_update=True)
            user.update_profile(
                now,
                first_name=first,
                last_name=last,
                phone=phone,
                bio=bio,
                skills=skills,
                address=address,
                location=location,
                clear_location=changes.clear_location,
            )
            await uow.commit()
        return user

    async def switch_role(self, principal: Principal, role: Role | str) -> User:
        """Client <-> applicant only; admin is neither granted nor given up here."""
        wanted = parse_role(role)
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            user = await uow.users.get(principal.user_id, for_update=True)
            user.switch_role(wanted, now)
            await uow.commit()
        return user

    async def set_payout_account(
        self, principal: Principal, *, bank: str, account_number: str, account_name: str
    ) -> User:
        """Where withdrawals go (10-digit NUBAN)."""
        account = PayoutAccount(bank=bank, account_number=account_number, account_name=account_name)
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            user = await uow.users.get(principal.user_id, for_update=True)
            user.set_payout_account(account, now)
            await uow.commit()
        return user
