"""``/accountsapp``: sign-up, codes, login with a session cookie, profiles (COMPAT_API.md
Accounts). Each route calls the identity / profile use cases and only translates shapes."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post, put
from litestar.datastructures import Cookie, UploadFile
from litestar.params import FromPath, FromQuery, JSONBody

from adapters.http.auth import (
    EXPIRED_SESSION_COOKIES,
    Services,
    expired_cookie,
    seconds_until,
    session_cookie,
    session_cookies,
)
from adapters.http.compat.job_stats import activity_stats, job_stats
from adapters.http.compat.session import (
    LEGACY_REFRESH_COOKIE,
    LEGACY_REFRESH_PATH,
    CompatCaller,
    own_body,
    require_self,
)
from adapters.http.compat.shapes import as_id, as_text, body_of, naira
from adapters.http.pictures_routes import read_upload
from adapters.http.services import ApiServices
from paeshift_core.application.context import Principal
from paeshift_core.application.identity import AuthTokens
from paeshift_core.application.profiles import ProfileChanges
from paeshift_core.domain.codes import CodePurpose
from paeshift_core.domain.errors import InvalidInput, Unauthenticated
from paeshift_core.domain.pictures import Picture
from paeshift_core.domain.users import Role, User

#: A wrong or expired code is a 400 for the front end (a 401 would log it out).
CODE_ROUTE = {"compat_status": {Unauthenticated: 400}}
_CODE_TYPES = {
    "registration": CodePurpose.REGISTRATION,
    "verification": CodePurpose.REGISTRATION,
    "login": CodePurpose.LOGIN,
    "password_reset": CodePurpose.PASSWORD_RESET,
    "reset": CodePurpose.PASSWORD_RESET,
}


def _client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client is not None else "unknown"


def _purpose(value: object) -> CodePurpose:
    purpose = _CODE_TYPES.get(str(value or "registration").strip().lower())
    if purpose is None:
        raise InvalidInput("type", "must be registration, login or password_reset")
    return purpose


def _legacy_refresh_cookie(tokens: AuthTokens, services: ApiServices) -> Cookie:
    return session_cookie(
        LEGACY_REFRESH_COOKIE,
        tokens.refresh_token,
        path=LEGACY_REFRESH_PATH,
        max_age=seconds_until(tokens.refresh_expires_at, services.clock.now()),
        secure=services.cookie_secure,
    )


def _session(tokens: AuthTokens, services: ApiServices) -> list[Cookie]:
    cookies = session_cookies(tokens, services.clock.now(), secure=services.cookie_secure)
    return [*cookies, _legacy_refresh_cookie(tokens, services)]


@post("/signup", status_code=200)
async def signup(
    request: Request[Any, Any, Any], *, data: JSONBody[Any] = None, services: Services
) -> dict[str, Any]:
    body = body_of(data)
    user = await services.core.identity.sign_up(
        as_text(body.get("email"), "email"),
        as_text(body.get("password"), "password"),
        as_text(body.get("first_name"), "first_name"),
        as_text(body.get("last_name"), "last_name"),
        as_text(body.get("role"), "role", default="client").lower(),
        client_address=_client_address(request),
    )
    return {
        "message": "Account created; we e-mailed you a verification code",
        "requires_verification": True,
        "verification_type": "registration",
        "user_id": user.id,
        "role": user.role.value,
        "email": user.email.value,
    }


async def _verify_registration_code(services: ApiServices, body: dict[str, Any]) -> None:
    await services.core.identity.verify_code(
        as_text(body.get("email"), "email"),
        CodePurpose.REGISTRATION,
        as_text(body.get("code"), "code"),
    )


@post("/verify-registration", status_code=200, opt=CODE_ROUTE)
async def verify_registration(*, data: JSONBody[Any] = None, services: Services) -> dict[str, Any]:
    body = body_of(data)
    await _verify_registration_code(services, body)
    return {"message": "Email verified successfully"}


@post("/otp/request", status_code=200)
async def otp_request(*, data: JSONBody[Any] = None, services: Services) -> dict[str, Any]:
    body = body_of(data)
    email = as_text(body.get("email"), "email")
    purpose = _purpose(body.get("type"))
    if purpose is CodePurpose.PASSWORD_RESET:
        await services.core.identity.request_password_reset(email)
    else:
        await services.core.identity.resend_code(email, purpose)
    return {"message": "If the address has an account, a code is on its way"}


@post("/otp/verify", status_code=200, opt=CODE_ROUTE)
async def otp_verify(
    request: Request[Any, Any, Any], *, data: JSONBody[Any] = None, services: Services
) -> Response[dict[str, Any]]:
    """A registration or login code starts a session (tokens and the session cookie, as
    ``login-simple``), under the login limits and the codes' lockout (``log_in_with_code``).
    A reset code is refused here: it is redeemed only together with the new password, so
    checking it alone cannot burn it (no ``reset_token`` is ever issued)."""
    body = body_of(data)
    purpose = _purpose(body.get("type"))
    if purpose is CodePurpose.PASSWORD_RESET:
        raise InvalidInput("type", "a reset code is confirmed together with the new password")
    tokens = await services.core.identity.log_in_with_code(
        as_text(body.get("email"), "email"),
        as_text(body.get("code"), "code"),
        client_address=_client_address(request),
        purpose=purpose,
    )
    content = {
        "message": "Code verified successfully",
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "user_id": tokens.user_id,
        "role": tokens.role.value,
    }
    return Response(content, status_code=200, cookies=_session(tokens, services))


@post("/login-simple", status_code=200)
async def login_simple(
    request: Request[Any, Any, Any], *, data: JSONBody[Any] = None, services: Services
) -> Response[dict[str, Any]]:
    body = body_of(data)
    tokens = await services.core.identity.log_in(
        as_text(body.get("email"), "email"),
        as_text(body.get("password"), "password"),
        client_address=_client_address(request),
    )
    user = await services.core.profiles.me(Principal(user_id=tokens.user_id, role=tokens.role))
    content = {
        "message": "Login successful",
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "user_id": user.id,
        "role": user.role.value,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email.value,
    }
    return Response(content, status_code=200, cookies=_session(tokens, services))


@post("/token/refresh", status_code=200)
async def token_refresh(
    request: Request[Any, Any, Any], *, data: JSONBody[Any] = None, services: Services
) -> Response[dict[str, Any]]:
    body = body_of(data) if data is not None else {}
    token = body.get("refresh") or request.cookies.get(LEGACY_REFRESH_COOKIE)
    if not token:
        raise Unauthenticated("no refresh token", code="invalid_refresh_token")
    tokens = await services.core.identity.refresh(as_text(token, "refresh"))
    content = {"access": tokens.access_token, "refresh": tokens.refresh_token}
    return Response(content, status_code=200, cookies=_session(tokens, services))


@post("/logout", status_code=200)
async def logout(
    request: Request[Any, Any, Any], *, data: JSONBody[Any] = None, services: Services
) -> Response[dict[str, Any]]:
    """Revokes the session of the refresh token (body or cookie); always clears the cookies."""
    body = data if isinstance(data, dict) else {}
    token = body.get("refresh") or body.get("refresh_token")
    token = token or request.cookies.get(LEGACY_REFRESH_COOKIE)
    if isinstance(token, str) and token:
        await services.core.identity.log_out(token)
    expired = expired_cookie(LEGACY_REFRESH_COOKIE, path=LEGACY_REFRESH_PATH)
    return Response(
        {"message": "Logged out"}, status_code=200, cookies=[*EXPIRED_SESSION_COOKIES, expired]
    )


@post("/request-password-reset", status_code=200)
async def request_password_reset(
    *, data: JSONBody[Any] = None, services: Services
) -> dict[str, Any]:
    body = body_of(data)
    await services.core.identity.request_password_reset(as_text(body.get("email"), "email"))
    return {"message": "If the address has an account, a reset code is on its way"}


async def _own_profile(services: ApiServices, principal: Principal, user: User) -> dict[str, Any]:
    core = services.core
    public = await core.public_profiles.get(user.id)
    wallet = await core.wallet.summary(principal)
    badges = [a.key for a in (await core.gamification.my_achievements(principal)).badges]
    account = user.payout_account
    return {
        "user_id": user.id,
        "username": user.first_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email.value,
        "role": user.role.value,
        "phone_number": "" if user.phone is None else str(user.phone),
        "location": user.address,
        "bio": user.bio,
        "rating": public.rating.average or 0.0,
        "review_count": public.rating.count,
        "wallet_balance": naira(wallet.balance),
        "profile_pic_url": user.picture or "",
        "badges": badges,
        "job_stats": await job_stats(services, principal),
        "activity_stats": await activity_stats(services, principal),
        "account_details": None
        if account is None
        else {
            "bank_name": account.bank,
            "account_number": account.account_number,
            "account_holder": account.account_name,
        },
    }


async def _other_profile(
    services: ApiServices, principal: Principal, user_id: int
) -> dict[str, Any]:
    """Public fields only; e-mail and phone only to a counterpart (the core decides)."""
    core = services.core
    public = await core.public_profiles.get(user_id)
    contact = await core.counterparts.contact_of(principal, user_id)
    completed = public.completed_shifts
    return {
        "user_id": public.user_id,
        "username": public.first_name,
        "first_name": public.first_name,
        "last_name": public.last_name,
        "email": "" if contact is None else contact.email,
        "role": public.role.value,
        "phone_number": "" if contact is None or contact.phone is None else contact.phone,
        "location": "",
        "bio": public.bio,
        "rating": public.rating.average or 0.0,
        "review_count": public.rating.count,
        "wallet_balance": naira(0),
        "profile_pic_url": public.picture or "",
        "badges": [],
        "job_stats": {
            "total_jobs_posted": 0,
            "total_workers_engaged": 0,
            "total_completed_jobs": completed,
            "total_cancelled_jobs": 0,
        },
        "activity_stats": {"total_applied_jobs": 0, "total_employers_worked_with": 0},
        "account_details": None,
    }


@get("/whoami/{uid:str}")
async def whoami(uid: FromPath[str], caller: CompatCaller, services: Services) -> dict[str, Any]:
    user_id = as_id(uid, "user_id")
    if user_id != caller.user_id:
        return await _other_profile(services, caller, user_id)
    return await _own_profile(services, caller, await services.core.profiles.me(caller))


@get("/user_profile_pictures_full")
async def profile_pictures(
    caller: CompatCaller, services: Services, user_id: FromQuery[str | None] = None
) -> list[dict[str, Any]]:
    """Public: a user's current picture (the core keeps one)."""
    profile = await services.core.public_profiles.get(as_id(user_id or caller.user_id, "user_id"))
    if profile.picture is None:
        return []
    return [
        {"url": profile.picture, "is_active": True, "uploaded_at": profile.member_since.isoformat()}
    ]


@post("/profile/update", status_code=200)
async def profile_update(
    request: Request[Any, Any, Any], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """Multipart (or JSON) profile fields; ``location`` is the address text. An optional
    ``profile_picture`` file becomes the picture (checked by content, like ``PUT
    /api/v1/me/picture``); it is checked before anything changes, an empty part is no file."""
    picture: bytes = b""
    if (request.content_type[0] or "").startswith("application/json"):
        form: dict[str, Any] = body_of(await request.json())
    else:
        parts = await request.form()
        form = {k: v for k, v in parts.items() if not isinstance(v, UploadFile)}
        upload = parts.get("profile_picture")
        if isinstance(upload, UploadFile):
            picture = await read_upload(upload)
    require_self(caller, form.get("user_id"), "user_id")
    if picture:
        Picture(picture)  # refuse a bad file before the other fields change

    def text(name: str) -> str | None:
        value = form.get(name)
        return None if value in (None, "") else as_text(value, name)

    changes = ProfileChanges(
        first_name=text("first_name"),
        last_name=text("last_name"),
        phone=text("phone_number"),
        bio=text("bio"),
        address=text("location"),
    )
    user = await services.core.profiles.update_profile(caller, changes)
    if picture:
        user = await services.core.pictures.set_picture(caller, picture)
    return await _own_profile(services, caller, user)


@put("/switch-role", status_code=200)
async def switch_role(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, data, "user_id")
    wanted = as_text(body.get("new_role"), "new_role").strip().lower()
    if wanted not in (Role.CLIENT.value, Role.APPLICANT.value):
        raise InvalidInput("new_role", "must be client or applicant")
    user = await services.core.profiles.switch_role(caller, wanted)
    return {"message": "Role switched", "new_role": user.role.value, "user_id": user.id}


@get("/get-account-details")
async def account_details(
    caller: CompatCaller, services: Services, user_id: FromQuery[str | None] = None
) -> dict[str, Any]:
    require_self(caller, user_id, "user_id")
    account = (await services.core.profiles.me(caller)).payout_account
    if account is None:
        return {}
    return {
        "bank_name": account.bank,
        "account_number": account.account_number,
        "account_holder": account.account_name,
    }


@post("/upload-account-details", status_code=200)
async def upload_account_details(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, data, "user_id")
    me = await services.core.profiles.me(caller)
    holder = body.get("account_holder") or body.get("account_name") or me.full_name
    await services.core.profiles.set_payout_account(
        caller,
        bank=as_text(body.get("bank_name"), "bank_name"),
        account_number=as_text(body.get("account_number"), "account_number"),
        account_name=as_text(holder, "account_holder"),
    )
    return {"message": "Account details saved"}


@post("/change-password", status_code=200)
async def change_password(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, data, "user_id")
    new = as_text(body.get("new_password"), "new_password")
    confirm = body.get("confirm_password")
    if confirm is not None and confirm != new:
        raise InvalidInput("confirm_password", "does not match new_password")
    await services.core.identity.change_password(
        caller, as_text(body.get("old_password"), "old_password"), new
    )
    return {"message": "Password changed"}


ROUTES = [
    signup,
    verify_registration,
    otp_request,
    otp_verify,
    login_simple,
    token_refresh,
    logout,
    request_password_reset,
    whoami,
    profile_pictures,
    profile_update,
    switch_role,
    account_details,
    upload_account_details,
    change_password,
]
