"""Identity use cases: sign-up, codes, login, tokens, passwords (DOMAIN.md Identity).

Results: users are returned as the :class:`User` aggregate (the HTTP layer maps the fields it
shows); login and refresh return an :class:`AuthTokens` record; ``authenticate`` returns the
:class:`Principal` every other use case takes.

Rules kept here:

- Sign-up creates an *unverified* client or applicant (admin only through ``create_admin``,
  an operator command) and e-mails a 6-digit registration code after the commit.
- Codes (see ``domain/codes.py``) are low-entropy, so they are stored with the slow password
  hasher, not a fast digest. A guess is *counted before it is checked* (in its own committed
  transaction), so parallel guesses cannot share one counted attempt: under optimistic
  concurrency only one of them gets its count committed, the others fail before being checked.
  A right code clears the count.
- Login counts every attempt against a per-address and a per-e-mail limit *before* the
  password is checked (so a rate-limited caller learns nothing even with the right password);
  a successful login clears the e-mail's count but not the address's (one valid account must
  not launder an address's budget), which is why the address limit is generous (shared NATs).
  Unknown e-mail addresses cost a dummy hash verification, so timing does not tell which
  addresses exist; unverified and deactivated users are told so only after a right password.
- Login by code (``log_in_with_code``) counts the same login limits first, then redeems the
  code under its lockout; a registration code also starts a session, a reset code never.
- Refresh tokens rotate within a family; presenting an already rotated token revokes the whole
  family. Logout revokes the family; password change and reset revoke every refresh token of
  the user. Access tokens are short-lived (15 min) and are not revoked individually.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.read_models import PRINCIPAL_TTL_S, PRINCIPALS
from paeshift_core.domain.codes import (
    CODE_DIGITS,
    CODE_TTL,
    CodeAttempts,
    CodePurpose,
    OneTimeCode,
    new_code,
)
from paeshift_core.domain.contact import Email
from paeshift_core.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
)
from paeshift_core.domain.tokens import (
    REFRESH_TTL,
    RefreshToken,
    digest_token,
    new_refresh_token,
)
from paeshift_core.domain.users import (
    Role,
    User,
    UserSignedUp,
    check_password,
    parse_role,
    person_name,
)
from paeshift_core.ports.email import EmailMessage
from paeshift_core.ports.rate_limit import Limit
from paeshift_core.ports.unit_of_work import UnitOfWork

#: Login attempts per e-mail address (cleared by a successful login).
LOGIN_PER_EMAIL = Limit("login:email", 10, 15 * 60)
#: Login attempts per client address (never cleared by success; sized for shared NATs).
LOGIN_PER_ADDRESS = Limit("login:address", 100, 15 * 60)
#: Codes e-mailed per address (resend, password reset): stops mail bombing.
CODES_PER_EMAIL = Limit("codes:email", 5, 60 * 60)
#: Sign-ups per client address, when the HTTP layer gives one.
SIGNUPS_PER_ADDRESS = Limit("signup:address", 20, 60 * 60)
#: Password-change attempts per user (the current password is a guessable secret).
PASSWORD_CHANGES_PER_USER = Limit("password_change:user", 5, 15 * 60)

_CODE_FORMAT = re.compile(rf"^[0-9]{{{CODE_DIGITS}}}$")
_SIGN_UP_ROLES = (Role.CLIENT, Role.APPLICANT)
_DUMMY_PASSWORD = "paeshift-timing-equaliser"

_SUBJECTS = {
    CodePurpose.REGISTRATION: "Your Paeshift verification code",
    CodePurpose.PASSWORD_RESET: "Your Paeshift password reset code",
    CodePurpose.LOGIN: "Your Paeshift login code",
}

#: What a redeemed code does, inside the redeeming transaction.
CodeAction = Callable[[UnitOfWork, datetime], Awaitable[None]]


@frozen
class AuthTokens:
    """A login session: a short-lived access token and the rotating refresh token.

    The refresh token is shown once, here; only its digest is stored.
    """

    user_id: int
    role: Role
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


@frozen
class _NewAccount:
    """Validated sign-up input (every field checked before any slow hashing)."""

    email: Email
    first_name: str
    last_name: str

    @classmethod
    def of(cls, email: str, password: str, first_name: str, last_name: str) -> _NewAccount:
        account = cls(
            email=Email(email),
            first_name=person_name("first_name", first_name),
            last_name=person_name("last_name", last_name),
        )
        check_password(password)
        return account


def _email(value: str) -> Email:
    return Email(value)


async def _registered(uow: UnitOfWork, address: str) -> User:
    """The user a code was sent to (codes are only ever sent to registered addresses)."""
    user = await uow.users.find_by_email(address)
    if user is None:
        raise NotFound("no account for this e-mail address")
    return user


def _code_input(code: str) -> str:
    cleaned = code.strip() if isinstance(code, str) else ""
    if not _CODE_FORMAT.match(cleaned):
        raise InvalidInput("code", f"must be {CODE_DIGITS} digits")
    return cleaned


class IdentityUseCases:
    """Accounts, one-time codes, sessions and passwords."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._dummy_hash: str | None = None

    # -- sign-up and codes ------------------------------------------------------------------
    async def sign_up(
        self,
        email: str,
        password: str,
        first_name: str,
        last_name: str,
        role: Role | str = Role.CLIENT,
        *,
        client_address: str | None = None,
    ) -> User:
        """Create an unverified client or applicant and e-mail a registration code.

        An address already registered is a ``Conflict`` (``email_taken``), verified or not:
        letting a second sign-up replace an unverified account would let an attacker set the
        password of an account its real owner is about to verify.
        """
        account = _NewAccount.of(email, password, first_name, last_name)
        wanted = parse_role(role)
        if wanted not in _SIGN_UP_ROLES:
            raise PermissionDenied(
                "the admin role is granted by an operator only", code="admin_not_grantable"
            )
        if client_address is not None:
            await self._deps.rate_limiter.hit(SIGNUPS_PER_ADDRESS, client_address)
        password_hash = await self._deps.hasher.hash(password)
        code = new_code()
        code_hash = await self._deps.hasher.hash(code)
        now = self._deps.clock.now()
        address = account.email.value
        async with self._deps.uow() as uow:
            user = await self._add_user(uow, account, password_hash, wanted, now)
            user.record(UserSignedUp(occurred_at=now, user_id=user.id, role=wanted.value))
            await self._replace_code(uow, address, CodePurpose.REGISTRATION, code_hash, now)
            await uow.commit()
        await self._send_code(address, CodePurpose.REGISTRATION, code)
        return user

    async def resend_code(self, email: str, purpose: CodePurpose | str) -> None:
        """Send a new code (invalidating the previous one of that purpose).

        Silent when there is nothing to send (unknown address, already verified), so the
        answer does not tell which addresses have accounts.
        """
        address = _email(email).value
        wanted = self._purpose(purpose)
        await self._deps.rate_limiter.hit(CODES_PER_EMAIL, address)
        async with self._deps.uow() as uow:
            user = await uow.users.find_by_email(address)
        if user is None or not user.is_active:
            return
        if wanted is CodePurpose.REGISTRATION and user.is_verified:
            return
        await self._issue_code(address, wanted)

    async def verify_code(self, email: str, purpose: CodePurpose | str, code: str) -> None:
        """Redeem a code; a registration code marks the user verified.

        Password-reset codes are redeemed only together with the new password
        (:meth:`confirm_password_reset`), so checking one here cannot burn it.
        """
        address = _email(email).value
        wanted = self._purpose(purpose)
        if wanted is CodePurpose.PASSWORD_RESET:
            raise InvalidInput("purpose", "a reset code is confirmed with the new password")

        async def mark_verified(uow: UnitOfWork, now: datetime) -> None:
            (await _registered(uow, address)).mark_verified(now)

        action = mark_verified if wanted is CodePurpose.REGISTRATION else None
        await self._redeem(address, wanted, code, action)

    # -- sessions ---------------------------------------------------------------------------
    async def log_in(self, email: str, password: str, *, client_address: str) -> AuthTokens:
        """Check the password and start a new session (a new refresh-token family)."""
        address = _email(email).value
        limiter = self._deps.rate_limiter
        await limiter.hit(LOGIN_PER_ADDRESS, client_address)
        await limiter.hit(LOGIN_PER_EMAIL, address)
        async with self._deps.uow() as uow:
            user = await uow.users.find_by_email(address)
        if user is None:
            await self._deps.hasher.verify(await self._dummy(), password)
            raise Unauthenticated("wrong e-mail or password", code="invalid_credentials")
        if not await self._deps.hasher.verify(user.password_hash, password):
            raise Unauthenticated("wrong e-mail or password", code="invalid_credentials")
        self._require_can_log_in(user)
        await limiter.reset(LOGIN_PER_EMAIL, address)
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            tokens = await self._new_session(uow, user, self._deps.ids.next_id(), now)
            await uow.commit()
        return tokens

    async def log_in_with_code(
        self,
        email: str,
        code: str,
        *,
        client_address: str,
        purpose: CodePurpose | str = CodePurpose.LOGIN,
    ) -> AuthTokens:
        """Start a session with an e-mailed code instead of the password.

        The login limits of :meth:`log_in` are counted first (per address and per e-mail,
        before anything is checked), then the code is redeemed under the codes' own lockout
        (5 wrong → 15 minutes); success clears the e-mail's login count like a password login.
        A ``login`` code needs a verified, active user (told only after a right code, as
        with a password). A ``registration`` code proves the address exactly as a login
        code does, so redeeming it marks the user verified and starts the session in the same
        transaction (the legacy front end logs in on verification). A ``password_reset`` code
        never logs in: it is redeemed only together with the new password.
        """
        address = _email(email).value
        wanted = self._purpose(purpose)
        if wanted is CodePurpose.PASSWORD_RESET:
            raise InvalidInput("purpose", "a reset code is confirmed with the new password")
        _code_input(code)
        limiter = self._deps.rate_limiter
        await limiter.hit(LOGIN_PER_ADDRESS, client_address)
        await limiter.hit(LOGIN_PER_EMAIL, address)
        started: list[AuthTokens] = []

        async def start_session(uow: UnitOfWork, now: datetime) -> None:
            user = await _registered(uow, address)
            if wanted is CodePurpose.REGISTRATION:
                user.mark_verified(now)
            self._require_can_log_in(user)
            started.append(await self._new_session(uow, user, self._deps.ids.next_id(), now))

        await self._redeem(address, wanted, code, start_session)
        await limiter.reset(LOGIN_PER_EMAIL, address)
        return started[0]

    async def refresh(self, refresh_token: str) -> AuthTokens:
        """Rotate a refresh token; a reused (already rotated) token revokes its family."""
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            token = await uow.refresh_tokens.find_by_hash(digest_token(refresh_token))
            if token is None:
                raise Unauthenticated("invalid refresh token", code="invalid_refresh_token")
            if token.was_rotated:
                await self._revoke_family(uow, token.family_id, now)
                await uow.commit()
                raise Unauthenticated(
                    "this refresh token was already used; log in again",
                    code="refresh_token_reused",
                )
            if not token.is_usable(now):
                raise Unauthenticated("refresh token expired or revoked", code="session_expired")
            user = await uow.users.get(token.user_id)
            if not user.can_log_in:
                await self._revoke_family(uow, token.family_id, now)
                await uow.commit()
                self._require_can_log_in(user)
            token.rotate(now)
            tokens = await self._new_session(uow, user, token.family_id, now)
            await uow.commit()
        return tokens

    async def log_out(self, refresh_token: str) -> None:
        """Revoke the session (the token's family). Unknown tokens are ignored: idempotent."""
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            token = await uow.refresh_tokens.find_by_hash(digest_token(refresh_token))
            if token is None:
                return
            await self._revoke_family(uow, token.family_id, now)
            await uow.commit()

    async def log_out_everywhere(self, principal: Principal) -> None:
        """Revoke every refresh token of the caller (all devices)."""
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            await self._revoke_all(uow, principal.user_id, now)
            await uow.commit()

    async def authenticate(self, access_token: str) -> Principal:
        """Resolve a bearer access token to the caller; the user must still be able to log in.

        The role comes from the stored user, not the token, so a role switch takes effect at
        once. Every authenticated request needs it, so it is a cached read model
        (``read_models.PRINCIPALS``): a role switch or a verification invalidates it at commit;
        a user who may not log in is never cached (a refusal is not a value). A change made
        outside the use cases (an operator deactivating an account in SQL) is seen within
        ``PRINCIPAL_TTL_S``.
        """
        claims = self._deps.tokens.verify_access(access_token, self._deps.clock.now())

        async def role_of_user_who_may_log_in() -> bytes:
            async with self._deps.uow(read_only=True) as uow:
                try:
                    user = await uow.users.get(claims.user_id)
                except NotFound:
                    raise Unauthenticated("unknown user", code="invalid_token") from None
            self._require_can_log_in(user)
            return user.role.value.encode()

        role = await self._deps.cache.get_or_load(
            PRINCIPALS, str(claims.user_id), role_of_user_who_may_log_in, PRINCIPAL_TTL_S
        )
        return Principal(user_id=claims.user_id, role=Role(role.decode()))

    def token_user_id(self, access_token: str) -> int | None:
        """The user a valid, unexpired access token was issued to, else None. No lookup: it
        says whose request budget a request spends (the HTTP adapter's general limit), not
        who may act; ``authenticate`` decides that."""
        try:
            return self._deps.tokens.verify_access(access_token, self._deps.clock.now()).user_id
        except Unauthenticated:
            return None

    # -- passwords --------------------------------------------------------------------------
    async def request_password_reset(self, email: str) -> None:
        """E-mail a password-reset code; silent for unknown or deactivated accounts."""
        address = _email(email).value
        await self._deps.rate_limiter.hit(CODES_PER_EMAIL, address)
        async with self._deps.uow() as uow:
            user = await uow.users.find_by_email(address)
        if user is None or not user.is_active:
            return
        await self._issue_code(address, CodePurpose.PASSWORD_RESET)

    async def confirm_password_reset(self, email: str, code: str, new_password: str) -> None:
        """Set a new password with a reset code; revokes every session.

        Receiving the code proves the address, so an unverified user becomes verified.
        """
        address = _email(email).value
        check_password(new_password, "new_password")
        password_hash = await self._deps.hasher.hash(new_password)

        async def reset(uow: UnitOfWork, now: datetime) -> None:
            user = await _registered(uow, address)
            user.change_password_hash(password_hash, now)
            user.mark_verified(now)
            await self._revoke_all(uow, user.id, now)

        await self._redeem(address, CodePurpose.PASSWORD_RESET, code, reset)

    async def change_password(
        self, principal: Principal, current_password: str, new_password: str
    ) -> None:
        """Change the password (the current one is required); revokes every session."""
        check_password(new_password, "new_password")
        await self._deps.rate_limiter.hit(PASSWORD_CHANGES_PER_USER, str(principal.user_id))
        async with self._deps.uow() as uow:
            user = await uow.users.get(principal.user_id)
        if not await self._deps.hasher.verify(user.password_hash, current_password):
            raise InvalidInput("current_password", "is not correct", code="wrong_password")
        password_hash = await self._deps.hasher.hash(new_password)
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            user = await uow.users.get(principal.user_id, for_update=True)
            user.change_password_hash(password_hash, now)
            await self._revoke_all(uow, user.id, now)
            await uow.commit()

    # -- operator ---------------------------------------------------------------------------
    async def create_admin(
        self, email: str, password: str, first_name: str, last_name: str
    ) -> User:
        """Create a verified admin. Operator command (CLI) only: never exposed over HTTP."""
        account = _NewAccount.of(email, password, first_name, last_name)
        password_hash = await self._deps.hasher.hash(password)
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            user = await self._add_user(uow, account, password_hash, Role.ADMIN, now)
            user.is_verified = True
            await uow.commit()
        return user

    # -- internals --------------------------------------------------------------------------
    @staticmethod
    def _purpose(purpose: CodePurpose | str) -> CodePurpose:
        try:
            return CodePurpose(purpose)
        except ValueError:
            raise InvalidInput("purpose", "must be registration, password_reset or login") from None

    async def _add_user(
        self, uow: UnitOfWork, account: _NewAccount, password_hash: str, role: Role, now: datetime
    ) -> User:
        """E-mail addresses are unique (case-insensitive; the store enforces it too)."""
        if await uow.users.find_by_email(account.email.value) is not None:
            raise Conflict("this e-mail address is already registered", code="email_taken")
        user = User(
            id=self._deps.ids.next_id(),
            email=account.email,
            first_name=account.first_name,
            last_name=account.last_name,
            password_hash=password_hash,
            role=role,
            created_at=now,
            updated_at=now,
        )
        await uow.users.add(user)
        return user

    @staticmethod
    def _require_can_log_in(user: User) -> None:
        if not user.is_active:
            raise Unauthenticated("this account is deactivated", code="account_inactive")
        if not user.is_verified:
            raise Unauthenticated("verify your e-mail address first", code="account_unverified")

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self._deps.hasher.hash(_DUMMY_PASSWORD)
        return self._dummy_hash

    async def _issue_code(self, address: str, purpose: CodePurpose) -> None:
        code = new_code()
        code_hash = await self._deps.hasher.hash(code)
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            await self._replace_code(uow, address, purpose, code_hash, now)
            await uow.commit()
        await self._send_code(address, purpose, code)

    async def _replace_code(
        self, uow: UnitOfWork, address: str, purpose: CodePurpose, code_hash: str, now: datetime
    ) -> None:
        """A new code invalidates the previous one of the same address and purpose."""
        previous = await uow.codes.find_current(address, purpose)
        if previous is not None and previous.consumed_at is None:
            previous.consume(now)
        await uow.codes.add(
            OneTimeCode(
                id=self._deps.ids.next_id(),
                email=address,
                purpose=purpose,
                code_hash=code_hash,
                created_at=now,
                expires_at=now + CODE_TTL,
            )
        )

    async def _send_code(self, address: str, purpose: CodePurpose, code: str) -> None:
        minutes = int(CODE_TTL.total_seconds() // 60)
        await self._deps.email.send(
            EmailMessage(
                to=address,
                subject=_SUBJECTS[purpose],
                body=(
                    f"Your Paeshift code is {code}. It expires in {minutes} minutes.\n"
                    "If you did not ask for it, ignore this message."
                ),
                tags=(("kind", "one_time_code"), ("purpose", purpose.value), ("code", code)),
            )
        )

    async def _redeem(
        self, address: str, purpose: CodePurpose, code: str, action: CodeAction | None
    ) -> None:
        """Count the attempt (committed), then check the code and run ``action`` with it."""
        guess = _code_input(code)
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            attempts = await uow.codes.find_attempts(address)
            if attempts is None:
                attempts = CodeAttempts(id=self._deps.ids.next_id(), email=address)
                await uow.codes.add_attempts(attempts)
            if attempts.is_locked(now):
                raise RateLimited(
                    "too many wrong codes; try again later",
                    retry_after=attempts.retry_after_s(now),
                    code="code_locked",
                )
            attempts.record_failure(now)
            await uow.commit()
        async with self._deps.uow() as uow:
            current = await uow.codes.find_current(address, purpose)
            right = (
                current is not None
                and current.is_live(now)
                and await self._deps.hasher.verify(current.code_hash, guess)
            )
            if not right or current is None:
                raise Unauthenticated("the code is wrong or has expired", code="invalid_code")
            current.consume(now)
            for counted in filter(None, [await uow.codes.find_attempts(address)]):
                counted.clear()
            if action is not None:
                await action(uow, now)
            await uow.commit()

    async def _new_session(
        self, uow: UnitOfWork, user: User, family_id: int, now: datetime
    ) -> AuthTokens:
        refresh = new_refresh_token()
        expires_at = now + REFRESH_TTL
        await uow.refresh_tokens.add(
            RefreshToken(
                id=self._deps.ids.next_id(),
                user_id=user.id,
                family_id=family_id,
                token_hash=digest_token(refresh),
                created_at=now,
                expires_at=expires_at,
            )
        )
        access, access_expires_at = self._deps.tokens.issue_access(user.id, user.role, now)
        return AuthTokens(
            user_id=user.id,
            role=user.role,
            access_token=access,
            access_expires_at=access_expires_at,
            refresh_token=refresh,
            refresh_expires_at=expires_at,
        )

    @staticmethod
    async def _revoke_family(uow: UnitOfWork, family_id: int, now: datetime) -> None:
        for token in await uow.refresh_tokens.list_family(family_id):
            token.revoke(now)

    @staticmethod
    async def _revoke_all(uow: UnitOfWork, user_id: int, now: datetime) -> None:
        for token in await uow.refresh_tokens.list_live_for_user(user_id):
            token.revoke(now)
