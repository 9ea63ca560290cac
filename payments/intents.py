"""What a PaymentIntent says, whichever gateway or webhook brought it (SPEC §6.3, §6.4).

Apart from the gateways so that the webhook code, which the demo gateway calls, needs nothing
from the gateways package: payments' modules import each other in one direction.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# SPEC §6.3: the French messages a client reads, by decline_code first, then code. Marked for
# the translation catalogue and translated when shown: an order keeps the text as it was
# recorded, and the pages translate it again into the reader's language.
DECLINE_MESSAGES = {
    "card_declined": gettext_noop(
        "Votre carte a été refusée. Veuillez vérifier les informations ou utiliser une autre carte."
    ),
    "expired_card": gettext_noop(
        "La carte que vous avez utilisée a expiré. Veuillez mettre à jour vos informations de "
        "paiement."
    ),
    "incorrect_number": gettext_noop(
        "Le numéro de carte que vous avez saisi est incorrect. Veuillez vérifier et réessayer."
    ),
    "insufficient_funds": gettext_noop(
        "Fonds insuffisants sur votre compte. Veuillez vérifier votre solde."
    ),
}
GENERIC_DECLINE = gettext_noop(
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
    livemode: bool = False
    receipt_email: str = ""
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
            livemode=data.get("livemode") is True,
            receipt_email=str(data.get("receipt_email") or ""),
        )


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
