"""Payment details and histories, reviews by author, review read flags and login by code
through the compat routes (COMPAT_API.md Jobs, Payments, Ratings, Accounts)."""

from __future__ import annotations

import re
from typing import Any

from adapters.memory.email import MemoryEmailSender
from tests.unit.accounts import PASSWORD
from tests.unit.http.compat.conftest import SignUp
from tests.unit.http.compat.legacy import Client, LegacyUser, pay, post_job

MONEY = re.compile(r"^\d+\.\d{2}$")


def _iso(value: object) -> bool:
    return isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value) is not None


async def _finished_job(api: Client, client: LegacyUser, worker: LegacyUser) -> dict[str, Any]:
    """A job the worker worked: posted, paid, applied, accepted, started and ended."""
    job = await post_job(api, client)
    await pay(api, client, job["id"])
    applied = await api.post(
        "/jobs/applicants/applications/apply-job/",
        json={"user_id": worker.user_id, "job_id": job["id"]},
        headers=worker.headers,
    )
    accepted = await api.put(
        f"/jobs/clients/applications/{applied.json()['application_id']}/accept/",
        json={"user_id": client.user_id},
        headers=client.headers,
    )
    assert accepted.status_code == 200, accepted.text
    for step in ("start-shift", "end-shift"):
        done = await api.post(f"/jobs/shifts/{step}/{job['id']}", json={}, headers=client.headers)
        assert done.status_code == 200, done.text
    return job


async def _rate(
    api: Client, sender: LegacyUser, receiver: LegacyUser, job_id: int, stars: int
) -> int:
    rated = await api.post(
        "/rating/ratings/",
        json={
            "sender_id": sender.user_id,
            "receiver_id": receiver.user_id,
            "job_id": str(job_id),
            "rating": str(stars),
            "feedback": f"{stars} stars",
        },
        headers=sender.headers,
    )
    assert rated.status_code == 201, rated.text
    rating_id: int = rated.json()["results"][0]["rating_id"]
    return rating_id


async def test_a_jobs_payment_details(api: Client, legacy_user: SignUp) -> None:
    client, other = await legacy_user("client"), await legacy_user("client")
    job = await post_job(api, client)
    path = f"/jobs/job/{job['id']}/payment-details"
    before = await api.get(path, headers=client.headers)
    assert before.status_code == 404
    assert isinstance(before.json()["detail"], str)
    reference = await pay(api, client, job["id"])
    for form in (path, f"{path}/"):
        shown = await api.get(form, headers=client.headers)
        assert shown.status_code == 200, shown.text
        body = shown.json()
        assert set(body) == {
            "amount",
            "service_fee",
            "reference",
            "created_at",
            "payment_method",
            "status",
        }
        assert (body["amount"], body["service_fee"]) == ("26400.00", "2400.00")
        assert body["reference"] == reference
        assert body["payment_method"] == "sandbox"
        assert body["status"] == "succeeded"
        assert _iso(body["created_at"])
    refused = await api.get(path, headers=other.headers)
    assert refused.status_code == 403
    assert isinstance(refused.json()["detail"], str)
    for bad in ("/jobs/job/abc/payment-details", "/jobs/job/0/payment-details/"):
        wrong = await api.get(bad, headers=client.headers)
        assert wrong.status_code == 400
        assert isinstance(wrong.json()["detail"], str)
    missing = await api.get("/jobs/job/987654/payment-details", headers=client.headers)
    assert missing.status_code == 404


async def test_a_users_own_payments(api: Client, legacy_user: SignUp) -> None:
    client = await legacy_user("client")
    paid = await post_job(api, client)
    reference = await pay(api, client, paid["id"])
    for form in (
        f"/payment/users/{client.user_id}/payments",
        f"/payment/users/{client.user_id}/payments/",
    ):
        listed = await api.get(form, headers=client.headers)
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert body["status"] == "success"
        assert body["data"]["count"] == 1
        (row,) = body["data"]["results"]
        assert set(row) == {"id", "amount", "status", "payment_method", "reference", "created_at"}
        assert isinstance(row["id"], int)
        assert MONEY.match(row["amount"])
        assert (row["reference"], row["status"], row["payment_method"]) == (
            reference,
            "succeeded",
            "sandbox",
        )
        assert _iso(row["created_at"])
    worker = await legacy_user("applicant")
    none = (
        await api.get(f"/payment/users/{worker.user_id}/payments", headers=worker.headers)
    ).json()
    assert none["data"] == {"count": 0, "results": []}
    not_a_number = await api.get("/payment/users/me/payments", headers=client.headers)
    assert not_a_number.status_code == 400
    assert isinstance(not_a_number.json()["detail"], str)


async def test_reviews_by_author_and_the_read_flag(api: Client, legacy_user: SignUp) -> None:
    client, worker = await legacy_user("client"), await legacy_user("applicant")
    job = await _finished_job(api, client, worker)
    to_worker = await _rate(api, client, worker, job["id"], 5)
    to_client = await _rate(api, worker, client, job["id"], 4)

    for form in (
        f"/rating/ratings/reviewer_{client.user_id}/",
        f"/rating/ratings/reviewer_{client.user_id}",
    ):
        written = await api.get(form, headers=worker.headers)  # public: anyone may read
        assert written.status_code == 200, written.text
        assert written.json() == {
            "reviews": [
                {
                    "id": to_worker,
                    "job_id": job["id"],
                    "reviewed_id": worker.user_id,
                    "rating": 5,
                    "feedback": "5 stars",
                    "created_at": written.json()["reviews"][0]["created_at"],
                }
            ]
        }
        assert _iso(written.json()["reviews"][0]["created_at"])
    for bad in ("/rating/ratings/reviewer_abc/", "/rating/ratings/author_1/"):
        wrong = await api.get(bad, headers=worker.headers)
        assert wrong.status_code in (400, 404)
        assert isinstance(wrong.json()["detail"], str)

    async def flags(viewer: LegacyUser) -> list[bool]:
        shown = await api.get(f"/rating/reviews/{worker.user_id}", headers=viewer.headers)
        return [r["is_read"] for r in shown.json()["data"]["reviews"]]

    assert await flags(worker) == [False]
    assert await flags(client) == [True]  # another user has nothing to read
    not_yours = await api.post(
        "/rating/ratings/mark-read/",
        json={"user_id": client.user_id, "review_id": to_worker},
        headers=client.headers,
    )
    assert not_yours.status_code == 403
    assert isinstance(not_yours.json()["detail"], str)
    assert await flags(worker) == [False]
    for form in ("/rating/ratings/mark-read/", "/rating/ratings/mark-read"):
        marked = await api.post(
            form,
            json={"user_id": str(worker.user_id), "review_id": str(to_worker)},
            headers=worker.headers,
        )
        assert marked.status_code == 200, marked.text
    assert await flags(worker) == [True]
    unknown = await api.post(
        "/rating/ratings/mark-read/",
        json={"user_id": worker.user_id, "review_id": 987654},
        headers=worker.headers,
    )
    assert unknown.status_code == 404
    assert isinstance(unknown.json()["detail"], str)
    client_view = await api.get(f"/rating/reviews/{client.user_id}", headers=client.headers)
    assert [(r["id"], r["is_read"]) for r in client_view.json()["data"]["reviews"]] == [
        (to_client, False)
    ]


async def test_otp_verify_logs_in_with_a_login_or_registration_code(
    api: Client, legacy_user: SignUp, mailer: MemoryEmailSender
) -> None:
    user = await legacy_user("applicant", profile=False)
    requested = await api.post(
        "/accountsapp/otp/request/", json={"email": user.email, "type": "login"}
    )
    assert requested.status_code == 200
    code = mailer.last_code(user.email, "login")
    wrong = await api.post(
        "/accountsapp/otp/verify/",
        json={"email": user.email, "code": f"{(int(code) + 1) % 1_000_000:06d}", "type": "login"},
    )
    assert wrong.status_code == 400  # never 401: that would log the front end out
    assert isinstance(wrong.json()["message"], str)
    api.cookies.clear()
    verified = await api.post(
        "/accountsapp/otp/verify", json={"email": user.email, "code": code, "type": "login"}
    )
    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert "successfully" in body["message"]
    assert (body["user_id"], body["role"]) == (user.user_id, "applicant")
    assert isinstance(body["access_token"], str)
    assert "HttpOnly" in verified.headers["set-cookie"]
    # The session cookie alone authenticates a token-less call, and so does the token.
    assert (await api.get(f"/notifications/{user.user_id}/settings")).status_code == 200
    api.cookies.clear()
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert (
        await api.get(f"/notifications/{user.user_id}/settings", headers=bearer)
    ).status_code == 200

    fresh = {"first_name": "Ngozi", "last_name": "Eze", "email": "fresh@example.com"}
    signed = await api.post(
        "/accountsapp/signup", json={**fresh, "password": PASSWORD, "role": "client"}
    )
    assert signed.status_code == 200
    registration = await api.post(
        "/accountsapp/otp/verify/",
        json={
            "email": "fresh@example.com",
            "code": mailer.last_code("fresh@example.com", "registration"),
            "type": "registration",
        },
    )
    assert registration.status_code == 200, registration.text
    assert registration.json()["user_id"] == signed.json()["user_id"]
    assert registration.json()["role"] == "client"
    login = await api.post(
        "/accountsapp/login-simple", json={"email": "fresh@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200  # verified by the code


async def test_otp_verify_refuses_a_reset_code_with_a_string_message(
    api: Client, legacy_user: SignUp, mailer: MemoryEmailSender
) -> None:
    user = await legacy_user("client", profile=False)
    await api.post("/accountsapp/request-password-reset", json={"email": user.email})
    refused = await api.post(
        "/accountsapp/otp/verify",
        json={
            "email": user.email,
            "code": mailer.last_code(user.email, "password_reset"),
            "type": "password_reset",
        },
    )
    assert refused.status_code == 400
    assert isinstance(refused.json()["message"], str)
    assert "access_token" not in refused.json()
