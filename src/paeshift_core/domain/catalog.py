"""The catalog of industries and their subcategories (DOMAIN.md Catalog)."""

from __future__ import annotations

from attrs import define, field, frozen

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import Conflict
from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.text import bounded_text


def _catalog_name(value: str) -> str:
    return bounded_text("name", value, min_len=2, max_len=80)


@frozen(kw_only=True)
class CatalogChanged(DomainEvent):
    """An industry or subcategory was added (the cached catalog is stale)."""

    industry_id: int


@define(eq=False, kw_only=True)
class Subcategory(Aggregate):
    industry_id: int
    name: str = field(converter=_catalog_name)


@define(eq=False, kw_only=True)
class Industry(Aggregate):
    """An industry; subcategory names are unique within it (case-insensitive)."""

    name: str = field(converter=_catalog_name)
    subcategories: list[Subcategory] = field(factory=list)

    def add_subcategory(self, subcategory_id: int, name: str) -> Subcategory:
        sub = Subcategory(id=subcategory_id, industry_id=self.id, name=name)
        if any(s.name.lower() == sub.name.lower() for s in self.subcategories):
            raise Conflict(f"subcategory {sub.name!r} already exists in {self.name}")
        self.subcategories.append(sub)
        return sub

    def has_subcategory(self, subcategory_id: int) -> bool:
        return any(s.id == subcategory_id for s in self.subcategories)


DEFAULT_CATALOG: dict[str, tuple[str, ...]] = {
    "Hospitality": ("Waiter", "Bartender", "Kitchen assistant", "Cook", "Housekeeper"),
    "Construction": ("Labourer", "Painter", "Electrician", "Plumber", "Mason"),
    "Cleaning": ("Office cleaner", "Home cleaner", "Post-event cleaner"),
    "Events": ("Usher", "Event setup crew", "Security", "Decorator"),
    "Logistics": ("Driver", "Packer", "Dispatch rider", "Warehouse assistant"),
    "Retail": ("Cashier", "Merchandiser", "Sales assistant", "Stock taker"),
}
