"""``/api/v1/auth``: sign-up, codes, sessions and passwords (DOMAIN.md Identity).

Thin: shapes in, use case, shapes out. Login and refresh answer with the tokens and also set
the browser session cookies; refresh and logout take the refresh token from the body or, for
browsers, from the refresh cookie.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from adapters.http.auth import (
    AUTHENTICATED,
    EXPIRED_SESSION_COOKIES,
    REFRESH_COOKIE,
    Caller,
    Services,
    session_cookies,
)
from adapters.http.problems import documented
from adapters.http.schema_base import Email, Input, Name, Output, Password
from paeshift_core.application.identity import AuthTokens
from paeshift_core.domain.errors import Unauthenticated
from paeshift_core.domain.users import User

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=12, examples=["123456"])]
RefreshToken = Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class SignUpIn(Input):
    email: Email
    password: Password
    first_name: Name
    last_name: Name
    role: Literal["client", "applicant"] = "client"


class AccountOut(Output):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    is_verified: bool

    @classmethod
    def of(cls, user: User) -> AccountOut:
        return cls(
            id=user.id,
            email=user.email.value,
            first_name=user.first_name,
            last_name=user.last_name,
            role=user.role.value,
            is_verified=user.is_verified,
        )


class VerifyIn(Input):
    email: Email
    code: Code
    purpose: Literal["registration", "login"] = "registration"


class LoginIn(Input):
    email: Email
    password: Password


class TokensOut(Output):
    access_token: str
    expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    user_id: int
    role: str
    token_type: Literal["bearer"] = "bearer"

    @classmethod
    def of(cls, tokens: AuthTokens) -> TokensOut:
        return cls(
            access_token=tokens.access_token,
            expires_at=tokens.access_expires_at,
            refresh_token=tokens.refresh_token,
            refresh_expires_at=tokens.refresh_expires_at,
            user_id=tokens.user_id,
            role=tokens.role.value,
        )


class RefreshIn(Input):
    refresh_token: RefreshToken | None = None


class CodeRequestIn(Input):
    email: Email
    purpose: Literal["registration", "password_reset", "login"] = "registration"


class PasswordResetIn(Input):
    email: Email


class PasswordResetConfirmIn(Input):
    email: Email
    code: Code
    new_password: Password


class PasswordChangeIn(Input):
    current_password: Password
    new_password: Password


class AcceptedOut(Output):
    detail: str
    status: Literal["accepted"] = "accepted"


def _client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client is not None else "unknown"


def _refresh_token(request: Request[Any, Any, Any], data: RefreshIn | None) -> str:
    token = (data.refresh_token if data is not None else None) or request.cookies.get(
        REFRESH_COOKIE
    )
    if not token:
        raise Unauthenticated("no refresh token given", code="invalid_refresh_token")
    return token


def _session(services: Services, tokens: AuthTokens) -> Response[TokensOut]:
    now = services.clock.now()
    return Response(
        TokensOut.of(tokens),
        status_code=HTTP_200_OK,
        cookies=session_cookies(tokens, now, secure=services.cookie_secure),
    )


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/signup", responses=documented(409, 403, 429), summary="Sign up (sends a code)")
    async def sign_up(
        self, request: Request[Any, Any, Any], data: JSONBody[SignUpIn], services: Services
    ) -> AccountOut:
        user = await services.core.identity.sign_up(
            data.email,
            data.password,
            data.first_name,
            data.last_name,
            data.role,
            client_address=_client_address(request),
        )
        return AccountOut.of(user)

    @post(
        "/verify",
        status_code=HTTP_204_NO_CONTENT,
        responses=documented(401, 429),
        summary="Redeem an e-mailed code (registration marks the account verified)",
    )
    async def verify(self, data: JSONBody[VerifyIn], services: Services) -> None:
        await services.core.identity.verify_code(data.email, data.purpose, data.code)

    @post("/login", status_code=HTTP_200_OK, responses=documented(401, 429), summary="Log in")
    async def log_in(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], services: Services
    ) -> Response[TokensOut]:
        tokens = await services.core.identity.log_in(
            data.email, data.password, client_address=_client_address(request)
        )
        return _session(services, tokens)

    @post(
        "/refresh",
        status_code=HTTP_200_OK,
        responses=documented(401),
        summary="Rotate the refresh token (body or refresh cookie)",
    )
    async def refresh(
        self,
        request: Request[Any, Any, Any],
        services: Services,
        data: JSONBody[RefreshIn | None] = None,
    ) -> Response[TokensOut]:
        tokens = await services.core.identity.refresh(_refresh_token(request, data))
        return _session(services, tokens)

    @post(
        "/logout",
        status_code=HTTP_204_NO_CONTENT,
        responses=documented(),
        response_cookies=EXPIRED_SESSION_COOKIES,
        summary="End the session (revokes its refresh tokens, clears the cookies)",
    )
    async def log_out(
        self,
        request: Request[Any, Any, Any],
        services: Services,
        data: JSONBody[RefreshIn | None] = None,
    ) -> None:
        token = (data.refresh_token if data is not None else None) or request.cookies.get(
            REFRESH_COOKIE
        )
        if token:
            await services.core.identity.log_out(token)

    @post(
        "/codes",
        status_code=HTTP_202_ACCEPTED,
        responses=documented(429),
        summary="Send a new code (silent for unknown addresses)",
    )
    async def resend_code(self, data: JSONBody[CodeRequestIn], services: Services) -> AcceptedOut:
        await services.core.identity.resend_code(data.email, data.purpose)
        return AcceptedOut(detail="if the address has an account, a code is on its way")

    @post(
        "/password-reset",
        status_code=HTTP_202_ACCEPTED,
        responses=documented(429),
        summary="E-mail a password-reset code (silent for unknown addresses)",
    )
    async def request_password_reset(
        self, data: JSONBody[PasswordResetIn], services: Services
    ) -> AcceptedOut:
        await services.core.identity.request_password_reset(data.email)
        return AcceptedOut(detail="if the address has an account, a code is on its way")

    @post(
        "/password-reset/confirm",
        status_code=HTTP_204_NO_CONTENT,
        responses=documented(401, 404, 429),
        summary="Set a new password with a reset code (ends every session)",
    )
    async def confirm_password_reset(
        self, data: JSONBody[PasswordResetConfirmIn], services: Services
    ) -> None:
        await services.core.identity.confirm_password_reset(
            data.email, data.code, data.new_password
        )

    @post(
        "/password",
        status_code=HTTP_204_NO_CONTENT,
        responses=documented(401, 429),
        security=AUTHENTICATED,
        summary="Change the password (ends every session)",
    )
    async def change_password(
        self, data: JSONBody[PasswordChangeIn], principal: Caller, services: Services
    ) -> None:
        await services.core.identity.change_password(
            principal, data.current_password, data.new_password
        )
