"""Starting a payment: the order from the catalogue, then its PaymentIntent (SPEC §6.2, §6.3)."""

import logging

from orders import services
from orders.models import Offer, Order
from payments.gateways import get_gateway
from payments.gateways.base import Intent

logger = logging.getLogger(__name__)


def start_checkout(
    offer: Offer, *, email: str, first_name: str = "", last_name: str = "", expert=None, user=None
) -> tuple[Order, Intent]:
    """Create the pending order at the catalogue price and its PaymentIntent.

    Gateway errors propagate; the order then stays `pending` without an intent, and a later
    `ensure_intent` (the payment page) creates it.
    """
    order = services.create_order(
        offer, email=email, first_name=first_name, last_name=last_name, expert=expert, user=user
    )
    return order, ensure_intent(order)


def ensure_intent(order: Order) -> Intent:
    """The order's PaymentIntent, created once and reused on every later call."""
    intent = get_gateway().create_intent(order)
    if intent.id != order.payment_intent_id:
        services.attach_payment_intent(order, intent.id, intent.status)
    logger.info("order %s: PaymentIntent %s (%s)", order.number, intent.id, intent.status)
    return intent
