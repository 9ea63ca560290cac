"""The payment seam: one small interface, a Stripe and a demo implementation (SPEC §6.3)."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

from orders.models import Order

# SPEC §6.3: the French messages a client reads, by decline_code first, then code.
DECLINE_MESSAGES = {
    "card_declined": "Votre carte a été refusée. Veuillez vérifier les informations ou utiliser "
    "une autre carte.",
    "expired_card": "La carte que vous avez utilisée a expiré. Veuillez mettre à jour vos "
    "informations de paiement.",
    "incorrect_number": "Le numéro de carte que vous avez saisi est incorrect. Veuillez vérifier "
    "et réessayer.",
    "insufficient_funds": "Fonds insuffisants sur votre compte. Veuillez vérifier votre solde.",
}
GENERIC_DECLINE = (
    "Impossible de traiter le paiement avec cette méthode. Veuillez essayer une autre carte."
)


def decline_message(decline_code: str | None, code: str | None) -> str:
    """The French message for a card error: decline_code wins over code."""
    for key in (decline_code, code):
        if key and key in DECLINE_MESSAGES:
            return _(DECLINE_MESSAGES[key])
    return _(GENERIC_DECLINE)


def decline_reason(error: dict | None) -> str:
    """The most specific machine reason of a Stripe `last_payment_error`."""
    if not error:
        return "card_declined"
    return str(error.get("decline_code") or error.get("code") or "card_declined")


@dataclass(frozen=True)
class Intent:
    """What we need of a PaymentIntent, whichever gateway produced it."""

    id: str
    status: str
    amount: int
    currency: str
    client_secret: str = ""
    amount_received: int = 0
    order_public_id: str = ""
    error: dict = field(default_factory=dict)

    @classmethod
    def from_stripe(cls, data: dict[str, Any]) -> "Intent":
        """Build from a PaymentIntent as Stripe serialises it (webhook body or API answer)."""
        metadata = data.get("metadata") or {}
        error = data.get("last_payment_error") or {}
        return cls(
            id=str(data["id"]),
            status=str(data.get("status") or ""),
            amount=_int(data.get("amount")),
            amount_received=_int(data.get("amount_received")),
            currency=str(data.get("currency") or "").lower(),
            client_secret=str(data.get("client_secret") or ""),
            order_public_id=str(metadata.get("orderId") or "")
            if isinstance(metadata, dict)
            else "",
            error=dict(error) if isinstance(error, dict) else {},
        )


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


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

    def refund(self, order: Order) -> str:
        """Refund the order in full; the outcome arrives as a `charge.refunded` event."""
