"""Access tokens as HS256 JWTs (PyJWT), checked against the ``Clock`` port's time.

Claims: ``iss``, ``aud``, ``sub`` (user id as a string), ``role``, ``iat``, ``exp``. Expiry is
checked against the ``now`` the core passes (not the machine's clock), so tests with a fake
clock and production agree. Any failure — bad signature, wrong issuer or audience, missing
claim, malformed token, expired — is ``Unauthenticated`` with code ``invalid_token`` or
``token_expired``.

Verified claims are remembered per token (the last ``VERIFIED_TOKENS`` distinct tokens of
this process): a client sends the same access token with every request for its 15 minutes,
and checking the signature again gave the same answer every time (the decode was 2 % of the
server's CPU in the mixed benchmark). The memo holds only tokens whose signature and claims
checked out; expiry is still checked against ``now`` on every call.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt

from paeshift_core.domain.errors import Unauthenticated
from paeshift_core.domain.tokens import ACCESS_TTL
from paeshift_core.domain.users import Role
from paeshift_core.ports.security import AccessClaims

_ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32
_REQUIRED = ["exp", "iat", "sub", "iss", "aud"]
#: Distinct access tokens whose verified claims a process remembers.
VERIFIED_TOKENS = 4096


class JwtTokenService:
    def __init__(
        self,
        secret: str,
        *,
        issuer: str = "paeshift",
        audience: str = "paeshift-api",
        ttl: timedelta = ACCESS_TTL,
    ) -> None:
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the token secret must have at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl
        self._verified = lru_cache(maxsize=VERIFIED_TOKENS)(self._verify_signed)

    def issue_access(self, user_id: int, role: Role, now: datetime) -> tuple[str, datetime]:
        issued = now.replace(microsecond=0)
        expires_at = issued + self._ttl
        payload: dict[str, Any] = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": str(user_id),
            "role": role.value,
            "iat": int(issued.timestamp()),
            "exp": int(expires_at.timestamp()),
        }
        return jwt.encode(payload, self._secret, algorithm=_ALGORITHM), expires_at

    def verify_access(self, token: str, now: datetime) -> AccessClaims:
        claims = self._verified(token)
        if now >= claims.expires_at:
            raise Unauthenticated("access token expired", code="token_expired")
        return claims

    def _verify_signed(self, token: str) -> AccessClaims:
        """The claims of a token signed with this secret (a failure raises, so is not kept)."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                # Time claims are checked against the injected clock, in verify_access.
                options={
                    "require": _REQUIRED,
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
            return AccessClaims(
                user_id=int(claims["sub"]),
                role=Role(claims["role"]),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
            raise Unauthenticated("invalid access token", code="invalid_token") from exc
