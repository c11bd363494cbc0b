"""``/api/v1/auth`` through HTTP: sign-up, verify, login (bearer and cookie), refresh
rotation, logout, codes, password reset and change, and their documented errors."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.http.auth import ACCESS_COOKIE, REFRESH_COOKIE
from adapters.memory.email import MemoryEmailSender
from tests.unit.accounts import PASSWORD
from tests.unit.http.conftest import Login, bearer

Client = AsyncTestClient[Litestar]
SIGNUP = {
    "email": "ada@example.com",
    "password": PASSWORD,
    "first_name": "Ada",
    "last_name": "Obi",
    "role": "applicant",
}


async def _verified(api: Client, mailer: MemoryEmailSender) -> None:
    assert (await api.post("/api/v1/auth/signup", json=SIGNUP)).status_code == 201
    code = mailer.last_code("ada@example.com", "registration")
    verify = {"email": "ada@example.com", "code": code}
    assert (await api.post("/api/v1/auth/verify", json=verify)).status_code == 204


async def _login(api: Client) -> dict[str, object]:
    response = await api.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


async def test_signup_creates_an_unverified_account(api: Client) -> None:
    response = await api.post("/api/v1/auth/signup", json=SIGNUP)
    body = response.json()
    assert response.status_code == 201
    assert body["email"] == "ada@example.com"
    assert body["role"] == "applicant"
    assert body["is_verified"] is False
    assert "password" not in response.text


async def test_signup_errors(api: Client) -> None:
    assert (await api.post("/api/v1/auth/signup", json=SIGNUP)).status_code == 201
    duplicate = await api.post("/api/v1/auth/signup", json=SIGNUP)
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "email_taken")
    admin = await api.post("/api/v1/auth/signup", json={**SIGNUP, "role": "admin"})
    assert admin.status_code == 422
    assert admin.json()["errors"][0]["field"] == "role"
    unknown = await api.post("/api/v1/auth/signup", json={**SIGNUP, "is_admin": True})
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["is_admin"]
    missing = {k: v for k, v in SIGNUP.items() if k != "first_name"}
    absent = await api.post("/api/v1/auth/signup", json=missing)
    assert [e["field"] for e in absent.json()["errors"]] == ["first_name"]
    bad_email = await api.post("/api/v1/auth/signup", json={**SIGNUP, "email": "nope@"})
    assert (bad_email.status_code, bad_email.json()["errors"][0]["field"]) == (422, "email")
    malformed = await api.post(
        "/api/v1/auth/signup", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400


async def test_unverified_users_cannot_log_in(api: Client) -> None:
    assert (await api.post("/api/v1/auth/signup", json=SIGNUP)).status_code == 201
    response = await api.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert (response.status_code, response.json()["code"]) == (401, "account_unverified")


async def test_wrong_code_is_401(api: Client) -> None:
    assert (await api.post("/api/v1/auth/signup", json=SIGNUP)).status_code == 201
    response = await api.post(
        "/api/v1/auth/verify", json={"email": "ada@example.com", "code": "000000"}
    )
    assert response.status_code in {401}
    assert response.json()["code"] == "invalid_code"


async def test_login_sets_http_only_lax_cookies_that_authenticate(
    api: Client, mailer: MemoryEmailSender
) -> None:
    await _verified(api, mailer)
    response = await api.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    )
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith(f"{ACCESS_COOKIE}="))
    assert "HttpOnly" in session
    assert "SameSite=lax" in session
    assert "Path=/" in session
    assert any(c.startswith(f"{REFRESH_COOKIE}=") and "Path=/api/v1/auth" in c for c in cookies)
    me = await api.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.com"


async def test_wrong_password_is_401_and_bearer_wins_over_cookie(
    api: Client, mailer: MemoryEmailSender
) -> None:
    await _verified(api, mailer)
    wrong = await api.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "wrong password!"}
    )
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_credentials")
    await _login(api)
    bad_bearer = await api.get("/api/v1/me", headers=bearer("not-a-token"))
    assert bad_bearer.status_code == 401
    basic = await api.get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401


async def test_refresh_rotates_and_reuse_revokes_the_family(
    api: Client, mailer: MemoryEmailSender
) -> None:
    await _verified(api, mailer)
    first = str((await _login(api))["refresh_token"])
    rotated = await api.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200
    second = rotated.json()["refresh_token"]
    assert second != first
    reused = await api.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert (reused.status_code, reused.json()["code"]) == (401, "refresh_token_reused")
    revoked = await api.post("/api/v1/auth/refresh", json={"refresh_token": second})
    assert revoked.status_code == 401


async def test_refresh_and_logout_by_cookie(api: Client, mailer: MemoryEmailSender) -> None:
    await _verified(api, mailer)
    await _login(api)
    assert (await api.post("/api/v1/auth/refresh")).status_code == 200
    out = await api.post("/api/v1/auth/logout")
    assert out.status_code == 204
    assert any(c.startswith(f"{ACCESS_COOKIE}=") for c in out.headers.get_list("set-cookie"))
    api.cookies.clear()
    assert (await api.get("/api/v1/me")).status_code == 401
    none_left = await api.post("/api/v1/auth/refresh")
    assert (none_left.status_code, none_left.json()["code"]) == (401, "invalid_refresh_token")


async def test_logout_revokes_the_refresh_token(api: Client, mailer: MemoryEmailSender) -> None:
    await _verified(api, mailer)
    refresh = str((await _login(api))["refresh_token"])
    api.cookies.clear()
    out = await api.post("/api/v1/auth/logout", json={"refresh_token": refresh})
    assert out.status_code == 204
    again = await api.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    assert again.status_code == 401


async def test_codes_and_password_reset(api: Client, mailer: MemoryEmailSender) -> None:
    await _verified(api, mailer)
    unknown = await api.post("/api/v1/auth/codes", json={"email": "who@example.com"})
    assert unknown.status_code == 202
    reset = await api.post("/api/v1/auth/password-reset", json={"email": "ada@example.com"})
    assert reset.status_code == 202
    code = mailer.last_code("ada@example.com", "password_reset")
    confirm = {"email": "ada@example.com", "code": code, "new_password": "a new long secret"}
    done = await api.post("/api/v1/auth/password-reset/confirm", json=confirm)
    assert done.status_code == 204
    login = await api.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "a new long secret"}
    )
    assert login.status_code == 200


async def test_password_change(api: Client, login: Login) -> None:
    headers = await login("client")
    unauthenticated = await api.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "another secret!"},
    )
    assert unauthenticated.status_code == 401
    wrong = await api.post(
        "/api/v1/auth/password",
        json={"current_password": "not it at all", "new_password": "another secret!"},
        headers=headers,
    )
    assert (wrong.status_code, wrong.json()["errors"][0]["field"]) == (422, "current_password")
    ok = await api.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "another secret!"},
        headers=headers,
    )
    assert ok.status_code == 204


async def test_failed_logins_are_rate_limited_with_retry_after(
    api: Client, mailer: MemoryEmailSender
) -> None:
    await _verified(api, mailer)
    statuses = []
    for _ in range(12):
        response = await api.post(
            "/api/v1/auth/login", json={"email": "ada@example.com", "password": "wrong guess!"}
        )
        statuses.append(response.status_code)
    assert statuses[0] == 401
    assert statuses[-1] == 429
    assert int(response.headers["retry-after"]) >= 1
