"""The whole marketplace through the compat routes only (COMPAT_API.md; issue 9 acceptance)."""

from __future__ import annotations

from tests.unit.http.compat.conftest import Relay, SignUp
from tests.unit.http.compat.legacy import Client, pay, post_job


async def test_a_shift_from_sign_up_to_withdrawal(
    api: Client, legacy_user: SignUp, relay: Relay
) -> None:
    client = await legacy_user("client")
    job = await post_job(api, client)
    assert job["success"] is True
    assert job["status"] == "pending"
    assert job["payment_status"] == "pending"
    assert job["rate"] == "1500.00"  # 24000 budget / (8 h x 2 applicants)
    assert job["total_amount"] == "26400.00"
    assert job["service_fee"] == "2400.00"
    await pay(api, client, job["id"])
    funded = (await api.get(f"/jobs/{job['id']}", headers=client.headers)).json()
    assert funded["status"] == "upcoming"
    assert funded["payment_status"] == "paid"

    worker = await legacy_user("applicant")
    feed = await api.get(
        f"/jobs/alljobsmatched?user_id={worker.user_id}&page=1&page_size=10", headers=worker.headers
    )
    assert feed.status_code == 200
    assert [j["id"] for j in feed.json()["jobs"]] == [job["id"]]
    saved = await api.post(
        "/jobs/save-job/add/",
        json={"user_id": worker.user_id, "job_id": str(job["id"])},
        headers=worker.headers,
    )
    assert saved.status_code == 200
    listed = (await api.get(f"/jobs/saved-jobs/{worker.user_id}", headers=worker.headers)).json()
    assert [s["job"]["id"] for s in listed["saved_jobs"]] == [job["id"]]
    applied = await api.post(
        "/jobs/applicants/applications/apply-job/",
        json={"user_id": str(worker.user_id), "job_id": job["id"]},
        headers=worker.headers,
    )
    assert applied.status_code == 200, applied.text
    application_id = applied.json()["application_id"]

    accepted = await api.put(
        f"/jobs/clients/applications/{application_id}/accept/",
        json={"user_id": client.user_id},
        headers=client.headers,
    )
    assert accepted.status_code == 200, accepted.text
    status = await api.get(
        f"/jobs/application/status/{job['id']}/{worker.user_id}/", headers=worker.headers
    )
    assert status.json()["application_status"] == "Accepted"
    for step in ("start-shift", "end-shift"):
        done = await api.post(f"/jobs/shifts/{step}/{job['id']}", json={}, headers=client.headers)
        assert done.status_code == 200, done.text
        assert isinstance(done.json()["detail"], str)

    wallet = await api.get(
        f"/payment/users/{worker.user_id}/wallet/transactions", headers=worker.headers
    )
    assert wallet.json()["data"]["wallet_balance"] == "12000.00"  # 1500 x 8 h
    for sender, receiver in ((client, worker), (worker, client)):
        rated = await api.post(
            "/rating/ratings/",
            json={
                "sender_id": sender.user_id,
                "receiver_id": [receiver.user_id],
                "job_id": str(job["id"]),
                "rating": "5",
                "feedback": "Great",
                "feedbacktype": "review",
            },
            headers=sender.headers,
        )
        assert rated.status_code == 201, rated.text
        assert rated.json()["results"][0]["status"] == "success"

    await relay()
    for user in (client, worker):
        notes = await api.get(f"/notifications/{user.user_id}/", headers=user.headers)
        assert notes.json()["data"]["total_count"] > 0

    await api.post(
        "/accountsapp/upload-account-details",
        json={"user_id": worker.user_id, "account_number": "0123456789", "bank_name": "GTBank"},
        headers=worker.headers,
    )
    withdrawn = await api.post(
        "/payment/users/wallet/withdraw",
        json={"user_id": str(worker.user_id), "amount": "12000.00"},
        headers=worker.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["data"]["new_balance"] == "0.00"
