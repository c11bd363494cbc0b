"""JSON over HTTPS to a payment provider, with every failure turned into ``Unavailable``.

The port's rule (``paeshift_core.ports.payments``): an unreachable or incoherent provider is
``Unavailable``; a provider's answer is a result. This module owns the first half for the
real adapters: network errors, timeouts, 5xx, rejected credentials (401/403) and bodies that
are not the JSON objects we expect all raise ``Unavailable`` — never a raw httpx, JSON or
KeyError. Other 4xx answers are handed back to the adapter, which knows what they mean.

JSON numbers with a fraction are parsed as ``Decimal`` so no amount ever passes through a
float on its way in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx
from attrs import frozen

from paeshift_core.domain.errors import Unavailable
from paeshift_core.ports.payments import GATEWAY_MALFORMED

DEFAULT_TIMEOUT_S = 8.0
DEFAULT_CONNECT_TIMEOUT_S = 3.0


def default_timeout(total_s: float = DEFAULT_TIMEOUT_S) -> httpx.Timeout:
    """Short timeouts: a request thread waiting on a provider is worse than a retry later."""
    return httpx.Timeout(total_s, connect=min(DEFAULT_CONNECT_TIMEOUT_S, total_s))


def malformed(provider: str, what: str) -> Unavailable:
    return Unavailable(f"{provider}: unexpected response ({what})", code=GATEWAY_MALFORMED)


@frozen
class ProviderReply:
    """A provider's non-5xx answer: its HTTP status and its JSON object body."""

    status_code: int
    body: JsonObject

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def message(self) -> str:
        """The provider's own explanation of a refusal, for admins and logs."""
        return self.body.text_or("message", f"refused with HTTP {self.status_code}")


class JsonObject:
    """Typed, checked access to a decoded JSON object; a missing or mistyped field is
    ``Unavailable(code="gateway_malformed")`` naming the provider and the field path."""

    __slots__ = ("_data", "_path", "_provider")

    def __init__(self, provider: str, data: Mapping[str, Any], path: str = "") -> None:
        self._provider = provider
        self._data = data
        self._path = path

    def _name(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def _bad(self, key: str, expected: str) -> Unavailable:
        return malformed(self._provider, f"{self._name(key)} is not {expected}")

    def has(self, key: str) -> bool:
        return self._data.get(key) is not None

    def obj(self, key: str) -> JsonObject:
        value = self._data.get(key)
        if not isinstance(value, Mapping):
            raise self._bad(key, "an object")
        return JsonObject(self._provider, value, self._name(key))

    def objects(self, key: str) -> list[JsonObject]:
        value = self._data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self._bad(key, "a list of objects")
        return [
            JsonObject(self._provider, v, f"{self._name(key)}[{i}]") for i, v in enumerate(value)
        ]

    def text(self, key: str) -> str:
        value = self._data.get(key)
        if not isinstance(value, str):
            raise self._bad(key, "a string")
        return value

    def text_or(self, key: str, default: str) -> str:
        value = self._data.get(key)
        return value if isinstance(value, str) else default

    def ident(self, key: str) -> str:
        """A provider id sent as a number or a string, kept as text."""
        value = self._data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self._bad(key, "an id")
        return str(value)

    def ident_or(self, key: str, default: str) -> str:
        return self.ident(key) if self.has(key) else default

    def integer(self, key: str) -> int:
        value = self._data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._bad(key, "an integer")
        return value

    def number(self, key: str) -> Decimal:
        """An exact decimal number (JSON integer or fraction; never a float)."""
        value = self._data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise self._bad(key, "a number")
        if isinstance(value, Decimal) and not value.is_finite():
            raise self._bad(key, "a finite number")
        return Decimal(value)

    def flag(self, key: str) -> bool:
        value = self._data.get(key)
        if not isinstance(value, bool):
            raise self._bad(key, "a boolean")
        return value


def decode_object(provider: str, raw: bytes) -> JsonObject:
    """Decode a JSON object body (fractions as Decimal), or raise ``Unavailable``."""
    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise malformed(provider, "body is not JSON") from None
    if not isinstance(data, dict):
        raise malformed(provider, "body is not a JSON object")
    return JsonObject(provider, data)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


class ProviderHttp:
    """One provider's base URL, bearer secret and httpx client.

    The client is injectable so tests use ``httpx.MockTransport`` and entrypoints can share a
    pool; a client we create ourselves is closed by :meth:`aclose`, an injected one is not.
    """

    def __init__(
        self,
        *,
        provider: str,
        base_url: str,
        secret_key: str,
        client: httpx.AsyncClient | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.provider = provider
        self._base_url = base_url.rstrip("/")
        self._headers = {
            "Authorization": f"Bearer {secret_key}",
            "Accept": "application/json",
        }
        self._timeout = default_timeout(timeout_s)
        self._owns_client = client is None
        self._client = client if client is not None else httpx.AsyncClient()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Mapping[str, object] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> ProviderReply:
        """Send one request; return 2xx/4xx answers with a JSON object body, raise otherwise."""
        try:
            response = await self._client.request(
                method,
                f"{self._base_url}{path}",
                json=json_body,
                params=params,
                headers=self._headers,
                timeout=self._timeout,
            )
        except httpx.TimeoutException:
            raise Unavailable(f"{self.provider}: timed out", code="gateway_timeout") from None
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"{self.provider}: unreachable ({type(exc).__name__})", code="gateway_unreachable"
            ) from None
        if response.status_code >= 500:
            raise Unavailable(
                f"{self.provider}: server error {response.status_code}", code="gateway_error"
            )
        if response.status_code in (401, 403):
            raise Unavailable(
                f"{self.provider}: credentials rejected ({response.status_code})",
                code="gateway_misconfigured",
            )
        if response.status_code == 429:
            raise Unavailable(f"{self.provider}: rate limited", code="gateway_busy")
        return ProviderReply(response.status_code, decode_object(self.provider, response.content))

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()
