"""Steps through the compat routes only, as the legacy front end takes them."""

from __future__ import annotations

from typing import Any

from attrs import frozen
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.memory.email import MemoryEmailSender
from tests.unit.accounts import PASSWORD, Accounts

Client = AsyncTestClient[Litestar]
Headers = dict[str, str]


@frozen
class LegacyUser:
    user_id: int
    email: str
    headers: Headers


async def sign_up(
    api: Client, mailer: MemoryEmailSender, accounts: Accounts, role: str, *, profile: bool = True
) -> LegacyUser:
    """signup -> verify-registration -> login-simple (-> profile/update); bearer headers."""
    email = accounts.new_email(role)
    body = {
        "first_name": "Ada",
        "last_name": "Obi",
        "email": email,
        "password": PASSWORD,
        "role": role,
    }
    signup = await api.post("/accountsapp/signup", json=body)
    assert signup.status_code == 200, signup.text
    code = mailer.last_code(email, "registration")
    verify = await api.post(
        "/accountsapp/verify-registration",
        json={"email": email, "code": code, "type": "registration"},
    )
    assert verify.status_code == 200, verify.text
    assert "successfully" in verify.json()["message"]
    login = await api.post("/accountsapp/login-simple", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    api.cookies.clear()
    user = LegacyUser(
        user_id=login.json()["user_id"],
        email=email,
        headers={"Authorization": f"Bearer {login.json()['access_token']}"},
    )
    if profile:
        form = {
            "user_id": str(user.user_id),
            "first_name": "Ada",
            "last_name": "Obi",
            "bio": "Reliable",
            "location": "12 Broad Street, Lagos Island",
            "phone_number": "0803 123 4567",
        }
        updated = await api.post("/accountsapp/profile/update", data=form, headers=user.headers)
        assert updated.status_code == 200, updated.text
    return user


async def industry_and_subcategory(api: Client) -> tuple[int, str]:
    industries = (await api.get("/jobs/job-industries/")).json()
    subs = (await api.get("/jobs/job-subcategories/")).json()
    industry = industries[0]["id"]
    return industry, next(s["name"] for s in subs if s["industry_id"] == industry)


async def job_body(api: Client, client: LegacyUser, **overrides: Any) -> dict[str, Any]:
    industry, subcategory = await industry_and_subcategory(api)
    body: dict[str, Any] = {
        "user_id": str(client.user_id),
        "title": "Waiters for a wedding",
        "description": "Serve 200 guests.",
        "location": "12 Broad Street, Lagos Island",
        "industry": str(industry),
        "subcategory": subcategory,
        # 1500 naira/hour x 8 hours x 2 applicants
        "rate": "24000.00",
        "applicants_needed": "2",
        "job_type": "single_day",
        "shift_type": "day",
        "start_date": "2026-01-05",
        "end_date": "2026-01-05",
        "start_time": "10:00",
        "end_time": "18:00",
        "extra_field": "ignored",
    }
    body.update(overrides)
    return body


async def post_job(api: Client, client: LegacyUser, **overrides: Any) -> dict[str, Any]:
    response = await api.post(
        "/jobs/jobs/create-job",
        json=await job_body(api, client, **overrides),
        headers=client.headers,
    )
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


async def pay(api: Client, client: LegacyUser, job_id: int) -> str:
    """POST /payment/payments, approve on the sandbox page, follow to /payment/verify/."""
    started = await api.post(
        "/payment/payments",
        json={
            "user_id": client.user_id,
            "job_id": str(job_id),
            "total": "1.00",
            "payment_method": "paystack",
            "first_name": "Ada",
            "last_name": "Obi",
            "phone": "08031234567",
            "reference": "ignored",
        },
        headers=client.headers,
    )
    assert started.status_code == 200, started.text
    data = started.json()["data"]
    reference: str = data["reference"]
    url: str = data["authorization_url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    approved = await api.post(f"/{path}/approve", follow_redirects=False)
    assert approved.status_code == 303
    location = approved.headers["location"]
    assert "/payment/verify/" in location
    verify_path = "/" + location.split("://", 1)[1].split("/", 1)[1]
    back = await api.get(verify_path, follow_redirects=False)
    assert back.status_code == 302
    assert back.headers["location"].endswith("/dashboard?payment=success")
    return reference
