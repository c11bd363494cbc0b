"""``/api/v1/payments``: a payment's state, the browser's return, provider webhooks, and the
sandbox provider's checkout pages (DOMAIN.md Payments).

The callback and the webhooks only name a reference; the use cases ask the provider before
any money moves, and apply the answer once whichever path comes first. Sandbox decisions are
turned into signed webhooks and fed through the very same webhook handling.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from litestar import Controller, MediaType, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect
from litestar.status_codes import HTTP_200_OK, HTTP_303_SEE_OTHER

from adapters.http.auth import AUTHENTICATED, Caller, Services
from adapters.http.pagination import Cursor, Limit, Page, page_out, page_request
from adapters.http.problems import documented
from adapters.http.schema_base import MoneyOut, Output
from adapters.http.services import ApiServices
from adapters.payments.sandbox import SandboxGateway
from paeshift_core.application.pagination import DEFAULT_LIMIT
from paeshift_core.domain.errors import NotFound
from paeshift_core.domain.payments import PaymentIntent, Withdrawal

Reference = Annotated[str, QueryParameter(min_length=8, max_length=50, pattern=r"^[a-z0-9-]+$")]


class PaymentOut(Output):
    reference: str
    job_id: int
    amount: MoneyOut
    provider: str
    status: str
    outcome: str | None
    checkout_url: str
    reason: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, intent: PaymentIntent) -> PaymentOut:
        return cls(
            reference=intent.reference,
            job_id=intent.job_id,
            amount=MoneyOut.of(intent.amount),
            provider=intent.provider,
            status=intent.status.value,
            outcome=intent.outcome.value if intent.outcome is not None else None,
            checkout_url=intent.checkout_url,
            reason=intent.reason,
            created_at=intent.created_at,
            updated_at=intent.updated_at,
        )


class PaymentStatusOut(Output):
    """What the browser's return learns: no amounts or parties, only the outcome."""

    reference: str
    status: str


class WebhookAckOut(Output):
    received: Literal[True] = True
    reference: str | None = None
    status: str | None = None


def _ack(result: PaymentIntent | Withdrawal | None) -> WebhookAckOut:
    if result is None:
        return WebhookAckOut()
    return WebhookAckOut(reference=result.reference, status=result.status.value)


class PaymentsController(Controller):
    path = "/payments"
    tags = ["payments"]

    @get(
        "/callback",
        responses=documented(404, 503),
        summary="The payer's browser returns here; the payment is verified with the provider",
    )
    async def callback(self, reference: Reference, services: Services) -> PaymentStatusOut:
        intent = await services.core.funding.confirm(reference)
        return PaymentStatusOut(reference=intent.reference, status=intent.status.value)

    @post(
        "/webhooks/{provider:str}",
        status_code=HTTP_200_OK,
        responses=documented(401, 404, 503),
        summary="Provider webhooks (signature checked; the payment is re-verified)",
    )
    async def webhook(
        self, request: Request[Any, Any, Any], provider: FromPath[str], services: Services
    ) -> WebhookAckOut:
        if provider != services.payment_provider:
            raise NotFound(f"no webhooks for provider {provider!r} here")
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        return _ack(await services.core.payment_webhooks.handle(headers, body))

    @get(
        "/{reference:str}",
        security=AUTHENTICATED,
        responses=documented(401, 404),
        summary="A payment's state (its payer or an admin)",
    )
    async def read(
        self, reference: FromPath[str], principal: Caller, services: Services
    ) -> PaymentOut:
        return PaymentOut.of(await services.core.funding.get_intent(principal, reference))


class JobPaymentsController(Controller):
    path = "/jobs/{job_id:int}/payments"
    tags = ["jobs", "payments"]
    security = AUTHENTICATED

    @get(
        "",
        responses=documented(401, 403, 404),
        summary="A job's payment attempts, newest first (its client or an admin)",
    )
    async def list_for_job(
        self,
        job_id: FromPath[int],
        principal: Caller,
        services: Services,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Page[PaymentOut]:
        found = await services.core.payment_history.for_job(
            principal, job_id, page_request(limit, cursor)
        )
        return page_out(found, PaymentOut.of)


class MyPaymentsController(Controller):
    path = "/me/payments"
    tags = ["me", "payments"]
    security = AUTHENTICATED

    @get("", responses=documented(401), summary="My payments (as payer), newest first")
    async def mine(
        self,
        principal: Caller,
        services: Services,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Page[PaymentOut]:
        found = await services.core.payment_history.mine(principal, page_request(limit, cursor))
        return page_out(found, PaymentOut.of)


def _sandbox(services: ApiServices) -> SandboxGateway:
    if services.sandbox is None:
        raise NotFound("the sandbox payment provider is not enabled")
    return services.sandbox


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Paeshift sandbox checkout</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto}}
button{{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}}</style></head>
<body><h1>Sandbox checkout</h1>
<p>No real money moves here. Payment <code>{reference}</code> by {email}.</p>
<p>Amount: <strong>{amount}</strong> &middot; status: <strong>{status}</strong></p>
<form method="post" action="{base}/approve" style="display:inline">
<button type="submit">Approve payment</button></form>
<form method="post" action="{base}/decline" style="display:inline">
<button type="submit">Decline</button></form>
</body></html>
"""


class SandboxCheckoutController(Controller):
    """The pages the sandbox provider's checkout URL points at (only when it is enabled)."""

    path = "/payments/sandbox/{reference:str}"
    tags = ["payments"]

    @get("", media_type=MediaType.HTML, responses=documented(404), summary="Sandbox checkout")
    async def page(self, reference: FromPath[str], services: Services) -> str:
        checkout = _sandbox(services).checkout(reference)
        base = f"/api/v1/payments/sandbox/{quote(reference, safe='')}"
        return _PAGE.format(
            reference=html.escape(checkout.reference),
            email=html.escape(checkout.email),
            amount=html.escape(str(checkout.amount)),
            status=html.escape(str(checkout.status)),
            base=base,
        )

    async def _decide(self, reference: str, services: ApiServices, approve: bool) -> Redirect:
        sandbox = _sandbox(services)
        signed = sandbox.approve(reference) if approve else sandbox.decline(reference)
        await services.core.payment_webhooks.handle(dict(signed.headers), signed.body)
        callback = sandbox.checkout(reference).callback_url
        separator = "&" if "?" in callback else "?"
        return Redirect(
            f"{callback}{separator}reference={quote(reference, safe='')}",
            status_code=HTTP_303_SEE_OTHER,
        )

    @post(
        "/approve",
        status_code=HTTP_303_SEE_OTHER,
        responses=documented(404, 409),
        summary="Approve (redirects to the callback)",
    )
    async def approve(self, reference: FromPath[str], services: Services) -> Redirect:
        return await self._decide(reference, services, approve=True)

    @post(
        "/decline",
        status_code=HTTP_303_SEE_OTHER,
        responses=documented(404, 409),
        summary="Decline (redirects to the callback)",
    )
    async def decline(self, reference: FromPath[str], services: Services) -> Redirect:
        return await self._decide(reference, services, approve=False)
