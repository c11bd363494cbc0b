"""Logging in with an e-mailed code (``IdentityUseCases.log_in_with_code``): the login
limits and the code lockout of DOMAIN.md Identity, and which purposes start a session."""

from __future__ import annotations

import pytest

from adapters.memory.email import MemoryEmailSender
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.identity import LOGIN_PER_ADDRESS, LOGIN_PER_EMAIL
from paeshift_core.domain.codes import CodePurpose
from paeshift_core.domain.errors import InvalidInput, RateLimited, Unauthenticated
from paeshift_core.domain.users import User
from tests.unit.accounts import Accounts

LOGIN = CodePurpose.LOGIN
ADDRESS = "203.0.113.9"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _user(store: MemoryStore, email: str) -> User:
    users = [u for u in store.table("users").values() if isinstance(u, User)]
    return next(u for u in users if u.email.value == email)


async def test_a_login_code_starts_a_session_once(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    account = await accounts.client()
    identity = use_cases.identity
    await identity.resend_code(account.email, LOGIN)
    code = mailer.last_code(account.email, LOGIN)
    tokens = await identity.log_in_with_code(account.email, code, client_address=ADDRESS)
    assert (tokens.user_id, tokens.role) == (account.user_id, account.principal.role)
    assert await identity.authenticate(tokens.access_token) == account.principal
    refreshed = await identity.refresh(tokens.refresh_token)
    assert refreshed.user_id == account.user_id
    with pytest.raises(Unauthenticated) as reused:
        await identity.log_in_with_code(account.email, code, client_address=ADDRESS)
    assert reused.value.code == "invalid_code"


async def test_a_registration_code_verifies_and_starts_a_session(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender, store: MemoryStore
) -> None:
    email = await accounts.signed_up()
    code = mailer.last_code(email, CodePurpose.REGISTRATION)
    tokens = await use_cases.identity.log_in_with_code(
        email, code, client_address=ADDRESS, purpose="registration"
    )
    user = _user(store, email)
    assert user.is_verified
    assert tokens.user_id == user.id


async def test_a_login_code_does_not_log_in_an_unverified_user(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender, store: MemoryStore
) -> None:
    email = await accounts.signed_up()
    await use_cases.identity.resend_code(email, LOGIN)
    with pytest.raises(Unauthenticated) as err:
        await use_cases.identity.log_in_with_code(
            email, mailer.last_code(email, LOGIN), client_address=ADDRESS
        )
    assert err.value.code == "account_unverified"
    assert not _user(store, email).is_verified


async def test_a_reset_code_never_logs_in(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    account = await accounts.client()
    await use_cases.identity.request_password_reset(account.email)
    code = mailer.last_code(account.email, CodePurpose.PASSWORD_RESET)
    with pytest.raises(InvalidInput) as err:
        await use_cases.identity.log_in_with_code(
            account.email, code, client_address=ADDRESS, purpose=CodePurpose.PASSWORD_RESET
        )
    assert err.value.field == "purpose"
    with pytest.raises(Unauthenticated):  # nor does it pass for a login code
        await use_cases.identity.log_in_with_code(account.email, code, client_address=ADDRESS)
    await use_cases.identity.confirm_password_reset(account.email, code, "new password 1")


async def test_five_wrong_codes_lock_the_email(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    account = await accounts.client()
    await use_cases.identity.resend_code(account.email, LOGIN)
    code = mailer.last_code(account.email, LOGIN)
    for n in range(5):
        with pytest.raises(Unauthenticated):
            await use_cases.identity.log_in_with_code(
                account.email, _wrong(code), client_address=f"10.1.0.{n}"
            )
    with pytest.raises(RateLimited) as err:
        await use_cases.identity.log_in_with_code(account.email, code, client_address=ADDRESS)
    assert err.value.code == "code_locked"


async def test_code_logins_count_against_the_login_limits(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    account = await accounts.client()
    identity = use_cases.identity
    for n in range(LOGIN_PER_EMAIL.count):
        with pytest.raises(Unauthenticated):
            await identity.log_in(account.email, "nope-nope", client_address=f"10.2.0.{n}")
    await identity.resend_code(account.email, LOGIN)
    with pytest.raises(RateLimited) as err:  # even the right code, while the e-mail is limited
        await identity.log_in_with_code(
            account.email, mailer.last_code(account.email, LOGIN), client_address=ADDRESS
        )
    assert err.value.retry_after == LOGIN_PER_EMAIL.period_s
    for n in range(LOGIN_PER_ADDRESS.count):
        with pytest.raises(Unauthenticated):
            await identity.log_in(f"u{n}@example.com", "nope-nope", client_address="evil")
    with pytest.raises(RateLimited):
        await identity.log_in_with_code("x@example.com", "123456", client_address="evil")


async def test_a_code_login_clears_the_emails_login_count(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    account = await accounts.client()
    identity = use_cases.identity
    for _ in range(2):
        for n in range(LOGIN_PER_EMAIL.count - 1):
            with pytest.raises(Unauthenticated):
                await identity.log_in(account.email, "nope-nope", client_address=f"{n}")
        await identity.resend_code(account.email, LOGIN)
        await identity.log_in_with_code(
            account.email, mailer.last_code(account.email, LOGIN), client_address=ADDRESS
        )
