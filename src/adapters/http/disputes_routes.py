"""Disputes (DOMAIN.md Disputes): parties open and read them; admins review and decide."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from adapters.http.auth import AUTHENTICATED, Caller, Services
from adapters.http.pagination import Cursor, Limit, Page, page_out, page_request
from adapters.http.problems import documented
from adapters.http.schema_base import Input, MoneyIn, MoneyOut, Output
from paeshift_core.application.pagination import DEFAULT_LIMIT
from paeshift_core.domain.disputes import Dispute, DisputeCategory, DisputeStatus, Resolution

Note = Annotated[str, msgspec.Meta(max_length=2000)]
_DECIDE = documented(401, 403, 404, 409)


class DisputeIn(Input):
    category: DisputeCategory
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class ResolutionOut(Output):
    kind: str
    worker_amount: MoneyOut | None


class DisputeOut(Output):
    id: int
    job_id: int
    application_id: int
    worker_id: int
    client_id: int
    opened_by: int
    category: str
    reason: str
    status: str
    held: bool
    settled: bool
    resolution: ResolutionOut | None
    note: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, dispute: Dispute) -> DisputeOut:
        resolution = dispute.resolution
        return cls(
            id=dispute.id,
            job_id=dispute.job_id,
            application_id=dispute.application_id,
            worker_id=dispute.worker_id,
            client_id=dispute.client_id,
            opened_by=dispute.opened_by,
            category=dispute.category.value,
            reason=dispute.reason,
            status=dispute.status.value,
            held=dispute.held,
            settled=dispute.settled,
            resolution=(
                ResolutionOut(
                    kind=resolution.kind.value,
                    worker_amount=(
                        MoneyOut.of(resolution.worker_amount)
                        if resolution.worker_amount is not None
                        else None
                    ),
                )
                if resolution is not None
                else None
            ),
            note=dispute.note,
            created_at=dispute.created_at,
            updated_at=dispute.updated_at,
        )


class ResolveIn(Input):
    """``release`` pays the worker, ``refund`` returns the seat to the client, ``split`` gives
    the worker ``worker_amount`` and the client the rest."""

    kind: Literal["release", "refund", "split"]
    worker_amount: MoneyIn | None = None
    note: Note = ""


class RejectIn(Input):
    note: Note = ""


class ApplicationDisputesController(Controller):
    """Disputes name one worker's assignment (its application), so they hang off it."""

    path = "/applications/{application_id:int}/disputes"
    tags = ["disputes"]
    security = AUTHENTICATED

    @post("", responses=documented(401, 403, 404, 409), summary="Dispute an assignment")
    async def open(
        self,
        application_id: FromPath[int],
        data: JSONBody[DisputeIn],
        principal: Caller,
        services: Services,
    ) -> DisputeOut:
        dispute = await services.core.disputes.open(
            principal, application_id, data.category, data.reason
        )
        return DisputeOut.of(dispute)


class DisputesController(Controller):
    path = "/disputes"
    tags = ["disputes"]
    security = AUTHENTICATED

    @get("/{dispute_id:int}", responses=documented(401, 404), summary="A dispute (parties, admins)")
    async def read(
        self, dispute_id: FromPath[int], principal: Caller, services: Services
    ) -> DisputeOut:
        return DisputeOut.of(await services.core.disputes.get(principal, dispute_id))


class AdminDisputesController(Controller):
    path = "/admin/disputes/{dispute_id:int}"
    tags = ["admin", "disputes"]
    security = AUTHENTICATED

    @post("/review", status_code=HTTP_200_OK, responses=_DECIDE, summary="Start reviewing")
    async def review(
        self, dispute_id: FromPath[int], principal: Caller, services: Services
    ) -> DisputeOut:
        return DisputeOut.of(await services.core.disputes.start_review(principal, dispute_id))

    @post("/resolve", status_code=HTTP_200_OK, responses=_DECIDE, summary="Resolve")
    async def resolve(
        self,
        dispute_id: FromPath[int],
        data: JSONBody[ResolveIn],
        principal: Caller,
        services: Services,
    ) -> DisputeOut:
        resolution = Resolution(
            kind=data.kind,
            worker_amount=data.worker_amount.to_money() if data.worker_amount else None,
        )
        found = await services.core.disputes.resolve(principal, dispute_id, resolution, data.note)
        return DisputeOut.of(found)

    @post("/reject", status_code=HTTP_200_OK, responses=_DECIDE, summary="Reject")
    async def reject(
        self,
        dispute_id: FromPath[int],
        data: JSONBody[RejectIn],
        principal: Caller,
        services: Services,
    ) -> DisputeOut:
        found = await services.core.disputes.reject(principal, dispute_id, data.note)
        return DisputeOut.of(found)


DisputeStatusName = Annotated[
    list[DisputeStatus] | None, QueryParameter(description="only disputes in these statuses")
]


class MyDisputesController(Controller):
    path = "/me/disputes"
    tags = ["me", "disputes"]
    security = AUTHENTICATED

    @get("", responses=documented(401), summary="Disputes I am a party to, newest first")
    async def mine(
        self,
        principal: Caller,
        services: Services,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Page[DisputeOut]:
        page = await services.core.disputes.list_mine(principal, page_request(limit, cursor))
        return page_out(page, DisputeOut.of)


class AdminDisputeQueueController(Controller):
    path = "/admin/disputes"
    tags = ["admin", "disputes"]
    security = AUTHENTICATED

    @get("", responses=documented(401, 403), summary="All disputes, newest first (admins)")
    async def queue(
        self,
        principal: Caller,
        services: Services,
        status: DisputeStatusName = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Page[DisputeOut]:
        page = await services.core.disputes.list_all(
            principal, page_request(limit, cursor), frozenset(status) if status else None
        )
        return page_out(page, DisputeOut.of)
