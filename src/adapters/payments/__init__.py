"""Payment gateway adapters: paystack, flutterwave and the default sandbox (DOMAIN.md Payments).

Entrypoints pick one by name through :func:`adapters.payments.factory.build_gateway`.
"""
