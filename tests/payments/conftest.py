import hashlib
import hmac
import json
import time

import pytest

from tests.conftest import WEBHOOK_SECRET


@pytest.fixture
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return WEBHOOK_SECRET


def sign(body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """Stripe-Signature exactly as Stripe computes it: HMAC-SHA256 over "{t}.{body}"."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def intent_event(
    order,
    event_type="payment_intent.succeeded",
    *,
    event_id="evt_1",
    amount=None,
    currency=None,
    status=None,
    error=None,
) -> bytes:
    amount = order.price_cents if amount is None else amount
    status = status or {
        "payment_intent.succeeded": "succeeded",
        "payment_intent.canceled": "canceled",
    }.get(event_type, "requires_payment_method")
    obj = {
        "id": order.payment_intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount if status == "succeeded" else 0,
        "currency": currency or order.currency,
        "status": status,
        "metadata": {"orderId": str(order.public_id)},
        "last_payment_error": error,
    }
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


@pytest.fixture
def post_webhook(client, webhook_secret):
    def post(body: bytes, signature: str | None = "sign", **extra):
        headers = {}
        if signature == "sign":
            signature = sign(body)
        if signature is not None:
            headers["HTTP_STRIPE_SIGNATURE"] = signature
        return client.post(
            "/api/payments/webhook", body, content_type="application/json", **headers, **extra
        )

    return post
