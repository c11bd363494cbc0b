"""Webhook authentication and event extraction shared by the adapters (DOMAIN.md Payments).

Signatures are checked over the RAW request body, before any JSON parsing, and compared in
constant time. A missing or wrong signature is ``Unauthenticated`` with the stable code
``webhook_signature_invalid`` (see the port module for why not ``PermissionDenied``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from adapters.payments.provider_http import decode_object
from paeshift_core.domain.errors import Unauthenticated
from paeshift_core.ports.payments import WEBHOOK_SIGNATURE_INVALID, WebhookEvent, WebhookKind


def header(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name``, whatever the case of the keys in ``headers``."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def hmac_sha512_hex(secret: str, raw_body: bytes) -> str:
    return hmac.new(secret.encode(), raw_body, hashlib.sha512).hexdigest()


def rejected(provider: str, why: str) -> Unauthenticated:
    return Unauthenticated(f"{provider} webhook: {why}", code=WEBHOOK_SIGNATURE_INVALID)


def require_hmac_sha512(
    provider: str, headers: Mapping[str, str], header_name: str, secret: str, raw_body: bytes
) -> None:
    """Accept only a hex HMAC-SHA512 of the raw body under ``secret`` in ``header_name``."""
    given = header(headers, header_name)
    if not given:
        raise rejected(provider, f"missing {header_name}")
    expected = hmac_sha512_hex(secret, raw_body)
    if not hmac.compare_digest(given.strip().lower().encode(), expected.encode()):
        raise rejected(provider, f"bad {header_name}")


def require_shared_secret(
    provider: str, headers: Mapping[str, str], header_name: str, secret: str
) -> None:
    """Accept only the exact shared secret in ``header_name`` (constant-time comparison)."""
    given = header(headers, header_name)
    if not given:
        raise rejected(provider, f"missing {header_name}")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        raise rejected(provider, f"bad {header_name}")


def webhook_event(
    provider: str, raw_body: bytes, *, payment_field: str = "reference"
) -> WebhookEvent | None:
    """The hint in an AUTHENTICATED body: ``charge.*`` names a checkout, ``transfer.*`` a payout.

    ``payment_field`` is where the provider puts our checkout reference inside ``data``
    (Flutterwave: ``tx_ref``); payouts always carry ``data.reference``. Other events are
    ``None``. A malformed authentic body is ``Unavailable`` so the provider delivers it again.
    """
    body = decode_object(provider, raw_body)
    event = body.text("event")
    if event.startswith("charge."):
        kind, field = WebhookKind.PAYMENT, payment_field
    elif event.startswith("transfer."):
        kind, field = WebhookKind.TRANSFER, "reference"
    else:
        return None
    return WebhookEvent(
        provider=provider, kind=kind, reference=body.obj("data").text(field), provider_event=event
    )
