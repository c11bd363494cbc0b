"""Build the configured payment gateway by provider name (ARCHITECTURE.md Entry points).

Parameters mirror the ``PAESHIFT_*`` settings (``payment_provider``, ``public_base_url``,
``paystack_secret_key``, ``flutterwave_secret_key``, ``flutterwave_webhook_hash``) so the
composition root passes them through; nothing is read from the environment here. A missing
secret for a real provider fails at start-up, not at the first payment.
"""

from __future__ import annotations

import httpx

from adapters.payments.flutterwave import FlutterwaveGateway
from adapters.payments.paystack import PaystackGateway
from adapters.payments.provider_http import DEFAULT_TIMEOUT_S
from adapters.payments.sandbox import DEFAULT_BASE_URL, SandboxGateway
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.ports.payments import PaymentGateway

PROVIDERS = ("sandbox", "paystack", "flutterwave")


def _required(name: str, value: str | None) -> str:
    if not value:
        raise InvalidInput(name, "is required for this payment provider")
    return value


def build_gateway(
    provider: str = "sandbox",
    *,
    public_base_url: str = DEFAULT_BASE_URL,
    paystack_secret_key: str | None = None,
    flutterwave_secret_key: str | None = None,
    flutterwave_webhook_hash: str | None = None,
    sandbox_webhook_secret: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    http_client: httpx.AsyncClient | None = None,
) -> PaymentGateway:
    """The gateway for ``provider``; ``sandbox`` (the default) needs no settings at all.

    ``http_client`` lets the entrypoint share one connection pool (it then closes it itself);
    without it the gateway owns a client that ``aclose()`` releases.
    """
    name = provider.strip().lower()
    if name == "sandbox":
        return SandboxGateway(base_url=public_base_url, webhook_secret=sandbox_webhook_secret)
    if name == "paystack":
        return PaystackGateway(
            secret_key=_required("paystack_secret_key", paystack_secret_key),
            client=http_client,
            timeout_s=timeout_s,
        )
    if name == "flutterwave":
        return FlutterwaveGateway(
            secret_key=_required("flutterwave_secret_key", flutterwave_secret_key),
            secret_hash=_required("flutterwave_webhook_hash", flutterwave_webhook_hash),
            client=http_client,
            timeout_s=timeout_s,
        )
    raise InvalidInput("payment_provider", f"must be one of {', '.join(PROVIDERS)}")
