"""The payment seam: one small interface, a Stripe and a demo implementation (SPEC §6.3)."""

from typing import Protocol

from orders.models import Order
from payments.intents import (  # noqa: F401 — the seam's vocabulary, re-exported
    DECLINE_MESSAGES,
    GENERIC_DECLINE,
    Intent,
    decline_message,
    decline_reason,
)


class GatewayError(Exception):
    """We could not talk to the payment provider; nothing the client can fix."""


class GatewayConfigError(GatewayError):
    """Payments are not configured (no key, or a key Stripe refuses)."""


class PaymentDeclined(Exception):
    """The client can fix this one: show `message_fr`."""

    def __init__(self, code: str, message_fr: str) -> None:
        super().__init__(code)
        self.code = code
        self.message_fr = message_fr


class Gateway(Protocol):
    name: str

    def create_intent(self, order: Order) -> Intent:
        """A PaymentIntent for the order's catalogue price; the stored one is reused."""

    def retrieve_intent(self, payment_intent_id: str) -> Intent:
        """The PaymentIntent as the provider sees it now."""

    def cancel_intent(self, payment_intent_id: str) -> bool:
        """Cancel an unpaid PaymentIntent; False when it succeeded meanwhile (left alone)."""

    def refund(self, order: Order, refund) -> str:
        """Refund `refund.amount_cents` (a billing.Refund) of the order's payment; returns the
        provider's refund id. `refund.public_id` is the idempotency key and goes in the refund's
        metadata (`refundId`), so the `charge.refunded` event finds the same record."""
