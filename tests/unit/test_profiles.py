"""Own profile, role switch and payout account (DOMAIN.md Identity and profiles)."""

from __future__ import annotations

import pytest

from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.profiles import ProfileChanges
from paeshift_core.domain.errors import InvalidInput, PermissionDenied, RuleViolation
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.users import ProfileUpdated, Role, RoleSwitched
from tests.unit.accounts import Accounts


async def test_me_returns_the_callers_own_user(use_cases: UseCases, accounts: Accounts) -> None:
    account = await accounts.applicant()
    me = await use_cases.profiles.me(account.principal)
    assert me.id == account.user_id
    assert me.email.value == account.email
    assert me.has_contact_details


async def test_update_profile_normalises_and_keeps_unset_fields(
    use_cases: UseCases, accounts: Accounts, store: MemoryStore
) -> None:
    account = await accounts.client(complete_profile=False)
    with pytest.raises(RuleViolation):
        (await use_cases.profiles.me(account.principal)).require_contact_details()
    user = await use_cases.profiles.update_profile(
        account.principal,
        ProfileChanges(
            first_name=" Chioma ",
            phone="+234 803-123-4567",
            bio="  Reliable waiter.  ",
            skills=["Waiter", "waiter", " Bartender "],
            address="5 Allen Avenue, Ikeja",
            latitude=6.6,
            longitude=3.35,
        ),
    )
    assert user.first_name == "Chioma"
    assert user.last_name == "Obi"  # unchanged
    assert user.phone is not None
    assert user.phone.value == "+2348031234567"
    assert user.bio == "Reliable waiter."
    assert user.skills == ("waiter", "bartender")
    assert user.location == GeoPoint(6.6, 3.35)
    assert user.has_contact_details
    assert ProfileUpdated.event_name() in [e.event.name for e in store.outbox]
    cleared = await use_cases.profiles.update_profile(
        account.principal, ProfileChanges(clear_location=True, last_name="Eze")
    )
    assert cleared.location is None
    assert cleared.last_name == "Eze"
    assert (await use_cases.profiles.me(account.principal)).bio == "Reliable waiter."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (ProfileChanges(phone="+1 202 555 0100"), "phone"),
        (ProfileChanges(phone="0803123456"), "phone"),
        (ProfileChanges(bio="x" * 1001), "bio"),
        (ProfileChanges(first_name=""), "first_name"),
        (ProfileChanges(last_name="y" * 51), "last_name"),
        (ProfileChanges(skills=["ok", ""]), "skills"),
        (ProfileChanges(skills=[f"s{n}" for n in range(31)]), "skills"),
        (ProfileChanges(address="a" * 301), "address"),
        (ProfileChanges(latitude=6.5), "longitude"),
        (ProfileChanges(longitude=3.3), "latitude"),
        (ProfileChanges(latitude=91, longitude=3.3), "latitude"),
        (ProfileChanges(latitude=6.5, longitude=181), "longitude"),
    ],
)
async def test_invalid_profile_input_names_the_field(
    use_cases: UseCases, accounts: Accounts, changes: ProfileChanges, field: str
) -> None:
    account = await accounts.client(complete_profile=False)
    with pytest.raises(InvalidInput) as err:
        await use_cases.profiles.update_profile(account.principal, changes)
    assert err.value.field == field


async def test_bio_of_exactly_1000_is_allowed(use_cases: UseCases, accounts: Accounts) -> None:
    account = await accounts.client()
    user = await use_cases.profiles.update_profile(
        account.principal, ProfileChanges(bio="b" * 1000)
    )
    assert len(user.bio) == 1000


async def test_switch_role_between_client_and_applicant(
    use_cases: UseCases, accounts: Accounts, store: MemoryStore
) -> None:
    account = await accounts.client()
    before = await use_cases.identity.authenticate(account.tokens.access_token)  # now cached
    assert before.role is Role.CLIENT
    user = await use_cases.profiles.switch_role(account.principal, "applicant")
    assert user.role is Role.APPLICANT
    # authenticate reads the stored role (the switch invalidated the cached principal), so
    # the existing access token follows the switch at once
    principal = await use_cases.identity.authenticate(account.tokens.access_token)
    assert principal.role is Role.APPLICANT
    again = await use_cases.profiles.switch_role(principal, Role.APPLICANT)  # no-op
    assert again.role is Role.APPLICANT
    switched = [e for e in store.outbox if e.event.name == RoleSwitched.event_name()]
    assert len(switched) == 1


async def test_admin_cannot_be_self_granted_nor_given_up(
    use_cases: UseCases, accounts: Accounts
) -> None:
    account = await accounts.applicant()
    with pytest.raises(PermissionDenied):
        await use_cases.profiles.switch_role(account.principal, "admin")
    admin = await accounts.admin()
    with pytest.raises(PermissionDenied):
        await use_cases.profiles.switch_role(admin.principal, "client")
    with pytest.raises(InvalidInput) as err:
        await use_cases.profiles.switch_role(account.principal, "overlord")
    assert err.value.field == "role"


async def test_set_payout_account(use_cases: UseCases, accounts: Accounts) -> None:
    account = await accounts.applicant()
    user = await use_cases.profiles.set_payout_account(
        account.principal, bank="Access Bank", account_number=" 0123456789 ", account_name="Ada Obi"
    )
    assert user.payout_account is not None
    assert user.payout_account.account_number == "0123456789"
    assert (await use_cases.profiles.me(account.principal)).payout_account == user.payout_account


@pytest.mark.parametrize(
    ("bank", "number", "name", "field"),
    [
        ("Access Bank", "012345678", "Ada Obi", "account_number"),
        ("Access Bank", "01234567890", "Ada Obi", "account_number"),
        ("Access Bank", "01234x6789", "Ada Obi", "account_number"),
        ("", "0123456789", "Ada Obi", "bank"),
        ("Access Bank", "0123456789", "A", "account_name"),
    ],
)
async def test_invalid_payout_account_names_the_field(
    use_cases: UseCases, accounts: Accounts, bank: str, number: str, name: str, field: str
) -> None:
    account = await accounts.applicant()
    with pytest.raises(InvalidInput) as err:
        await use_cases.profiles.set_payout_account(
            account.principal, bank=bank, account_number=number, account_name=name
        )
    assert err.value.field == field
