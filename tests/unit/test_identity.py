"""Sign-up, one-time codes and login (DOMAIN.md Identity and profiles)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.identity import LOGIN_PER_ADDRESS, LOGIN_PER_EMAIL
from paeshift_core.domain.codes import CodeAttempts, CodePurpose, OneTimeCode
from paeshift_core.domain.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from paeshift_core.domain.users import Role, User, UserSignedUp, UserVerified
from tests.unit.accounts import CLIENT_ADDRESS, PASSWORD, Accounts

REG = CodePurpose.REGISTRATION


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def _user(store: MemoryStore, email: str) -> User:
    users = [u for u in store.table("users").values() if isinstance(u, User)]
    return next(u for u in users if u.email.value == email)


async def test_sign_up_creates_unverified_user_and_emails_a_code(
    use_cases: UseCases, mailer: MemoryEmailSender, store: MemoryStore
) -> None:
    user = await use_cases.identity.sign_up(
        "  Ada@Example.COM ", PASSWORD, "Ada", "Obi", "applicant"
    )
    assert user.email.value == "ada@example.com"
    assert user.role is Role.APPLICANT
    assert not user.is_verified
    assert user.password_hash != PASSWORD
    code = mailer.last_code("ada@example.com", "registration")
    assert len(code) == 6
    assert code.isdigit()
    assert mailer.sent[-1].tag("purpose") == "registration"
    assert code in mailer.sent[-1].body
    stored = [c for c in store.table("one_time_codes").values() if isinstance(c, OneTimeCode)]
    assert len(stored) == 1
    assert code not in stored[0].code_hash  # stored hashed
    assert [e.event.name for e in store.outbox] == [UserSignedUp.event_name()]


async def test_sign_up_never_grants_admin(use_cases: UseCases) -> None:
    with pytest.raises(PermissionDenied) as err:
        await use_cases.identity.sign_up("x@example.com", PASSWORD, "A", "B", Role.ADMIN)
    assert err.value.code == "admin_not_grantable"


@pytest.mark.parametrize(
    ("email", "password", "first", "last", "role", "field"),
    [
        ("not-an-email", PASSWORD, "Ada", "Obi", "client", "email"),
        ("a@example.com", PASSWORD, "   ", "Obi", "client", "first_name"),
        ("a@example.com", PASSWORD, "Ada", "x" * 51, "client", "last_name"),
        ("a@example.com", "short", "Ada", "Obi", "client", "password"),
        ("a@example.com", "x" * 129, "Ada", "Obi", "client", "password"),
        ("a@example.com", "        ", "Ada", "Obi", "client", "password"),
        ("a@example.com", PASSWORD, "Ada", "Obi", "boss", "role"),
    ],
)
async def test_sign_up_rejects_invalid_input_naming_the_field(
    use_cases: UseCases, email: str, password: str, first: str, last: str, role: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        await use_cases.identity.sign_up(email, password, first, last, role)
    assert err.value.field == field


async def test_email_is_unique_case_insensitively(use_cases: UseCases) -> None:
    await use_cases.identity.sign_up("ada@example.com", PASSWORD, "Ada", "Obi")
    with pytest.raises(Conflict) as err:
        await use_cases.identity.sign_up("ADA@example.com", PASSWORD, "Ada", "Obi")
    assert err.value.code == "email_taken"


async def test_sign_up_is_rate_limited_per_client_address(use_cases: UseCases) -> None:
    for n in range(20):
        await use_cases.identity.sign_up(
            f"u{n}@example.com", PASSWORD, "A", "B", client_address="203.0.113.9"
        )
    with pytest.raises(RateLimited):
        await use_cases.identity.sign_up(
            "u99@example.com", PASSWORD, "A", "B", client_address="203.0.113.9"
        )


async def test_mail_failure_after_commit_surfaces_and_resend_recovers(
    use_cases: UseCases, mailer: MemoryEmailSender
) -> None:
    mailer.fail = True
    with pytest.raises(Unavailable):
        await use_cases.identity.sign_up("ada@example.com", PASSWORD, "Ada", "Obi")
    mailer.fail = False
    await use_cases.identity.resend_code("ada@example.com", REG)
    code = mailer.last_code("ada@example.com", REG)
    await use_cases.identity.verify_code("ada@example.com", REG, code)


async def test_unverified_user_cannot_log_in(use_cases: UseCases, accounts: Accounts) -> None:
    email = await accounts.signed_up()
    with pytest.raises(Unauthenticated) as err:
        await use_cases.identity.log_in(email, PASSWORD, client_address=CLIENT_ADDRESS)
    assert err.value.code == "account_unverified"


async def test_verification_marks_user_verified_and_allows_login(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender, store: MemoryStore
) -> None:
    email = await accounts.signed_up(Role.APPLICANT)
    await use_cases.identity.verify_code(email, REG, mailer.last_code(email, REG))
    assert (await _user(store, email)).is_verified
    assert UserVerified.event_name() in [e.event.name for e in store.outbox]
    tokens = await use_cases.identity.log_in(email, PASSWORD, client_address=CLIENT_ADDRESS)
    principal = await use_cases.identity.authenticate(tokens.access_token)
    assert principal.role is Role.APPLICANT
    assert tokens.role is Role.APPLICANT


async def test_a_code_works_once(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    email = await accounts.signed_up()
    code = mailer.last_code(email, REG)
    await use_cases.identity.verify_code(email, REG, code)
    with pytest.raises(Unauthenticated) as err:
        await use_cases.identity.verify_code(email, REG, code)
    assert err.value.code == "invalid_code"


async def test_code_expires_after_five_minutes(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender, clock: FakeClock
) -> None:
    email = await accounts.signed_up()
    code = mailer.last_code(email, REG)
    clock.advance(timedelta(minutes=5))
    with pytest.raises(Unauthenticated):
        await use_cases.identity.verify_code(email, REG, code)


async def test_code_is_valid_just_before_five_minutes(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender, clock: FakeClock
) -> None:
    email = await accounts.signed_up()
    clock.advance(timedelta(minutes=4, seconds=59))
    await use_cases.identity.verify_code(email, REG, mailer.last_code(email, REG))


async def test_a_new_code_invalidates_the_previous_one(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    email = await accounts.signed_up()
    old = mailer.last_code(email, REG)
    await use_cases.identity.resend_code(email, REG)
    new = mailer.last_code(email, REG)
    if old != new:  # 1 in a million they coincide; the old one is invalid either way
        with pytest.raises(Unauthenticated):
            await use_cases.identity.verify_code(email, REG, old)
    await use_cases.identity.verify_code(email, REG, new)


async def test_the_purpose_must_match(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    email = await accounts.signed_up()
    code = mailer.last_code(email, REG)
    with pytest.raises(Unauthenticated):
        await use_cases.identity.verify_code(email, "login", code)
    with pytest.raises(Unauthenticated):
        await use_cases.identity.confirm_password_reset(email, code, "new password 1")
    await use_cases.identity.verify_code(email, REG, code)


async def test_login_codes_are_redeemable_and_do_not_verify(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender, store: MemoryStore
) -> None:
    email = await accounts.signed_up()
    await use_cases.identity.resend_code(email, "login")
    await use_cases.identity.verify_code(email, "login", mailer.last_code(email, "login"))
    assert not (await _user(store, email)).is_verified


async def test_reset_codes_are_not_checked_on_their_own(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    account = await accounts.client()
    await use_cases.identity.request_password_reset(account.email)
    code = mailer.last_code(account.email, CodePurpose.PASSWORD_RESET)
    with pytest.raises(InvalidInput) as err:
        await use_cases.identity.verify_code(account.email, CodePurpose.PASSWORD_RESET, code)
    assert err.value.field == "purpose"
    await use_cases.identity.confirm_password_reset(account.email, code, "new password 1")


async def test_five_wrong_codes_lock_the_email_for_fifteen_minutes(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender, clock: FakeClock
) -> None:
    email = await accounts.signed_up()
    code = mailer.last_code(email, REG)
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await use_cases.identity.verify_code(email, REG, _wrong(code))
    # Locked: even the right code is refused, and a new code does not lift the lock.
    with pytest.raises(RateLimited) as err:
        await use_cases.identity.verify_code(email, REG, code)
    assert err.value.code == "code_locked"
    assert err.value.retry_after == 15 * 60
    await use_cases.identity.resend_code(email, REG)
    fresh = mailer.last_code(email, REG)
    clock.advance(timedelta(minutes=14, seconds=59))
    with pytest.raises(RateLimited):
        await use_cases.identity.verify_code(email, REG, fresh)
    clock.advance(timedelta(seconds=1))
    await use_cases.identity.resend_code(email, REG)
    await use_cases.identity.verify_code(email, REG, mailer.last_code(email, REG))


async def test_a_right_code_clears_the_failure_count(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender, store: MemoryStore
) -> None:
    email = await accounts.signed_up()
    code = mailer.last_code(email, REG)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            await use_cases.identity.verify_code(email, REG, _wrong(code))
    await use_cases.identity.verify_code(email, REG, code)
    attempts = [a for a in store.table("code_attempts").values() if isinstance(a, CodeAttempts)]
    assert attempts[0].failures == 0
    assert attempts[0].locked_until is None


async def test_parallel_guesses_are_each_counted_or_refused(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    """A burst of guesses cannot share one counted attempt (counted before checked)."""
    email = await accounts.signed_up()
    code = mailer.last_code(email, REG)
    guesses = [f"{(int(code) + n) % 1_000_000:06d}" for n in range(1, 21)]
    results = await asyncio.gather(
        *(use_cases.identity.verify_code(email, REG, g) for g in guesses),
        return_exceptions=True,
    )
    checked = [r for r in results if isinstance(r, Unauthenticated)]
    assert all(isinstance(r, Exception) for r in results)
    assert len(checked) <= 5


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", "٣٣٣٣٣٣"])
async def test_malformed_codes_are_invalid_input(use_cases: UseCases, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        await use_cases.identity.verify_code("ada@example.com", REG, code)
    assert err.value.field == "code"


async def test_unknown_purpose_is_invalid_input(use_cases: UseCases) -> None:
    with pytest.raises(InvalidInput) as err:
        await use_cases.identity.verify_code("ada@example.com", "magic", "123456")
    assert err.value.field == "purpose"


async def test_resend_is_silent_for_unknown_or_verified_addresses(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    await use_cases.identity.resend_code("nobody@example.com", REG)
    account = await accounts.client()
    before = len(mailer.sent)
    await use_cases.identity.resend_code(account.email, REG)
    assert len(mailer.sent) == before


async def test_resend_is_rate_limited_per_email(use_cases: UseCases, accounts: Accounts) -> None:
    email = await accounts.signed_up()
    for _ in range(5):
        await use_cases.identity.resend_code(email, REG)
    with pytest.raises(RateLimited):
        await use_cases.identity.resend_code(email, REG)


async def test_wrong_password_and_unknown_email_look_the_same(
    use_cases: UseCases, accounts: Accounts
) -> None:
    account = await accounts.client()
    with pytest.raises(Unauthenticated) as wrong:
        await use_cases.identity.log_in(account.email, "wrong password", client_address="a")
    with pytest.raises(Unauthenticated) as unknown:
        await use_cases.identity.log_in("ghost@example.com", PASSWORD, client_address="a")
    assert wrong.value.code == unknown.value.code == "invalid_credentials"
    assert wrong.value.message == unknown.value.message


async def test_failed_logins_are_rate_limited_per_email(
    use_cases: UseCases, accounts: Accounts, clock: FakeClock
) -> None:
    account = await accounts.client()
    for n in range(LOGIN_PER_EMAIL.count):
        with pytest.raises(Unauthenticated):
            await use_cases.identity.log_in(
                account.email, "nope-nope", client_address=f"10.0.0.{n}"
            )
    # Even the right password is refused while limited (the attacker learns nothing).
    with pytest.raises(RateLimited) as err:
        await use_cases.identity.log_in(account.email, PASSWORD, client_address="10.9.9.9")
    assert err.value.retry_after == LOGIN_PER_EMAIL.period_s
    clock.advance(timedelta(seconds=LOGIN_PER_EMAIL.period_s))
    await use_cases.identity.log_in(account.email, PASSWORD, client_address="10.9.9.9")


async def test_a_successful_login_clears_the_email_count(
    use_cases: UseCases, accounts: Accounts
) -> None:
    account = await accounts.client()
    for _ in range(3):
        for n in range(LOGIN_PER_EMAIL.count - 1):
            with pytest.raises(Unauthenticated):
                await use_cases.identity.log_in(account.email, "nope-nope", client_address=f"{n}")
        await use_cases.identity.log_in(account.email, PASSWORD, client_address="ok")


async def test_failed_logins_are_rate_limited_per_client_address(
    use_cases: UseCases,
) -> None:
    for n in range(LOGIN_PER_ADDRESS.count):
        with pytest.raises(Unauthenticated):
            await use_cases.identity.log_in(f"u{n}@example.com", PASSWORD, client_address="evil")
    with pytest.raises(RateLimited):
        await use_cases.identity.log_in("other@example.com", PASSWORD, client_address="evil")
    with pytest.raises(Unauthenticated):
        await use_cases.identity.log_in("other@example.com", PASSWORD, client_address="fine")


async def test_create_admin_makes_a_verified_admin(use_cases: UseCases, accounts: Accounts) -> None:
    admin = await accounts.admin(email="root@example.com")
    assert admin.principal.role is Role.ADMIN
    with pytest.raises(Conflict):
        await use_cases.identity.create_admin("ROOT@example.com", PASSWORD, "A", "B")
    with pytest.raises(InvalidInput) as err:
        await use_cases.identity.create_admin("x@example.com", PASSWORD, "", "B")
    assert err.value.field == "first_name"
