"""Applications and attendance through HTTP: success paths and documented errors."""

from __future__ import annotations

from tests.unit.http.conftest import Login
from tests.unit.http.journeys import Client, accepted, apply, funded_job, post_job


async def test_apply_list_accept_and_see_it_on_the_job(api: Client, login: Login) -> None:
    client = await login("client")
    worker = await login("applicant")
    job = await funded_job(api, client)
    application_id = await apply(api, worker, job["id"])

    listed = await api.get(f"/api/v1/jobs/{job['id']}/applications", headers=client)
    rows = listed.json()["items"]
    assert [r["application"]["id"] for r in rows] == [application_id]
    assert rows[0]["applicant"]["first_name"] == "Ada"
    assert rows[0]["applicant"]["reliability"]["score_percent"] is None

    again = await api.post(f"/api/v1/jobs/{job['id']}/applications", headers=worker)
    assert (again.status_code, again.json()["code"]) == (409, "already_applied")

    ok = await api.post(f"/api/v1/applications/{application_id}/accept", headers=client)
    assert (ok.status_code, ok.json()["status"]) == (200, "accepted")
    twice = await api.post(f"/api/v1/applications/{application_id}/accept", headers=client)
    assert twice.status_code == 409
    seen = (await api.get(f"/api/v1/jobs/{job['id']}", headers=worker)).json()
    assert seen["my_application"] == {"id": application_id, "status": "accepted"}
    assert seen["job"]["accepted_count"] == 1


async def test_cannot_apply_to_a_pending_job(api: Client, login: Login) -> None:
    client = await login("client")
    worker = await login("applicant")
    job = await post_job(api, client)
    response = await api.post(f"/api/v1/jobs/{job['id']}/applications", headers=worker)
    assert response.status_code == 404


async def test_reject_then_withdraw(api: Client, login: Login) -> None:
    client = await login("client")
    worker = await login("applicant")
    job = await funded_job(api, client)
    application_id = await apply(api, worker, job["id"])
    rejected = await api.post(f"/api/v1/applications/{application_id}/reject", headers=client)
    assert rejected.json()["status"] == "rejected"
    withdrawn = await api.post(f"/api/v1/applications/{application_id}/withdraw", headers=worker)
    assert withdrawn.status_code == 409
    mine = await api.get("/api/v1/me/applications?status=rejected", headers=worker)
    assert [r["application"]["id"] for r in mine.json()["items"]] == [application_id]


async def test_check_in_out_and_no_show(api: Client, login: Login) -> None:
    client = await login("client")
    worker = await login("applicant")
    absent = await login("applicant")
    job = await funded_job(api, client)
    application_id = await accepted(api, client, worker, job["id"])
    missing_id = await accepted(api, client, absent, job["id"])
    far = {"location": {"latitude": 9.0765, "longitude": 7.3986}}  # Abuja, not Lagos
    checked_in = await api.post(
        f"/api/v1/applications/{application_id}/check-in", json=far, headers=worker
    )
    assert checked_in.status_code == 200, checked_in.text
    assert checked_in.json()["check_in_flagged"] is True
    assert checked_in.json()["check_in_location"] == far["location"]
    twice = await api.post(f"/api/v1/applications/{application_id}/check-in", headers=worker)
    assert (twice.status_code, twice.json()["code"]) == (409, "already_checked_in")

    assert (await api.post(f"/api/v1/jobs/{job['id']}/start", headers=client)).is_success
    no_show = await api.post(f"/api/v1/applications/{missing_id}/no-show", headers=client)
    assert no_show.json()["status"] == "no_show"
    out = await api.post(f"/api/v1/applications/{application_id}/check-out", headers=worker)
    assert out.status_code == 200
    assert out.json()["checked_out_at"] is not None
    bad_point = await api.post(
        f"/api/v1/applications/{application_id}/check-out",
        json={"location": {"latitude": 91, "longitude": 0}},
        headers=worker,
    )
    assert bad_point.status_code == 422
