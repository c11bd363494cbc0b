"""``/api/v1/me``: the caller's own account and profile (DOMAIN.md Identity and profiles)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, patch, put
from litestar.params import JSONBody

from adapters.http.auth import AUTHENTICATED, Caller, Services
from adapters.http.problems import documented
from adapters.http.schema_base import Input, Name, Output
from paeshift_core.application.profiles import ProfileChanges
from paeshift_core.domain.users import User

Skill = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class PayoutAccountOut(Output):
    bank: str
    account_number: str
    account_name: str


class LocationOut(Output):
    latitude: float
    longitude: float


class MeOut(Output):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    is_verified: bool
    phone: str | None
    bio: str
    skills: list[str]
    address: str
    location: LocationOut | None
    picture: str | None
    payout_account: PayoutAccountOut | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User) -> MeOut:
        payout = user.payout_account
        return cls(
            id=user.id,
            email=user.email.value,
            first_name=user.first_name,
            last_name=user.last_name,
            role=user.role.value,
            is_verified=user.is_verified,
            phone=user.phone.value if user.phone is not None else None,
            bio=user.bio,
            skills=list(user.skills),
            address=user.address,
            location=(
                LocationOut(latitude=user.location.latitude, longitude=user.location.longitude)
                if user.location is not None
                else None
            ),
            picture=user.picture,
            payout_account=(
                PayoutAccountOut(
                    bank=payout.bank,
                    account_number=payout.account_number,
                    account_name=payout.account_name,
                )
                if payout is not None
                else None
            ),
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


class ProfileIn(Input):
    """Only the fields given change; ``clear_location`` removes the coordinates."""

    first_name: Name | None = None
    last_name: Name | None = None
    phone: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None
    bio: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    skills: Annotated[list[Skill], msgspec.Meta(max_length=30)] | None = None
    address: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None
    clear_location: bool = False


class RoleIn(Input):
    role: Literal["client", "applicant"]


class PayoutAccountIn(Input):
    bank: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
    account_number: Annotated[str, msgspec.Meta(pattern=r"^\d{10}$")]
    account_name: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]


class MeController(Controller):
    path = "/me"
    tags = ["me"]
    security = AUTHENTICATED

    @get("", responses=documented(401), summary="The caller's account and profile")
    async def me(self, principal: Caller, services: Services) -> MeOut:
        return MeOut.of(await services.core.profiles.me(principal))

    @patch("", responses=documented(401), summary="Change profile fields")
    async def update(
        self, data: JSONBody[ProfileIn], principal: Caller, services: Services
    ) -> MeOut:
        changes = ProfileChanges(
            first_name=data.first_name,
            last_name=data.last_name,
            phone=data.phone,
            bio=data.bio,
            skills=data.skills,
            address=data.address,
            latitude=data.latitude,
            longitude=data.longitude,
            clear_location=data.clear_location,
        )
        return MeOut.of(await services.core.profiles.update_profile(principal, changes))

    @put("/role", responses=documented(401, 403), summary="Switch between client and applicant")
    async def switch_role(
        self, data: JSONBody[RoleIn], principal: Caller, services: Services
    ) -> MeOut:
        return MeOut.of(await services.core.profiles.switch_role(principal, data.role))

    @put("/payout-account", responses=documented(401), summary="Set the withdrawal bank account")
    async def payout_account(
        self, data: JSONBody[PayoutAccountIn], principal: Caller, services: Services
    ) -> MeOut:
        user = await services.core.profiles.set_payout_account(
            principal,
            bank=data.bank,
            account_number=data.account_number,
            account_name=data.account_name,
        )
        return MeOut.of(user)
