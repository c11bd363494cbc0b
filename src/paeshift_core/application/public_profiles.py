"""Public profiles (DOMAIN.md Identity and profiles; Applications: reliability; Reviews).

Anyone may read a user's public profile: names, picture, role, member since, reliability
with its basis, completed shifts, and the rating summary. Never contact details, payout
account, balance or e-mail. Inactive users are ``NotFound``. Three statements: the user, the
reliability counts (one grouped statement) and the rating summary.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from paeshift_core.application.context import Deps
from paeshift_core.domain.errors import NotFound
from paeshift_core.domain.reliability import Reliability
from paeshift_core.domain.reviews import RatingSummary
from paeshift_core.domain.users import Role


@frozen(kw_only=True)
class PublicProfile:
    user_id: int
    first_name: str
    last_name: str
    picture: str | None
    role: Role
    bio: str
    skills: tuple[str, ...]
    member_since: datetime
    reliability: Reliability
    rating: RatingSummary

    @property
    def completed_shifts(self) -> int:
        return self.reliability.completed


class PublicProfileUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def get(self, user_id: int) -> PublicProfile:
        async with self._deps.uow(read_only=True) as uow:
            user = await uow.users.get(user_id)
            if not user.is_active:
                raise NotFound(f"user {user_id} not found")
            reliability = (await uow.applications.reliability_of([user_id]))[user_id]
            rating = (await uow.rating_summaries.get_many([user_id]))[user_id]
        return PublicProfile(
            user_id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            picture=user.picture,
            role=user.role,
            bio=user.bio,
            skills=tuple(user.skills),
            member_since=user.created_at,
            reliability=reliability,
            rating=rating,
        )
