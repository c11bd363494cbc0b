"""Another user's id anywhere in a compat request is refused with 403 and changes nothing;
other users' data is limited to public fields (COMPAT_API.md "Serving it securely")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.http.compat.conftest import SignUp
from tests.unit.http.compat.legacy import Client, LegacyUser, pay, post_job


def _as_other(victim: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    v = victim
    return [
        ("GET", f"/accountsapp/get-account-details?user_id={v}", None),
        (
            "POST",
            "/accountsapp/upload-account-details",
            {"user_id": v, "account_number": "0123456789", "bank_name": "X"},
        ),
        ("PUT", "/accountsapp/switch-role", {"user_id": v, "new_role": "applicant"}),
        (
            "POST",
            "/accountsapp/change-password",
            {"user_id": v, "old_password": "x" * 8, "new_password": "y" * 9},
        ),
        ("POST", "/accountsapp/profile/update", {"user_id": str(v), "bio": "hacked"}),
        ("GET", f"/jobs/clients/clientjobs/{v}", None),
        ("GET", f"/jobs/alljobsmatched?user_id={v}", None),
        ("GET", f"/jobs/saved-jobs/{v}", None),
        ("POST", "/jobs/save-job/add/", {"user_id": v, "job_id": 1}),
        ("DELETE", "/jobs/unsave-job/", {"user_id": v, "job_id": 1}),
        ("POST", "/jobs/applicants/applications/apply-job/", {"user_id": v, "job_id": 1}),
        ("POST", "/jobs/jobs/create-job", {"user_id": v}),
        ("POST", "/jobs/application/mark-arrived/", {"applicant_id": v, "application_id": 1}),
        ("POST", "/payment/payments", {"user_id": v, "job_id": 1}),
        ("GET", f"/payment/users/{v}/wallet/transactions", None),
        ("GET", f"/payment/users/{v}/payments", None),
        ("GET", f"/payment/users/{v}/payments/", None),
        ("POST", "/payment/users/wallet/withdraw", {"user_id": v, "amount": "1000"}),
        ("POST", "/rating/ratings/", {"sender_id": v, "receiver_id": 1, "job_id": 1, "rating": 5}),
        ("POST", "/rating/ratings/mark-read/", {"user_id": v, "review_id": 1}),
        (
            "POST",
            "/rating/company/feedback/",
            {"user_id": v, "category": "bug", "message": "x" * 20, "rating": 3},
        ),
        ("GET", f"/notifications/{v}/", None),
        ("POST", f"/notifications/notifications/{v}/1/mark-as-read/", None),
        ("GET", f"/notifications/{v}/settings", None),
        ("PUT", f"/notifications/notifications/{v}/settings", {"email_job_reminder": False}),
    ]


@pytest.fixture
async def pair(legacy_user: SignUp) -> tuple[LegacyUser, LegacyUser]:
    return await legacy_user("client"), await legacy_user("applicant")


async def test_another_users_id_is_refused_with_403_and_changes_nothing(
    api: Client, pair: tuple[LegacyUser, LegacyUser]
) -> None:
    attacker, victim = pair
    before = (await api.get(f"/accountsapp/whoami/{victim.user_id}", headers=victim.headers)).json()
    for method, path, body in _as_other(victim.user_id):
        if method == "POST" and path.endswith("profile/update"):
            response = await api.post(path, data=body, headers=attacker.headers)
        else:
            response = await api.request(method, path, json=body, headers=attacker.headers)
        assert response.status_code == 403, (method, path, response.text)
        assert isinstance(response.json()["detail"], str)
    after = (await api.get(f"/accountsapp/whoami/{victim.user_id}", headers=victim.headers)).json()
    assert after == before


async def test_compat_routes_need_a_caller(api: Client) -> None:
    response = await api.get("/jobs/all-users")
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


async def test_all_users_and_whoami_show_counterparts_only(
    api: Client, legacy_user: SignUp
) -> None:
    client, worker, stranger = (
        await legacy_user("client"),
        await legacy_user("applicant"),
        await legacy_user("applicant"),
    )
    assert (await api.get("/jobs/all-users", headers=client.headers)).json() == {"users": []}
    job = await post_job(api, client)
    await pay(api, client, job["id"])
    applied = await api.post(
        "/jobs/applicants/applications/apply-job",
        json={"user_id": worker.user_id, "job_id": job["id"]},
        headers=worker.headers,
    )
    assert applied.status_code == 200
    users = (await api.get("/jobs/all-users/", headers=client.headers)).json()["users"]
    assert [u["id"] for u in users] == [worker.user_id]
    assert users[0]["email"] == worker.email

    seen_by_stranger = (
        await api.get(f"/accountsapp/whoami/{client.user_id}", headers=stranger.headers)
    ).json()
    assert seen_by_stranger["email"] == ""
    assert seen_by_stranger["phone_number"] == ""
    assert seen_by_stranger["wallet_balance"] == "0.00"
    assert seen_by_stranger["account_details"] is None
    seen_by_worker = (
        await api.get(f"/accountsapp/whoami/{client.user_id}", headers=worker.headers)
    ).json()
    assert seen_by_worker["email"] == client.email
    assert seen_by_worker["phone_number"].startswith("+234")
    assert seen_by_worker["account_details"] is None
    own = (await api.get(f"/accountsapp/whoami/{client.user_id}", headers=client.headers)).json()
    assert own["job_stats"]["total_jobs_posted"] == 1
