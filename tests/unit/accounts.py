"""Test accounts made through the real use cases (sign-up, code by e-mail, login).

Use the ``accounts`` fixture (tests/unit/conftest.py)::

    client = await accounts.client()          # verified client, phone + address set
    worker = await accounts.applicant()       # verified applicant, phone + address set
    admin = await accounts.admin()            # operator-created admin
    fresh = await accounts.client(complete_profile=False)

Each returns an :class:`Account` with the ``principal`` to pass to use cases, the e-mail and
password, and the login ``tokens``. E-mail addresses are unique per call unless given.
"""

from __future__ import annotations

import itertools

from attrs import frozen

from adapters.memory.email import MemoryEmailSender
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Principal
from paeshift_core.application.identity import AuthTokens
from paeshift_core.application.profiles import ProfileChanges
from paeshift_core.domain.codes import CodePurpose
from paeshift_core.domain.users import Role

PASSWORD = "correct horse battery"
CLIENT_ADDRESS = "198.51.100.7"
LAGOS = (6.5244, 3.3792)


@frozen
class Account:
    principal: Principal
    email: str
    password: str
    tokens: AuthTokens

    @property
    def user_id(self) -> int:
        return self.principal.user_id


class Accounts:
    """Makes verified users through sign-up -> e-mailed code -> verify -> login."""

    def __init__(self, use_cases: UseCases, mailer: MemoryEmailSender) -> None:
        self.use_cases = use_cases
        self.mailer = mailer
        self._numbers = itertools.count(1)

    def new_email(self, prefix: str = "user") -> str:
        return f"{prefix}{next(self._numbers)}@example.com"

    async def signed_up(
        self, role: Role = Role.CLIENT, *, email: str | None = None, password: str = PASSWORD
    ) -> str:
        """An unverified user; returns the e-mail (the code is in ``mailer``)."""
        address = email or self.new_email(role.value)
        await self.use_cases.identity.sign_up(address, password, "Ada", "Obi", role)
        return address

    async def verified(
        self,
        role: Role = Role.CLIENT,
        *,
        email: str | None = None,
        password: str = PASSWORD,
        complete_profile: bool = True,
    ) -> Account:
        address = await self.signed_up(role, email=email, password=password)
        code = self.mailer.last_code(address, CodePurpose.REGISTRATION)
        await self.use_cases.identity.verify_code(address, CodePurpose.REGISTRATION, code)
        account = await self.log_in(address, password)
        if complete_profile:
            await self.use_cases.profiles.update_profile(
                account.principal,
                ProfileChanges(
                    phone="0803 123 4567",
                    address="12 Broad Street, Lagos Island",
                    latitude=LAGOS[0],
                    longitude=LAGOS[1],
                ),
            )
        return account

    async def client(self, *, email: str | None = None, complete_profile: bool = True) -> Account:
        """A verified client with phone and address (``complete_profile=False`` to skip)."""
        return await self.verified(Role.CLIENT, email=email, complete_profile=complete_profile)

    async def applicant(
        self, *, email: str | None = None, complete_profile: bool = True
    ) -> Account:
        """A verified applicant with phone and address (``complete_profile=False`` to skip)."""
        return await self.verified(Role.APPLICANT, email=email, complete_profile=complete_profile)

    async def admin(self, *, email: str | None = None) -> Account:
        address = email or self.new_email("admin")
        await self.use_cases.identity.create_admin(address, PASSWORD, "Ada", "Admin")
        return await self.log_in(address, PASSWORD)

    async def log_in(self, email: str, password: str = PASSWORD) -> Account:
        identity = self.use_cases.identity
        tokens = await identity.log_in(email, password, client_address=CLIENT_ADDRESS)
        principal = await identity.authenticate(tokens.access_token)
        return Account(principal=principal, email=email, password=password, tokens=tokens)
