"""``/api/v1/jobs`` and ``/api/v1/me/jobs``: success paths and documented errors."""

from __future__ import annotations

from adapters.memory.clock import FakeClock
from paeshift_core.application.context import Deps
from paeshift_core.domain.users import Role
from tests.unit.http.conftest import Login
from tests.unit.http.journeys import Client, accepted, funded_job, job_body, post_job


async def test_post_read_edit_delete_a_pending_job(api: Client, login: Login) -> None:
    client = await login("client")
    job = await post_job(api, client)
    assert job["status"] == "pending"
    assert job["pricing"]["total_due"] == {"amount": 2_640_000, "currency": "NGN"}
    assert job["schedule"]["start_time"] == "10:00:00"

    read = await api.get(f"/api/v1/jobs/{job['id']}", headers=client)
    assert read.status_code == 200
    assert read.json()["counts"] == {"applicants": 0, "by_status": {}}
    assert read.json()["my_application"] is None

    edited = await api.patch(
        f"/api/v1/jobs/{job['id']}",
        json={"applicants_needed": 1, "end_time": "14:00"},
        headers=client,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["seats"] == 1
    assert edited.json()["pricing"]["worker_pay"]["amount"] == 600_000  # 4 h × ₦1,500

    assert (await api.delete(f"/api/v1/jobs/{job['id']}", headers=client)).status_code == 204
    assert (await api.get(f"/api/v1/jobs/{job['id']}", headers=client)).status_code == 404


async def test_post_job_validation_names_the_fields(api: Client, login: Login) -> None:
    client = await login("client")
    body = await job_body(api, applicants_needed=0, start_time="25:00", surprise=1)
    response = await api.post("/api/v1/jobs", json=body, headers=client)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert "surprise" in fields or {"applicants_needed", "start_time"} & fields

    wrong_sub = await job_body(api, subcategory_id=999_999)
    domain = await api.post("/api/v1/jobs", json=wrong_sub, headers=client)
    assert domain.status_code == 422
    assert domain.json()["errors"][0]["field"] == "subcategory_id"

    past = await job_body(api, start_date="2025-12-01", end_date="2025-12-01")
    late = await api.post("/api/v1/jobs", json=past, headers=client)
    assert (late.status_code, late.json()["errors"][0]["field"]) == (422, "start_date")


async def test_incomplete_profile_cannot_post(api: Client, login: Login) -> None:
    client = await login("client", complete_profile=False)
    response = await api.post("/api/v1/jobs", json=await job_body(api), headers=client)
    assert (response.status_code, response.json()["code"]) == (422, "profile_incomplete")


async def test_transitions_are_conflicts(api: Client, login: Login) -> None:
    client = await login("client")
    job = await post_job(api, client)
    start = await api.post(f"/api/v1/jobs/{job['id']}/start", headers=client)
    assert (start.status_code, start.json()["code"]) == (409, "invalid_transition")
    end = await api.post(f"/api/v1/jobs/{job['id']}/end", headers=client)
    assert end.status_code == 409
    canceled = await api.post(f"/api/v1/jobs/{job['id']}/cancel", headers=client)
    assert (canceled.status_code, canceled.json()["status"]) == (200, "canceled")
    again = await api.post(f"/api/v1/jobs/{job['id']}/cancel", headers=client)
    assert again.status_code == 409
    edit = await api.patch(f"/api/v1/jobs/{job['id']}", json={"title": "Later"}, headers=client)
    assert edit.status_code == 409


async def test_start_needs_an_accepted_worker_and_the_lead_time(
    api: Client, login: Login, clock: FakeClock
) -> None:
    client = await login("client")
    worker = await login("applicant")
    job = await funded_job(api, client, start_date="2026-01-06", end_date="2026-01-06")
    nobody = await api.post(f"/api/v1/jobs/{job['id']}/start", headers=client)
    assert (nobody.status_code, nobody.json()["code"]) == (422, "no_workers")
    await accepted(api, client, worker, job["id"])
    early = await api.post(f"/api/v1/jobs/{job['id']}/start", headers=client)
    assert (early.status_code, early.json()["code"]) == (422, "too_early")


async def test_unknown_jobs_are_404_and_ids_must_be_integers(api: Client, login: Login) -> None:
    client = await login("client")
    assert (await api.get("/api/v1/jobs/987654", headers=client)).status_code == 404
    assert (await api.get("/api/v1/jobs/abc", headers=client)).status_code in {404, 422}


async def test_my_jobs_are_paginated_by_cursor(api: Client, login: Login) -> None:
    client = await login("client")
    ids = [(await post_job(api, client, title=f"Job number {n}"))["id"] for n in range(3)]
    first = (await api.get("/api/v1/me/jobs?limit=2", headers=client)).json()
    assert [row["job"]["id"] for row in first["items"]] == ids[::-1][:2]
    assert first["next_cursor"]
    second = await api.get(
        "/api/v1/me/jobs", params={"limit": 2, "cursor": first["next_cursor"]}, headers=client
    )
    assert [row["job"]["id"] for row in second.json()["items"]] == ids[:1]
    assert second.json()["next_cursor"] is None
    pending = await api.get("/api/v1/me/jobs?status=canceled", headers=client)
    assert pending.json()["items"] == []


async def test_pagination_parameters_are_validated(api: Client, login: Login) -> None:
    client = await login("client")
    too_big = await api.get("/api/v1/me/jobs?limit=101", headers=client)
    assert (too_big.status_code, too_big.json()["errors"][0]["field"]) == (422, "limit")
    assert (await api.get("/api/v1/me/jobs?limit=0", headers=client)).status_code == 422
    bad = await api.get("/api/v1/me/jobs?cursor=%21%21%21", headers=client)
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "cursor")


async def test_a_public_read_with_a_bad_token_is_401_whatever_it_found(
    api: Client, login: Login, deps: Deps
) -> None:
    """The caller is looked up alongside the public read (``CallerLookup``): the lookup's
    failure wins over a found job, a hidden one and a feed page, for a token that does not
    verify and for a signed one whose user does not exist (the read went ahead meanwhile)."""
    client = await login("client")
    public = (await funded_job(api, client))["id"]
    pending = (await post_job(api, client))["id"]
    unknown, _ = deps.tokens.issue_access(999_999, Role.APPLICANT, deps.clock.now())
    for token in ("not-a-token", unknown):
        forged = {"Authorization": f"Bearer {token}"}
        for path in (f"/api/v1/jobs/{public}", f"/api/v1/jobs/{pending}", "/api/v1/jobs/9999"):
            response = await api.get(path, headers=forged)
            assert (response.status_code, response.json()["code"]) == (401, "invalid_token"), path
        for sort in ("soonest", "best_match"):
            feed = await api.get("/api/v1/jobs", params={"sort": sort}, headers=forged)
            assert (feed.status_code, feed.json()["code"]) == (401, "invalid_token"), sort
    assert (await api.get(f"/api/v1/jobs/{public}")).status_code == 200
    assert (await api.get(f"/api/v1/jobs/{pending}", headers=client)).status_code == 200
    assert (await api.get(f"/api/v1/jobs/{pending}")).status_code == 404
