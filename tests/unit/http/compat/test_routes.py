"""Shapes, statuses, slash forms, numbers as strings and string error bodies of the compat
routes (COMPAT_API.md)."""

from __future__ import annotations

import re

from adapters.memory.cache import MemoryCache
from adapters.memory.email import MemoryEmailSender
from paeshift_core.application.context import Deps
from paeshift_core.application.read_models import JOBS
from tests.unit.accounts import PASSWORD
from tests.unit.http.compat.conftest import SignUp
from tests.unit.http.compat.legacy import Client, pay, post_job

JOB_FIELDS = [
    "id",
    "title",
    "description",
    "status",
    "payment_status",
    "location",
    "latitude",
    "longitude",
    "rate",
    "total_amount",
    "service_fee",
    "duration",
    "applicants_needed",
    "applicants_count",
    "accepted_applicants_count",
    "applicants_user_ids",
    "start_date",
    "end_date",
    "date",
    "start_time_str",
    "end_time_str",
    "start_time_human",
    "end_time_human",
    "date_human",
    "date_posted_human",
    "industry_id",
    "industry_name",
    "subcategory",
    "job_type",
    "shift_type",
    "client_id",
    "client_first_name",
    "client_last_name",
    "client_username",
    "client_rating",
    "client_profile_pic_url",
    "employer_name",
    "actual_shift_start",
    "actual_shift_end",
    "has_applied",
    "application_status",
    "created_at",
]
MONEY = re.compile(r"^\d+\.\d{2}$")


async def test_the_job_object_has_every_field_in_its_format(
    api: Client, legacy_user: SignUp
) -> None:
    client = await legacy_user("client")
    job = await post_job(api, client)
    for path in (f"/jobs/{job['id']}", f"/jobs/{job['id']}/"):
        shown = (await api.get(path, headers=client.headers)).json()
        assert set(JOB_FIELDS) <= set(shown)
        assert all(MONEY.match(shown[k]) for k in ("rate", "total_amount", "service_fee"))
        assert shown["start_time_str"] == "10:00:00"
        assert shown["start_time_human"] == "10:00 AM"
        assert shown["date"] == shown["start_date"] == "2026-01-05"
        assert shown["application_status"] is None
        assert shown["has_applied"] is False
    listed = await api.get(
        f"/jobs/clients/clientjobs/{client.user_id}?page=1&page_size=5", headers=client.headers
    )
    assert listed.json()["pagination"] == {
        "current_page": 1,
        "total_pages": 1,
        "total_items": 1,
        "items_per_page": 5,
        "has_next": False,
        "has_previous": False,
    }
    deleted = await api.delete(f"/jobs/job/delete/{job['id']}", headers=client.headers)
    assert deleted.status_code == 200
    assert isinstance(deleted.json()["message"], str)


async def test_legacy_error_bodies_are_strings_with_the_listed_statuses(
    api: Client, legacy_user: SignUp, mailer: MemoryEmailSender
) -> None:
    user = await legacy_user("client", profile=False)
    again = {"first_name": "A", "last_name": "B", "email": user.email, "password": PASSWORD}
    duplicate = await api.post("/accountsapp/signup/", json=again)
    assert duplicate.status_code == 409
    assert isinstance(duplicate.json()["error"], str)
    bad_login = await api.post(
        "/accountsapp/login-simple/", json={"email": user.email, "password": "wrong-password"}
    )
    assert bad_login.status_code == 401
    assert isinstance(bad_login.json()["error"], str)
    await api.post("/accountsapp/signup", json={**again, "email": "new@example.com"})
    wrong = await api.post(
        "/accountsapp/verify-registration",
        json={"email": "new@example.com", "code": "000000", "type": "registration"},
    )
    assert wrong.status_code == 400
    assert isinstance(wrong.json()["message"], str)
    not_a_number = await api.get("/jobs/abc", headers=user.headers)
    assert not_a_number.status_code == 400
    assert isinstance(not_a_number.json()["detail"], str)
    no_start = await api.post("/jobs/shifts/start-shift/999", json={}, headers=user.headers)
    assert no_start.status_code == 404
    assert isinstance(no_start.json()["detail"], str)


async def test_shift_rule_errors_are_400_with_a_string_detail(
    api: Client, legacy_user: SignUp
) -> None:
    client = await legacy_user("client")
    job = await post_job(api, client)
    await pay(api, client, job["id"])
    start = await api.post(
        f"/jobs/shifts/start-shift/{job['id']}/", json={}, headers=client.headers
    )
    assert start.status_code == 400  # nobody accepted yet
    assert isinstance(start.json()["detail"], str)


async def test_login_sets_a_session_cookie_that_authenticates_token_less_calls(
    api: Client, legacy_user: SignUp
) -> None:
    user = await legacy_user("applicant")
    login = await api.post(
        "/accountsapp/login-simple", json={"email": user.email, "password": PASSWORD}
    )
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie.replace("Lax", "lax")
    # An expired/garbage bearer token does not matter while the cookie is valid.
    me = await api.get(
        f"/accountsapp/whoami/{user.user_id}", headers={"Authorization": "Bearer expired"}
    )
    assert me.status_code == 200
    assert me.json()["email"] == user.email
    settings = await api.get(f"/notifications/{user.user_id}/settings")
    assert settings.json()["data"]["push"]["job_reminder"] is True
    off = await api.put(
        f"/notifications/notifications/{user.user_id}/settings/",
        json={"push_job_reminder": "false"},
    )
    assert off.json()["data"]["push"]["job_reminder"] is False
    out = await api.post("/accountsapp/logout", json={})
    assert out.status_code == 200
    api.cookies.clear()
    assert (await api.get(f"/notifications/{user.user_id}/settings")).status_code == 401


async def test_applying_accepting_and_declining_store_the_job_detail_for_its_next_reader(
    api: Client, legacy_user: SignUp, deps: Deps
) -> None:
    """The compat routes write through like the API's (``jobs_routes.refresh_job_detail``):
    the next anonymous read of the job's public detail is a hit that shows the write."""
    client, first, second = (
        await legacy_user("client"),
        await legacy_user("applicant"),
        await legacy_user("applicant"),
    )
    job = await post_job(api, client)
    await pay(api, client, job["id"])
    cache = deps.cache
    assert isinstance(cache, MemoryCache)

    async def next_read_hits(expected: dict[str, int]) -> None:
        hits, misses = cache.hits[JOBS], cache.misses[JOBS]
        read = await api.get(f"/api/v1/jobs/{job['id']}")
        assert read.json()["counts"]["by_status"] == expected
        assert (cache.hits[JOBS], cache.misses[JOBS]) == (hits + 1, misses)

    applied = []
    for worker in (first, second):
        response = await api.post(
            "/jobs/applicants/applications/apply-job/",
            json={"user_id": worker.user_id, "job_id": job["id"]},
            headers=worker.headers,
        )
        assert response.status_code == 200, response.text
        applied.append(response.json()["application_id"])
    await next_read_hits({"applied": 2})
    for application, decision in zip(applied, ("accept", "decline"), strict=True):
        decided = await api.put(
            f"/jobs/clients/applications/{application}/{decision}/",
            json={"user_id": client.user_id},
            headers=client.headers,
        )
        assert decided.status_code == 200, decided.text
    await next_read_hits({"accepted": 1, "rejected": 1})
