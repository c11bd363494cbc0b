"""Catalog: listing, admin-only additions, idempotent seeding (DOMAIN.md Catalog)."""

from __future__ import annotations

import pytest

from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.domain.catalog import DEFAULT_CATALOG, CatalogChanged
from paeshift_core.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.unit.accounts import Accounts

DEFAULT_SIZE = len(DEFAULT_CATALOG) + sum(len(s) for s in DEFAULT_CATALOG.values())


async def test_seeding_is_idempotent(use_cases: UseCases) -> None:
    assert await use_cases.catalog.seed_default_catalog() == DEFAULT_SIZE
    assert await use_cases.catalog.seed_default_catalog() == 0
    industries = await use_cases.catalog.list_industries()
    assert [i.name for i in industries] == sorted(DEFAULT_CATALOG)
    hospitality = next(i for i in industries if i.name == "Hospitality")
    assert [s.name for s in hospitality.subcategories] == list(DEFAULT_CATALOG["Hospitality"])


async def test_seeding_completes_a_partial_catalog(
    use_cases: UseCases, accounts: Accounts, store: MemoryStore
) -> None:
    admin = await accounts.admin()
    retail = await use_cases.catalog.add_industry(admin.principal, "retail")
    await use_cases.catalog.add_subcategory(admin.principal, retail.id, "CASHIER")
    await use_cases.catalog.add_subcategory(admin.principal, retail.id, "Florist")
    added = await use_cases.catalog.seed_default_catalog()
    assert added == DEFAULT_SIZE - 2  # Retail and Cashier existed already
    industries = await use_cases.catalog.list_industries()
    names = [i.name.lower() for i in industries]
    assert names.count("retail") == 1
    mine = next(i for i in industries if i.id == retail.id)
    assert len(mine.subcategories) == len(DEFAULT_CATALOG["Retail"]) + 1
    assert any(e.event.name == CatalogChanged.event_name() for e in store.outbox)


async def test_only_admins_change_the_catalog(use_cases: UseCases, accounts: Accounts) -> None:
    client = await accounts.client()
    admin = await accounts.admin()
    with pytest.raises(PermissionDenied):
        await use_cases.catalog.add_industry(client.principal, "Farming")
    industry = await use_cases.catalog.add_industry(admin.principal, "Farming")
    with pytest.raises(PermissionDenied):
        await use_cases.catalog.add_subcategory(client.principal, industry.id, "Harvester")
    sub = await use_cases.catalog.add_subcategory(admin.principal, industry.id, "Harvester")
    listed = await use_cases.catalog.list_industries()
    assert [s.id for s in listed[0].subcategories] == [sub.id]


async def test_catalog_names_are_unique_and_validated(
    use_cases: UseCases, accounts: Accounts
) -> None:
    admin = await accounts.admin()
    farming = await use_cases.catalog.add_industry(admin.principal, "Farming")
    with pytest.raises(Conflict):
        await use_cases.catalog.add_industry(admin.principal, " FARMING ")
    await use_cases.catalog.add_subcategory(admin.principal, farming.id, "Harvester")
    with pytest.raises(Conflict):
        await use_cases.catalog.add_subcategory(admin.principal, farming.id, "harvester")
    with pytest.raises(InvalidInput) as err:
        await use_cases.catalog.add_industry(admin.principal, "x")
    assert err.value.field == "name"
    with pytest.raises(NotFound):
        await use_cases.catalog.add_subcategory(admin.principal, 424242, "Picker")
