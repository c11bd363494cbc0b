"""Counterparts: the people a user shares a job with, and what they may see of each other.

DOMAIN.md Identity (contact details are private) and COMPAT_API.md (``/jobs/all-users``,
``whoami``): a user's counterparts are the applicants to the jobs they posted and the clients
of the jobs they applied to (any application status). Only counterparts learn each other's
e-mail address and phone number; everybody else sees the public profile. The decision lives
here, in the core, so no driving adapter can widen it.
"""

from __future__ import annotations

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.domain.errors import NotFound
from paeshift_core.domain.users import Role
from paeshift_core.ports.unit_of_work import UnitOfWork

#: Rows read per statement while walking a user's jobs and applications.
_BATCH = 100


@frozen(kw_only=True)
class Contact:
    """A counterpart as the other side may see them."""

    user_id: int
    first_name: str
    last_name: str
    role: Role
    email: str
    phone: str | None


async def _counterpart_ids(uow: UnitOfWork, user_id: int) -> set[int]:
    found: set[int] = set()
    after = None
    while True:
        jobs = await uow.jobs.list_for_client(user_id, statuses=None, after=after, limit=_BATCH)
        for job in jobs:
            found.update(a.applicant_id for a in await uow.applications.list_for_job(job.id))
        if len(jobs) < _BATCH:
            break
        after = (jobs[-1].created_at, jobs[-1].id)
    after = None
    while True:
        applied = await uow.applications.list_for_applicant(
            user_id, statuses=None, after=after, limit=_BATCH
        )
        found.update(job.client_id for _, job in applied)
        if len(applied) < _BATCH:
            break
        last = applied[-1][0]
        after = (last.created_at, last.id)
    found.discard(user_id)
    return found


def _contact(user_id: int, first: str, last: str, role: Role, email: str, phone: object) -> Contact:
    return Contact(
        user_id=user_id,
        first_name=first,
        last_name=last,
        role=role,
        email=email,
        phone=None if phone is None else str(phone),
    )


class CounterpartUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def list_mine(self, principal: Principal) -> list[Contact]:
        """The caller's counterparts (active users only), by id."""
        async with self._deps.uow(read_only=True) as uow:
            ids = sorted(await _counterpart_ids(uow, principal.user_id))
            users = await uow.users.get_many(ids)
        return [
            _contact(u.id, u.first_name, u.last_name, u.role, u.email.value, u.phone)
            for u in (users[i] for i in ids if i in users)
            if u.is_active
        ]

    async def contact_of(self, principal: Principal, user_id: int) -> Contact | None:
        """``user_id``'s contact details if they are the caller's counterpart, else None.

        NotFound for an unknown or deactivated user.
        """
        async with self._deps.uow(read_only=True) as uow:
            user = await uow.users.get(user_id)
            if not user.is_active:
                raise NotFound(f"user {user_id} not found")
            if user_id not in await _counterpart_ids(uow, principal.user_id):
                return None
        return _contact(
            user.id, user.first_name, user.last_name, user.role, user.email.value, user.phone
        )
