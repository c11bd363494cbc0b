"""Steps shared by the HTTP tests: post a job, fund it through the sandbox, apply, accept."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
Headers = dict[str, str]


async def first_subcategory(api: Client) -> tuple[int, int]:
    industries = (await api.get("/api/v1/catalog/industries")).json()["items"]
    industry = industries[0]
    return industry["id"], industry["subcategories"][0]["id"]


async def job_body(api: Client, **overrides: Any) -> dict[str, Any]:
    industry_id, subcategory_id = await first_subcategory(api)
    body: dict[str, Any] = {
        "title": "Waiters for a wedding",
        "description": "Serve 200 guests.",
        "industry_id": industry_id,
        "subcategory_id": subcategory_id,
        "job_type": "single_day",
        "shift_type": "day",
        "start_date": "2026-01-05",
        "end_date": "2026-01-05",
        "start_time": "10:00",
        "end_time": "18:00",
        "applicants_needed": 2,
        "hourly_rate": {"amount": 150_000, "currency": "NGN"},
        "address": "12 Broad Street, Lagos Island",
        "location": {"latitude": 6.5244, "longitude": 3.3792},
    }
    body.update(overrides)
    return body


async def post_job(api: Client, client: Headers, **overrides: Any) -> dict[str, Any]:
    response = await api.post("/api/v1/jobs", json=await job_body(api, **overrides), headers=client)
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


async def fund_with_sandbox(api: Client, client: Headers, job_id: int) -> str:
    started = await api.post(
        f"/api/v1/jobs/{job_id}/funding", json={"method": "gateway"}, headers=client
    )
    assert started.status_code == 201, started.text
    reference: str = started.json()["reference"]
    approved = await api.post(
        f"/api/v1/payments/sandbox/{reference}/approve", follow_redirects=True
    )
    assert approved.status_code == 200, approved.text
    assert approved.json() == {"reference": reference, "status": "succeeded"}
    return reference


async def funded_job(api: Client, client: Headers, **overrides: Any) -> dict[str, Any]:
    job = await post_job(api, client, **overrides)
    await fund_with_sandbox(api, client, job["id"])
    return job


async def apply(api: Client, worker: Headers, job_id: int) -> int:
    response = await api.post(f"/api/v1/jobs/{job_id}/applications", headers=worker)
    assert response.status_code == 201, response.text
    application_id: int = response.json()["id"]
    return application_id


async def accepted(api: Client, client: Headers, worker: Headers, job_id: int) -> int:
    application_id = await apply(api, worker, job_id)
    response = await api.post(f"/api/v1/applications/{application_id}/accept", headers=client)
    assert response.status_code == 200, response.text
    return application_id
