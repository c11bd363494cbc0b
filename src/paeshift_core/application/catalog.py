"""Catalog use cases: industries and subcategories (DOMAIN.md Catalog).

Anyone may list the catalog; only admins add to it. ``seed_default_catalog`` is idempotent
(adds only what is missing from ``DEFAULT_CATALOG``), so the embedded default can run it at
every start. Results are the :class:`Industry` / :class:`Subcategory` aggregates.
"""

from __future__ import annotations

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.marketplace_access import require_admin
from paeshift_core.domain.catalog import DEFAULT_CATALOG, CatalogChanged, Industry, Subcategory
from paeshift_core.domain.errors import Conflict


class CatalogUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def list_industries(self) -> list[Industry]:
        """Every industry with its subcategories, by name."""
        async with self._deps.uow(read_only=True) as uow:
            return await uow.catalog.list_all()

    async def add_industry(self, principal: Principal, name: str) -> Industry:
        require_admin(principal, "change the catalog", code="wrong_role")
        now = self._deps.clock.now()
        industry = Industry(id=self._deps.ids.next_id(), name=name)
        async with self._deps.uow() as uow:
            wanted = industry.name.lower()
            if any(i.name.lower() == wanted for i in await uow.catalog.list_all()):
                raise Conflict(f"industry {industry.name!r} already exists", code="duplicate")
            industry.record(CatalogChanged(occurred_at=now, industry_id=industry.id))
            await uow.catalog.add(industry)
            await uow.commit()
        return industry

    async def add_subcategory(
        self, principal: Principal, industry_id: int, name: str
    ) -> Subcategory:
        require_admin(principal, "change the catalog", code="wrong_role")
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            industry = await uow.catalog.get(industry_id, for_update=True)
            sub = industry.add_subcategory(self._deps.ids.next_id(), name)
            industry.record(CatalogChanged(occurred_at=now, industry_id=industry.id))
            await uow.commit()
        return sub

    async def seed_default_catalog(self) -> int:
        """Add the missing default industries and subcategories; returns how many were added."""
        now = self._deps.clock.now()
        added = 0
        async with self._deps.uow() as uow:
            existing = {i.name.lower(): i for i in await uow.catalog.list_all()}
            for name, subcategories in DEFAULT_CATALOG.items():
                industry = existing.get(name.lower())
                created = industry is None
                if industry is None:
                    industry = Industry(id=self._deps.ids.next_id(), name=name)
                    await uow.catalog.add(industry)
                have = {s.name.lower() for s in industry.subcategories}
                missing = [s for s in subcategories if s.lower() not in have]
                for sub in missing:
                    industry.add_subcategory(self._deps.ids.next_id(), sub)
                added += int(created) + len(missing)
                if created or missing:
                    industry.record(CatalogChanged(occurred_at=now, industry_id=industry.id))
            await uow.commit()
        return added
