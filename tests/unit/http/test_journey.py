"""The README walkthrough, end to end through HTTP: sign up → verify with the e-mailed code
→ log in → post → fund with the sandbox → apply → accept → start → end → wallet shows pay."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.unit.http.conftest import Login
from tests.unit.http.journeys import accepted, funded_job

Client = AsyncTestClient[Litestar]


async def test_walkthrough(api: Client, login: Login) -> None:
    client = await login("client")
    worker = await login("applicant")

    job = await funded_job(api, client)
    assert job["status"] == "pending"
    detail = (await api.get(f"/api/v1/jobs/{job['id']}", headers=worker)).json()
    assert detail["job"]["status"] == "upcoming"

    application_id = await accepted(api, client, worker, job["id"])
    started = await api.post(f"/api/v1/jobs/{job['id']}/start", headers=client)
    assert (started.status_code, started.json()["status"]) == (200, "ongoing")
    ended = await api.post(f"/api/v1/jobs/{job['id']}/end", headers=client)
    assert (ended.status_code, ended.json()["status"]) == (200, "completed")

    mine = (await api.get("/api/v1/me/applications", headers=worker)).json()
    assert [row["application"]["id"] for row in mine["items"]] == [application_id]
    assert mine["items"][0]["application"]["status"] == "completed"
    pay = job["pricing"]["worker_pay"]
    assert pay == {"amount": 1_200_000, "currency": "NGN"}  # ₦1,500/h × 8 h
    wallet = (await api.get("/api/v1/me/wallet", headers=worker)).json()
    assert wallet["balance"] == pay
    entries = (await api.get("/api/v1/me/wallet/entries", headers=worker)).json()
    assert [(e["amount"], e["direction"]) for e in entries["items"]] == [(pay, "credit")]
    client_wallet = (await api.get("/api/v1/me/wallet", headers=client)).json()
    seat_refund = job["pricing"]["total_due"]["amount"] // 2  # one of two seats unfilled
    assert client_wallet["balance"]["amount"] == seat_refund
