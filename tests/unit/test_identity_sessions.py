"""Refresh-token rotation, logout, passwords and authentication (DOMAIN.md Identity: login)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from paeshift_core.application.read_models import PRINCIPAL_TTL_S
from paeshift_core.domain.codes import CodePurpose
from paeshift_core.domain.errors import InvalidInput, RateLimited, Unauthenticated
from paeshift_core.domain.tokens import ACCESS_TTL, REFRESH_TTL, RefreshToken, digest_token
from paeshift_core.domain.users import PasswordChanged, Role, User
from tests.unit.accounts import CLIENT_ADDRESS, PASSWORD, Accounts

RESET = CodePurpose.PASSWORD_RESET
NEW_PASSWORD = "a brand new secret"


def _tokens(store: MemoryStore) -> list[RefreshToken]:
    return [t for t in store.table("refresh_tokens").values() if isinstance(t, RefreshToken)]


async def _set_user(deps: Deps, user_id: int, *, active: bool) -> None:
    async with deps.uow() as uow:
        user = await uow.users.get(user_id)
        user.is_active = active
        await uow.commit()


async def test_login_returns_access_and_hashed_refresh_token(
    accounts: Accounts, store: MemoryStore, clock: FakeClock
) -> None:
    account = await accounts.client()
    tokens = account.tokens
    assert tokens.access_expires_at == clock.now() + ACCESS_TTL
    assert tokens.refresh_expires_at == clock.now() + REFRESH_TTL
    stored = [t for t in _tokens(store) if t.user_id == account.user_id]
    assert len(stored) == 1
    assert stored[0].token_hash == digest_token(tokens.refresh_token)
    assert tokens.refresh_token not in stored[0].token_hash


async def test_refresh_rotates_within_the_family(
    use_cases: UseCases, accounts: Accounts, store: MemoryStore
) -> None:
    account = await accounts.client()
    rotated = await use_cases.identity.refresh(account.tokens.refresh_token)
    assert rotated.refresh_token != account.tokens.refresh_token
    again = await use_cases.identity.refresh(rotated.refresh_token)
    assert (await use_cases.identity.authenticate(again.access_token)).user_id == account.user_id
    families = {t.family_id for t in _tokens(store) if t.user_id == account.user_id}
    assert len(families) == 1


async def test_reusing_a_rotated_token_revokes_the_family(
    use_cases: UseCases, accounts: Accounts
) -> None:
    account = await accounts.client()
    other_session = await accounts.log_in(account.email)
    stolen = account.tokens.refresh_token
    legit = await use_cases.identity.refresh(stolen)
    with pytest.raises(Unauthenticated) as err:
        await use_cases.identity.refresh(stolen)
    assert err.value.code == "refresh_token_reused"
    with pytest.raises(Unauthenticated):
        await use_cases.identity.refresh(legit.refresh_token)  # the whole family is gone
    # Another session (another family) is untouched.
    await use_cases.identity.refresh(other_session.tokens.refresh_token)


async def test_unknown_and_expired_refresh_tokens_fail(
    use_cases: UseCases, accounts: Accounts, clock: FakeClock
) -> None:
    with pytest.raises(Unauthenticated) as err:
        await use_cases.identity.refresh("made-up")
    assert err.value.code == "invalid_refresh_token"
    account = await accounts.client()
    clock.advance(REFRESH_TTL)
    with pytest.raises(Unauthenticated) as expired:
        await use_cases.identity.refresh(account.tokens.refresh_token)
    assert expired.value.code == "session_expired"


async def test_refresh_refused_for_a_deactivated_user(
    use_cases: UseCases, accounts: Accounts, deps: Deps
) -> None:
    account = await accounts.client()
    await _set_user(deps, account.user_id, active=False)
    with pytest.raises(Unauthenticated) as err:
        await use_cases.identity.refresh(account.tokens.refresh_token)
    assert err.value.code == "account_inactive"
    await _set_user(deps, account.user_id, active=True)
    with pytest.raises(Unauthenticated):  # the family was revoked on the way
        await use_cases.identity.refresh(account.tokens.refresh_token)


async def test_log_out_revokes_the_session_and_is_idempotent(
    use_cases: UseCases, accounts: Accounts
) -> None:
    account = await accounts.client()
    rotated = await use_cases.identity.refresh(account.tokens.refresh_token)
    await use_cases.identity.log_out(rotated.refresh_token)
    await use_cases.identity.log_out(rotated.refresh_token)
    await use_cases.identity.log_out("never-issued")
    with pytest.raises(Unauthenticated):
        await use_cases.identity.refresh(rotated.refresh_token)


async def test_log_out_everywhere_revokes_every_session(
    use_cases: UseCases, accounts: Accounts
) -> None:
    account = await accounts.client()
    second = await accounts.log_in(account.email)
    await use_cases.identity.log_out_everywhere(account.principal)
    for session in (account, second):
        with pytest.raises(Unauthenticated):
            await use_cases.identity.refresh(session.tokens.refresh_token)


async def test_change_password_needs_the_current_one_and_revokes_sessions(
    use_cases: UseCases, accounts: Accounts, store: MemoryStore
) -> None:
    account = await accounts.client()
    with pytest.raises(InvalidInput) as wrong:
        await use_cases.identity.change_password(account.principal, "not it", NEW_PASSWORD)
    assert wrong.value.field == "current_password"
    with pytest.raises(InvalidInput) as weak:
        await use_cases.identity.change_password(account.principal, PASSWORD, "short")
    assert weak.value.field == "new_password"
    await use_cases.identity.change_password(account.principal, PASSWORD, NEW_PASSWORD)
    with pytest.raises(Unauthenticated):
        await use_cases.identity.refresh(account.tokens.refresh_token)
    with pytest.raises(Unauthenticated):
        await use_cases.identity.log_in(account.email, PASSWORD, client_address=CLIENT_ADDRESS)
    await use_cases.identity.log_in(account.email, NEW_PASSWORD, client_address=CLIENT_ADDRESS)
    assert PasswordChanged.event_name() in [e.event.name for e in store.outbox]


async def test_change_password_attempts_are_rate_limited(
    use_cases: UseCases, accounts: Accounts
) -> None:
    account = await accounts.client()
    for _ in range(5):
        with pytest.raises(InvalidInput):
            await use_cases.identity.change_password(account.principal, "guess", NEW_PASSWORD)
    with pytest.raises(RateLimited):
        await use_cases.identity.change_password(account.principal, PASSWORD, NEW_PASSWORD)


async def test_password_reset_sets_a_new_password_and_revokes_sessions(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    account = await accounts.client()
    await use_cases.identity.request_password_reset(account.email.upper())
    code = mailer.last_code(account.email, RESET)
    with pytest.raises(InvalidInput) as weak:
        await use_cases.identity.confirm_password_reset(account.email, code, "short")
    assert weak.value.field == "new_password"
    await use_cases.identity.confirm_password_reset(account.email, code, NEW_PASSWORD)
    with pytest.raises(Unauthenticated):
        await use_cases.identity.refresh(account.tokens.refresh_token)
    await use_cases.identity.log_in(account.email, NEW_PASSWORD, client_address=CLIENT_ADDRESS)
    with pytest.raises(Unauthenticated):  # the code worked once
        await use_cases.identity.confirm_password_reset(account.email, code, "yet another one")


async def test_registration_code_cannot_reset_a_password(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    email = await accounts.signed_up()
    code = mailer.last_code(email, CodePurpose.REGISTRATION)
    with pytest.raises(Unauthenticated):
        await use_cases.identity.confirm_password_reset(email, code, NEW_PASSWORD)


async def test_password_reset_verifies_an_unverified_address(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    email = await accounts.signed_up()
    await use_cases.identity.request_password_reset(email)
    await use_cases.identity.confirm_password_reset(
        email, mailer.last_code(email, RESET), NEW_PASSWORD
    )
    await use_cases.identity.log_in(email, NEW_PASSWORD, client_address=CLIENT_ADDRESS)


async def test_password_reset_request_is_silent_for_unknown_or_inactive(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender, deps: Deps
) -> None:
    await use_cases.identity.request_password_reset("ghost@example.com")
    account = await accounts.client()
    await _set_user(deps, account.user_id, active=False)
    before = len(mailer.sent)
    await use_cases.identity.request_password_reset(account.email)
    await use_cases.identity.resend_code(account.email, RESET)
    assert len(mailer.sent) == before


async def test_resend_for_password_reset_sends_a_new_reset_code(
    use_cases: UseCases, accounts: Accounts, mailer: MemoryEmailSender
) -> None:
    account = await accounts.client()
    await use_cases.identity.resend_code(account.email, RESET)
    code = mailer.last_code(account.email, RESET)
    await use_cases.identity.confirm_password_reset(account.email, code, NEW_PASSWORD)


async def test_authenticate_rejects_expired_and_forged_tokens(
    use_cases: UseCases, accounts: Accounts, clock: FakeClock
) -> None:
    account = await accounts.client()
    with pytest.raises(Unauthenticated) as forged:
        await use_cases.identity.authenticate(account.tokens.access_token + "x")
    assert forged.value.code == "invalid_token"
    clock.advance(ACCESS_TTL)
    with pytest.raises(Unauthenticated) as expired:
        await use_cases.identity.authenticate(account.tokens.access_token)
    assert expired.value.code == "token_expired"


async def test_the_request_budget_s_user_is_whom_a_valid_token_names_without_a_lookup(
    use_cases: UseCases, deps: Deps, clock: FakeClock
) -> None:
    """``token_user_id`` trusts the signature alone (a user that does not exist is named:
    it only says whose budget a request spends); an expired or forged token names nobody."""
    token, _ = deps.tokens.issue_access(999_999, Role.APPLICANT, clock.now())
    assert use_cases.identity.token_user_id(token) == 999_999
    assert use_cases.identity.token_user_id(token + "x") is None
    clock.advance(ACCESS_TTL)
    assert use_cases.identity.token_user_id(token) is None


async def test_a_deactivation_made_outside_the_use_cases_holds_within_the_principal_ttl(
    use_cases: UseCases, accounts: Accounts, deps: Deps, clock: FakeClock
) -> None:
    """The cached principal (read_models.PRINCIPALS) is the price of not reading the user on
    every request: an account switched off in SQL is refused after PRINCIPAL_TTL_S at most."""
    account = await accounts.client()
    token = account.tokens.access_token
    assert (await use_cases.identity.authenticate(token)).user_id == account.user_id
    await _set_user(deps, account.user_id, active=False)
    assert (await use_cases.identity.authenticate(token)).user_id == account.user_id
    clock.advance(timedelta(seconds=PRINCIPAL_TTL_S))
    with pytest.raises(Unauthenticated) as inactive:
        await use_cases.identity.authenticate(token)
    assert inactive.value.code == "account_inactive"
    with pytest.raises(Unauthenticated):  # a refusal is not cached: it is checked every time
        await use_cases.identity.authenticate(token)


async def test_authenticate_rejects_a_token_of_a_missing_user(
    use_cases: UseCases, deps: Deps, clock: FakeClock
) -> None:
    token, _ = deps.tokens.issue_access(999_999, Role.CLIENT, clock.now())
    with pytest.raises(Unauthenticated) as err:
        await use_cases.identity.authenticate(token)
    assert err.value.code == "invalid_token"


async def test_deactivated_user_cannot_log_in(
    use_cases: UseCases, accounts: Accounts, deps: Deps, store: MemoryStore
) -> None:
    account = await accounts.client()
    await _set_user(deps, account.user_id, active=False)
    with pytest.raises(Unauthenticated) as err:
        await use_cases.identity.log_in(account.email, PASSWORD, client_address=CLIENT_ADDRESS)
    assert err.value.code == "account_inactive"
    assert isinstance(store.table("users")[account.user_id], User)
