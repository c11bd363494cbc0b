"""``GET /api/v1/me/payments`` and ``GET /api/v1/jobs/{id}/payments``: cursor pages of payment
intents (who may read them: tests/unit/http/test_authorization.py)."""

from __future__ import annotations

from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client, fund_with_sandbox, post_job


async def test_my_payments_and_a_jobs_payments_page_by_cursor(
    api: Client, login: Login, admin_headers: Headers
) -> None:
    client = await login("client")
    job = await post_job(api, client)
    abandoned = await api.post(
        f"/api/v1/jobs/{job['id']}/funding", json={"method": "gateway"}, headers=client
    )
    paid = await fund_with_sandbox(api, client, job["id"])

    first = await api.get(f"/api/v1/jobs/{job['id']}/payments?limit=1", headers=client)
    assert first.status_code == 200, first.text
    (newest,) = first.json()["items"]
    assert (newest["reference"], newest["status"], newest["outcome"]) == (
        paid,
        "succeeded",
        "escrow",
    )
    assert newest["amount"] == job["pricing"]["total_due"]
    assert newest["job_id"] == job["id"]
    cursor = first.json()["next_cursor"]
    rest = await api.get(
        f"/api/v1/jobs/{job['id']}/payments", params={"cursor": cursor}, headers=client
    )
    assert [p["reference"] for p in rest.json()["items"]] == [abandoned.json()["reference"]]
    assert rest.json()["next_cursor"] is None
    as_admin = await api.get(f"/api/v1/jobs/{job['id']}/payments", headers=admin_headers)
    assert len(as_admin.json()["items"]) == 2

    mine = await api.get("/api/v1/me/payments", headers=client)
    assert [p["reference"] for p in mine.json()["items"]] == [
        paid,
        abandoned.json()["reference"],
    ]
    other = await login("client")
    assert (await api.get("/api/v1/me/payments", headers=other)).json() == {
        "items": [],
        "next_cursor": None,
    }
    bad = await api.get("/api/v1/me/payments?limit=0", headers=client)
    assert bad.status_code in (400, 422)
