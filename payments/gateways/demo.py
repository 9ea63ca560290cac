"""Demo payments: no network, Stripe's test cards, outcomes as signed Stripe-format events.

The events go through `payments.webhooks.receive`, the very code real Stripe events take, so a
demo purchase exercises the signature check, the processed-event log and the state machine. As
with Stripe, they arrive later: each is a background task (`deliver_event`), so the payment page
answers at once and the confirmation page's polling shows the outcome.
"""

import hashlib
import hmac
import json
import secrets
import time
from datetime import timedelta

from django.db import transaction

from operations.tasks import enqueue, retried_task
from orders.models import Order
from payments.gateways.base import GatewayError, Intent, PaymentDeclined, decline_message
from payments.models import DemoIntent
from payments.webhooks import demo_webhook_secret, receive

# Stripe's test cards (SPEC §6.3): number → (code, decline_code); None succeeds.
TEST_CARDS: dict[str, tuple[str, str] | None] = {
    "4242424242424242": None,
    "4000056655665556": None,
    "5555555555554444": None,
    "4000000000000002": ("card_declined", "generic_decline"),
    "4000000000009995": ("card_declined", "insufficient_funds"),
    "4000000000000069": ("expired_card", ""),
    "4000000000000127": ("incorrect_cvc", ""),
}
# Any other well-formed number is declined, as Stripe's test mode does with real cards.
UNKNOWN_CARD = ("card_declined", "test_mode_live_card")


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header value, computed as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number]
    checksum = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        checksum += digit
    return checksum % 10 == 0


class DemoGateway:
    name = "demo"

    def create_intent(self, order: Order) -> Intent:
        if order.payment_intent_id:
            return self.retrieve_intent(order.payment_intent_id)
        intent_id = f"pi_demo_{secrets.token_hex(12)}"
        record = DemoIntent.objects.create(
            intent_id=intent_id,
            client_secret=f"{intent_id}_secret_{secrets.token_urlsafe(18)}",
            order_public_id=str(order.public_id),
            amount=order.price_cents,
            currency=order.currency,
        )
        return _as_intent(record)

    def retrieve_intent(self, payment_intent_id: str) -> Intent:
        record = DemoIntent.objects.filter(intent_id=payment_intent_id).first()
        if record is None:
            raise GatewayError(f"unknown demo PaymentIntent {payment_intent_id}")
        return _as_intent(record)

    def refund(self, order: Order, refund) -> str:
        """As Stripe would: the charge's refunded amount grows, `charge.refunded` is posted."""
        with transaction.atomic():
            record = (
                DemoIntent.objects.select_for_update()
                .filter(intent_id=order.payment_intent_id or "")
                .first()
            )
            if record is None or record.status != "succeeded":
                raise GatewayError(f"order {order.number}: nothing to refund")
            if record.amount_refunded + refund.amount_cents > record.amount:
                raise GatewayError(f"order {order.number}: refund over the amount charged")
            record.amount_refunded += refund.amount_cents
            record.save(update_fields=["amount_refunded"])
        refund_id = f"re_demo_{refund.public_id.hex[:24]}"
        charge = {
            "id": f"ch_demo_{record.intent_id[8:]}",
            "object": "charge",
            "amount": record.amount,
            "amount_refunded": record.amount_refunded,
            "currency": record.currency,
            "payment_intent": record.intent_id,
            "refunded": record.amount_refunded >= record.amount,
            "livemode": False,
            "refunds": {
                "object": "list",
                "data": [
                    {
                        "id": refund_id,
                        "object": "refund",
                        "amount": refund.amount_cents,
                        "currency": record.currency,
                        "payment_intent": record.intent_id,
                        "status": "succeeded",
                        "metadata": {"refundId": str(refund.public_id)},
                    }
                ],
            },
        }
        _deliver("charge.refunded", charge)
        return refund_id

    def cancel_intent(self, payment_intent_id: str) -> bool:
        """Cancel an unpaid intent; False when it already succeeded (not ours to drop)."""
        with transaction.atomic():
            record = (
                DemoIntent.objects.select_for_update().filter(intent_id=payment_intent_id).first()
            )
            if record is None:
                raise GatewayError(f"unknown demo PaymentIntent {payment_intent_id}")
            if record.status == "succeeded":
                return False
            if record.status != "canceled":
                record.status = "canceled"
                record.save(update_fields=["status"])
        return True

    def pay(self, order: Order, card_number: str) -> Intent:
        """Confirm the order's intent with a test card, as Stripe.js would; returns its state."""
        number = "".join(ch for ch in card_number if ch.isascii() and ch.isdigit())
        if not 12 <= len(number) <= 19 or not luhn_valid(number):
            raise PaymentDeclined("incorrect_number", decline_message(None, "incorrect_number"))
        with transaction.atomic():
            record = DemoIntent.objects.select_for_update().get(intent_id=order.payment_intent_id)
            if record.status == "succeeded":
                return _as_intent(record)
            outcome = TEST_CARDS.get(number, UNKNOWN_CARD)
            if outcome is None:
                record.status, record.last_error_code, record.last_decline_code = (
                    "succeeded",
                    "",
                    "",
                )
            else:
                record.status = "requires_payment_method"
                record.last_error_code, record.last_decline_code = outcome
            record.save()
        intent = _as_intent(record)
        event_type = (
            "payment_intent.succeeded" if outcome is None else "payment_intent.payment_failed"
        )
        _deliver(event_type, _as_stripe_json(record))
        return intent


def _as_intent(record: DemoIntent) -> Intent:
    return Intent.from_stripe(_as_stripe_json(record))


def _as_stripe_json(record: DemoIntent) -> dict:
    error = None
    if record.last_error_code:
        error = {
            "type": "card_error",
            "code": record.last_error_code,
            "decline_code": record.last_decline_code or None,
            "message": decline_message(record.last_decline_code, record.last_error_code),
        }
    succeeded = record.status == "succeeded"
    return {
        "id": record.intent_id,
        "object": "payment_intent",
        "amount": record.amount,
        "amount_received": record.amount if succeeded else 0,
        "currency": record.currency,
        "status": record.status,
        "client_secret": record.client_secret,
        "metadata": {"orderId": record.order_public_id},
        "last_payment_error": error,
        "livemode": False,
    }


def _deliver(event_type: str, obj: dict) -> None:
    """Queue a Stripe-format event for delivery to the webhook code, as Stripe would post it."""
    payload = json.dumps(
        {
            "id": f"evt_demo_{secrets.token_hex(12)}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj},
        }
    )
    enqueue(deliver_event, payload)


@retried_task(attempts=5, first_delay=timedelta(seconds=10))
def deliver_event(payload: str) -> bool:
    """Sign the event now (a fresh timestamp, as Stripe signs each attempt) and apply it.

    The event carries its id: a second delivery is recognised by the processed-event log.
    """
    secret = demo_webhook_secret()
    return receive(payload.encode(), sign(payload, secret), secret, source="demo")
