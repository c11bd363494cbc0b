"""``/api/v1/catalog`` (public) and ``/api/v1/admin/catalog`` (admins) (DOMAIN.md Catalog)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

from adapters.http.auth import AUTHENTICATED, Caller, Services
from adapters.http.cached_reads import CATALOG_TTL_S, cached_json, json_ok, json_response
from adapters.http.problems import documented
from adapters.http.schema_base import Input, Output
from paeshift_core.application.read_models import CATALOG, CATALOG_KEY
from paeshift_core.domain.catalog import Industry, Subcategory

CatalogName = Annotated[str, msgspec.Meta(min_length=2, max_length=80)]


class SubcategoryOut(Output):
    id: int
    name: str

    @classmethod
    def of(cls, sub: Subcategory) -> SubcategoryOut:
        return cls(id=sub.id, name=sub.name)


class IndustryOut(Output):
    id: int
    name: str
    subcategories: list[SubcategoryOut]

    @classmethod
    def of(cls, industry: Industry) -> IndustryOut:
        return cls(
            id=industry.id,
            name=industry.name,
            subcategories=[SubcategoryOut.of(s) for s in industry.subcategories],
        )


class IndustriesOut(Output):
    """The whole catalog (small and bounded, so not paginated)."""

    items: list[IndustryOut]


class NameIn(Input):
    name: CatalogName


class CatalogController(Controller):
    path = "/catalog"
    tags = ["catalog"]

    @get(
        "/industries",
        responses=json_ok(IndustriesOut),
        summary="Industries with their subcategories",
    )
    async def industries(self, services: Services) -> Response[bytes]:
        """The same for everybody, so always cached (``cached_reads.py``)."""

        async def catalog() -> IndustriesOut:
            found = await services.core.catalog.list_industries()
            return IndustriesOut(items=[IndustryOut.of(i) for i in found])

        raw = await cached_json(services.cache, CATALOG, CATALOG_KEY, CATALOG_TTL_S, catalog)
        return json_response(raw)


class AdminCatalogController(Controller):
    path = "/admin/catalog"
    tags = ["admin"]
    security = AUTHENTICATED

    @post("/industries", responses=documented(401, 403, 409), summary="Add an industry")
    async def add_industry(
        self, data: JSONBody[NameIn], principal: Caller, services: Services
    ) -> IndustryOut:
        return IndustryOut.of(await services.core.catalog.add_industry(principal, data.name))

    @post(
        "/industries/{industry_id:int}/subcategories",
        responses=documented(401, 403, 404, 409),
        summary="Add a subcategory to an industry",
    )
    async def add_subcategory(
        self,
        industry_id: FromPath[int],
        data: JSONBody[NameIn],
        principal: Caller,
        services: Services,
    ) -> SubcategoryOut:
        sub = await services.core.catalog.add_subcategory(principal, industry_id, data.name)
        return SubcategoryOut.of(sub)
