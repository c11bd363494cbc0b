"""``/payment``: checkout through the configured provider, the browser's return, the wallet
and withdrawals (COMPAT_API.md Payments). The amount charged is always the job's
``total_due``, whatever the request's ``total`` says; funding happens once, in the use case."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import quote

from litestar import get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect

from adapters.http.auth import Services
from adapters.http.compat.session import CompatCaller, own_body, require_self
from adapters.http.compat.shapes import as_id, as_kobo, naira, walk
from paeshift_core.domain.errors import NotFound, PaeshiftError
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import IntentStatus, PaymentIntent

VERIFY_PATH = "/payment/verify/"


@post("/payments", status_code=200)
async def start_payment(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, data, "user_id")
    job_id = as_id(body.get("job_id"), "job_id")
    gateway = services.payment_provider
    callback = f"{services.public_base_url}{VERIFY_PATH}?gateway={quote(gateway)}"
    started = await services.core.funding.start_checkout(caller, job_id, callback)
    job = (await services.core.jobs.get_job(caller, job_id)).job
    return {
        "status": "success",
        "data": {
            "authorization_url": started.url,
            "reference": started.reference,
            "payment_id": started.reference,
            "original_amount": naira(job.pricing.job_cost),
            "service_fee": naira(job.pricing.service_fee),
            "final_amount": naira(started.amount),
        },
    }


def verify_route(frontend_url: str) -> Any:
    """``GET /payment/verify/``: confirm with the provider, then send the browser back to the
    front end's dashboard (``frontend_url``: its origin, empty for the same origin)."""

    @get("/verify", status_code=302)
    async def verify(
        services: Services, reference: FromQuery[str] = "", gateway: FromQuery[str] = ""
    ) -> Redirect:
        outcome = "failed"
        if reference:
            try:
                intent = await services.core.funding.confirm(reference)
            except PaeshiftError:
                intent = None
            if intent is not None and intent.status is IntentStatus.SUCCEEDED:
                outcome = "success"
        return Redirect(f"{frontend_url}/dashboard?payment={outcome}", status_code=302)

    return verify


@get("/users/{uid:str}/wallet/transactions")
async def wallet_transactions(
    uid: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    require_self(caller, uid, "user_id")
    wallet = services.core.wallet
    lines = await walk(partial(wallet.statement, caller))
    balance = (await wallet.summary(caller)).balance
    return {
        "status": "success",
        "data": {
            "count": len(lines),
            "wallet_balance": naira(balance),
            "results": [
                {
                    "id": line.sequence,
                    "amount": naira(abs(line.entry.amount.amount)),
                    "transaction_type": "credit" if line.entry.amount.amount >= 0 else "debit",
                    "status": "completed",
                    "reference": line.entry.transaction_key,
                    "description": line.entry.kind.value.replace("_", " "),
                    "created_at": line.entry.posted_at.isoformat(),
                }
                for line in lines
            ],
        },
    }


def _payment_row(intent: PaymentIntent) -> dict[str, Any]:
    return {
        "id": intent.id,
        "amount": naira(intent.amount),
        "status": intent.status.value,
        "payment_method": intent.provider,
        "reference": intent.reference,
        "created_at": intent.created_at.isoformat(),
    }


@get("/users/{uid:str}/payments")
async def user_payments(
    uid: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """The caller's own payments (``uid`` must be the caller), newest first."""
    require_self(caller, uid, "user_id")
    intents = await walk(partial(services.core.payment_history.mine, caller))
    return {
        "status": "success",
        "data": {"count": len(intents), "results": [_payment_row(i) for i in intents]},
    }


@get("/job/{job_id:str}/payment-details")
async def job_payment_details(
    job_id: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """Mounted under ``/jobs``: the payment of the caller's job (its client or an admin);
    404 before any checkout. ``service_fee`` is the job's current fee."""
    wanted = as_id(job_id, "job_id")
    intent = await services.core.payment_history.job_payment(caller, wanted)
    if intent is None:
        raise NotFound(f"job {wanted} has no payment yet", code="no_payment")
    job = (await services.core.jobs.get_job(caller, wanted)).job
    return {
        "amount": naira(intent.amount),
        "service_fee": naira(job.pricing.service_fee),
        "reference": intent.reference,
        "created_at": intent.created_at.isoformat(),
        "payment_method": intent.provider,
        "status": intent.status.value,
    }


#: Payment routes the legacy front end calls under ``/jobs``.
JOB_PAYMENT_ROUTES = [job_payment_details]


@post("/users/wallet/withdraw", status_code=200)
async def withdraw(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, data, "user_id")
    withdrawal = await services.core.withdrawals.request(
        caller, Money(as_kobo(body.get("amount"), "amount"))
    )
    balance = (await services.core.wallet.summary(caller)).balance
    return {
        "status": "success",
        "message": "Withdrawal requested",
        "data": {
            "transaction_id": withdrawal.id,
            "reference": withdrawal.reference,
            "amount": naira(withdrawal.amount),
            "new_balance": naira(balance),
        },
    }


def payment_routes(frontend_url: str) -> list[Any]:
    return [start_payment, verify_route(frontend_url), wallet_transactions, user_payments, withdraw]
