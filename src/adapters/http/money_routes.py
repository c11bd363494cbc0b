"""Money writes: funding a job and withdrawing from the wallet (DOMAIN.md Money, Payments).

Both accept ``Idempotency-Key``: a client that retries after a timeout gets the first answer
and moves money once; the same key with another body is a 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from adapters.http.auth import AUTHENTICATED, Caller, Services
from adapters.http.idempotency import IdempotencyKey, respond_once
from adapters.http.jobs_schemas import JobOut
from adapters.http.pagination import Cursor, Limit, Page, page_out, page_request
from adapters.http.problems import documented
from adapters.http.schema_base import Input, MoneyIn, MoneyOut, Output
from paeshift_core.application.pagination import DEFAULT_LIMIT
from paeshift_core.application.wallet import StatementLine
from paeshift_core.domain.payments import Withdrawal

CALLBACK_PATH = "/api/v1/payments/callback"


class FundingIn(Input):
    """``wallet`` pays ``total_due`` from the wallet now; ``gateway`` opens a checkout."""

    method: Literal["wallet", "gateway"] = "gateway"


class FundingOut(Output):
    method: Literal["wallet", "gateway"]
    job_id: int
    amount: MoneyOut
    status: Literal["funded", "checkout_started"]
    job: JobOut | None = None
    reference: str | None = None
    checkout_url: str | None = None


class WithdrawalIn(Input):
    amount: MoneyIn


class WithdrawalOut(Output):
    id: int
    amount: MoneyOut
    status: str
    reference: str
    bank: str
    account_number: str
    reason: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, withdrawal: Withdrawal) -> WithdrawalOut:
        return cls(
            id=withdrawal.id,
            amount=MoneyOut.of(withdrawal.amount),
            status=withdrawal.status.value,
            reference=withdrawal.reference,
            bank=withdrawal.payout_account.bank,
            account_number=withdrawal.payout_account.account_number,
            reason=withdrawal.reason,
            created_at=withdrawal.created_at,
            updated_at=withdrawal.updated_at,
        )


class WalletOut(Output):
    balance: MoneyOut


class WalletEntryOut(Output):
    sequence: int
    amount: MoneyOut
    direction: Literal["credit", "debit"]
    kind: str
    subject: str
    posted_at: datetime

    @classmethod
    def of(cls, line: StatementLine) -> WalletEntryOut:
        entry = line.entry
        return cls(
            sequence=line.sequence,
            amount=MoneyOut.of(entry.amount),
            direction="credit" if entry.amount.amount > 0 else "debit",
            kind=entry.kind.value,
            subject=entry.subject,
            posted_at=entry.posted_at,
        )


class WalletController(Controller):
    path = "/me/wallet"
    tags = ["me", "wallet"]
    security = AUTHENTICATED

    @get("", responses=documented(401), summary="My available balance")
    async def wallet(self, principal: Caller, services: Services) -> WalletOut:
        summary = await services.core.wallet.summary(principal)
        return WalletOut(balance=MoneyOut.of(summary.balance))

    @get("/entries", responses=documented(401), summary="My wallet statement, newest first")
    async def entries(
        self,
        principal: Caller,
        services: Services,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Page[WalletEntryOut]:
        page = await services.core.wallet.statement(principal, page_request(limit, cursor))
        return page_out(page, WalletEntryOut.of)


class FundingController(Controller):
    path = "/jobs/{job_id:int}/funding"
    tags = ["jobs", "payments"]
    security = AUTHENTICATED

    @post(
        "",
        status_code=HTTP_201_CREATED,
        responses=documented(401, 403, 404, 409, 503),
        summary="Fund a pending job from the wallet or through the payment gateway",
    )
    async def fund(
        self,
        request: Request[Any, Any, Any],
        job_id: FromPath[int],
        data: JSONBody[FundingIn],
        principal: Caller,
        services: Services,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[FundingOut]:
        async def produce() -> FundingOut:
            if data.method == "wallet":
                job = await services.core.funding.fund_from_wallet(principal, job_id)
                return FundingOut(
                    method="wallet",
                    job_id=job.id,
                    amount=MoneyOut.of(job.pricing.total_due),
                    status="funded",
                    job=JobOut.of(job),
                )
            callback = f"{services.public_base_url}{CALLBACK_PATH}"
            started = await services.core.funding.start_checkout(principal, job_id, callback)
            return FundingOut(
                method="gateway",
                job_id=job_id,
                amount=MoneyOut.of(started.amount),
                status="checkout_started",
                reference=started.reference,
                checkout_url=started.url,
            )

        return await respond_once(
            request,
            services.idempotency,
            caller=principal.user_id,
            key=idempotency_key,
            status=HTTP_201_CREATED,
            out_type=FundingOut,
            produce=produce,
        )


class WithdrawalsController(Controller):
    path = "/me/withdrawals"
    tags = ["me", "wallet"]
    security = AUTHENTICATED

    @post(
        "",
        status_code=HTTP_201_CREATED,
        responses=documented(401, 409, 429, 503),
        summary="Withdraw to my payout account",
    )
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[WithdrawalIn],
        principal: Caller,
        services: Services,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[WithdrawalOut]:
        async def produce() -> WithdrawalOut:
            found = await services.core.withdrawals.request(principal, data.amount.to_money())
            return WithdrawalOut.of(found)

        return await respond_once(
            request,
            services.idempotency,
            caller=principal.user_id,
            key=idempotency_key,
            status=HTTP_201_CREATED,
            out_type=WithdrawalOut,
            produce=produce,
        )

    @get("", responses=documented(401), summary="My withdrawals, newest first")
    async def mine(self, principal: Caller, services: Services) -> Page[WithdrawalOut]:
        found = await services.core.withdrawals.list_mine(principal)
        return Page(items=[WithdrawalOut.of(w) for w in found])

    @get(
        "/{withdrawal_id:int}",
        status_code=HTTP_200_OK,
        responses=documented(401, 404),
        summary="One of my withdrawals",
    )
    async def one(
        self, withdrawal_id: FromPath[int], principal: Caller, services: Services
    ) -> WithdrawalOut:
        return WithdrawalOut.of(await services.core.withdrawals.get(principal, withdrawal_id))
