"""Funding, payments, wallet and withdrawals through HTTP, with Idempotency-Key semantics."""

from __future__ import annotations

from adapters.payments.sandbox import SandboxGateway
from paeshift_core.application.context import Deps
from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client, accepted, funded_job, post_job

PAYOUT = {"bank": "GTBank", "account_number": "0123456789", "account_name": "Ada Obi"}


async def _paid_worker(api: Client, login: Login) -> Headers:
    """A worker with ₦12,000 in the wallet (one completed 8-hour shift at ₦1,500/h)."""
    client = await login("client")
    worker = await login("applicant")
    job = await funded_job(api, client, applicants_needed=1)
    await accepted(api, client, worker, job["id"])
    assert (await api.post(f"/api/v1/jobs/{job['id']}/start", headers=client)).is_success
    assert (await api.post(f"/api/v1/jobs/{job['id']}/end", headers=client)).is_success
    assert (await api.put("/api/v1/me/payout-account", json=PAYOUT, headers=worker)).is_success
    return worker


async def test_gateway_funding_with_the_sandbox(api: Client, login: Login) -> None:
    client = await login("client")
    job = await post_job(api, client)
    started = await api.post(
        f"/api/v1/jobs/{job['id']}/funding", json={"method": "gateway"}, headers=client
    )
    body = started.json()
    assert (started.status_code, body["status"]) == (201, "checkout_started")
    assert body["amount"] == job["pricing"]["total_due"]
    assert body["checkout_url"].endswith(f"/api/v1/payments/sandbox/{body['reference']}")

    page = await api.get(f"/api/v1/payments/sandbox/{body['reference']}")
    assert page.status_code == 200
    assert "Approve payment" in page.text
    read = await api.get(f"/api/v1/payments/{body['reference']}", headers=client)
    assert read.json()["status"] == "pending"

    approved = await api.post(
        f"/api/v1/payments/sandbox/{body['reference']}/approve", follow_redirects=False
    )
    assert approved.status_code == 303
    assert "/api/v1/payments/callback?reference=" in approved.headers["location"]
    callback = await api.get("/api/v1/payments/callback", params={"reference": body["reference"]})
    assert callback.json() == {"reference": body["reference"], "status": "succeeded"}
    read = await api.get(f"/api/v1/payments/{body['reference']}", headers=client)
    assert (read.json()["status"], read.json()["outcome"]) == ("succeeded", "escrow")
    again = await api.post(
        f"/api/v1/jobs/{job['id']}/funding", json={"method": "gateway"}, headers=client
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_funded")


async def test_declined_checkout_leaves_the_job_pending(api: Client, login: Login) -> None:
    client = await login("client")
    job = await post_job(api, client)
    started = await api.post(f"/api/v1/jobs/{job['id']}/funding", json={}, headers=client)
    reference = started.json()["reference"]
    declined = await api.post(
        f"/api/v1/payments/sandbox/{reference}/decline", follow_redirects=True
    )
    assert declined.json()["status"] == "failed"
    approve_now = await api.post(
        f"/api/v1/payments/sandbox/{reference}/approve", follow_redirects=False
    )
    assert approve_now.status_code == 409
    assert (await api.get(f"/api/v1/jobs/{job['id']}", headers=client)).json()["job"][
        "status"
    ] == "pending"


async def test_wallet_funding_needs_the_balance(api: Client, login: Login) -> None:
    client = await login("client")
    job = await post_job(api, client)
    response = await api.post(
        f"/api/v1/jobs/{job['id']}/funding", json={"method": "wallet"}, headers=client
    )
    assert (response.status_code, response.json()["code"]) == (422, "insufficient_funds")


async def test_webhooks_are_authenticated_and_per_provider(
    api: Client, login: Login, deps: Deps
) -> None:
    client = await login("client")
    job = await post_job(api, client)
    started = await api.post(f"/api/v1/jobs/{job['id']}/funding", json={}, headers=client)
    reference = started.json()["reference"]
    assert isinstance(deps.gateway, SandboxGateway)
    signed = deps.gateway.approve(reference)
    forged = await api.post(
        "/api/v1/payments/webhooks/sandbox",
        content=signed.body,
        headers={"content-type": "application/json", "x-sandbox-signature": "00" * 64},
    )
    assert forged.status_code == 401
    other = await api.post("/api/v1/payments/webhooks/paystack", content=signed.body)
    assert other.status_code == 404
    for _ in range(2):  # a redelivered webhook moves money once
        delivered = await api.post(
            "/api/v1/payments/webhooks/sandbox", content=signed.body, headers=dict(signed.headers)
        )
        assert delivered.json() == {"received": True, "reference": reference, "status": "succeeded"}
    assert (await api.get(f"/api/v1/jobs/{job['id']}", headers=client)).json()["job"][
        "status"
    ] == "upcoming"


async def test_unknown_references(api: Client, login: Login) -> None:
    client = await login("client")
    assert (await api.get("/api/v1/payments/callback?reference=psh-pay-0-0")).status_code == 404
    assert (await api.get("/api/v1/payments/psh-pay-0-0", headers=client)).status_code == 404
    assert (await api.get("/api/v1/payments/sandbox/psh-pay-0-0")).status_code == 404


async def test_withdrawal_and_idempotency(api: Client, login: Login) -> None:
    worker = await _paid_worker(api, login)
    key = {"Idempotency-Key": "withdraw-1", **worker}
    body = {"amount": {"amount": 500_000, "currency": "NGN"}}
    first = await api.post("/api/v1/me/withdrawals", json=body, headers=key)
    assert (first.status_code, first.json()["status"]) == (201, "paid")
    repeat = await api.post("/api/v1/me/withdrawals", json=body, headers=key)
    assert (repeat.status_code, repeat.json()) == (201, first.json())
    different = await api.post(
        "/api/v1/me/withdrawals", json={"amount": {"amount": 200_000}}, headers=key
    )
    assert (different.status_code, different.json()["code"]) == (409, "idempotency_key_reused")

    wallet = (await api.get("/api/v1/me/wallet", headers=worker)).json()
    assert wallet["balance"]["amount"] == 1_200_000 - 500_000  # moved once
    listed = (await api.get("/api/v1/me/withdrawals", headers=worker)).json()
    assert [w["id"] for w in listed["items"]] == [first.json()["id"]]
    one = await api.get(f"/api/v1/me/withdrawals/{first.json()['id']}", headers=worker)
    assert one.json()["account_number"] == "0123456789"
    entries = (await api.get("/api/v1/me/wallet/entries?limit=1", headers=worker)).json()
    assert entries["items"][0]["direction"] == "debit"
    assert entries["next_cursor"]
    rest = await api.get(
        "/api/v1/me/wallet/entries", params={"cursor": entries["next_cursor"]}, headers=worker
    )
    assert [e["direction"] for e in rest.json()["items"]] == ["credit"]


async def test_withdrawal_rules(api: Client, login: Login) -> None:
    worker = await _paid_worker(api, login)
    small = await api.post(
        "/api/v1/me/withdrawals", json={"amount": {"amount": 99_999}}, headers=worker
    )
    assert (small.status_code, small.json()["code"]) == (422, "below_minimum")
    too_much = await api.post(
        "/api/v1/me/withdrawals", json={"amount": {"amount": 5_000_000}}, headers=worker
    )
    assert (too_much.status_code, too_much.json()["code"]) == (422, "insufficient_funds")
    negative = await api.post(
        "/api/v1/me/withdrawals", json={"amount": {"amount": -1}}, headers=worker
    )
    assert negative.status_code == 422


async def test_funding_with_an_idempotency_key_starts_one_checkout(
    api: Client, login: Login
) -> None:
    client = await login("client")
    job = await post_job(api, client)
    headers = {"Idempotency-Key": "fund-1", **client}
    first = await api.post(f"/api/v1/jobs/{job['id']}/funding", json={}, headers=headers)
    second = await api.post(f"/api/v1/jobs/{job['id']}/funding", json={}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["reference"] == second.json()["reference"]
    wallet = await api.post(
        f"/api/v1/jobs/{job['id']}/funding", json={"method": "wallet"}, headers=headers
    )
    assert wallet.status_code == 409
    other_caller = await login("client")
    other_job = await post_job(api, other_caller)
    same_key = await api.post(
        f"/api/v1/jobs/{other_job['id']}/funding",
        json={},
        headers={"Idempotency-Key": "fund-1", **other_caller},
    )
    assert same_key.status_code == 201  # keys are per caller
