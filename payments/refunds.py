"""An admin's refund through the gateway (SPEC §7): recorded, sent, confirmed."""

import logging

from billing import refunds
from billing.models import Refund
from orders.models import Order
from payments.gateways import get_gateway
from payments.gateways.base import GatewayError, PaymentDeclined

logger = logging.getLogger(__name__)


def refund_order(order: Order, amount_cents: int, *, reason: str, actor) -> Refund:
    """Refund `amount_cents` of a paid order.

    The refund is recorded `pending` first (RefundRefused when the amount does not fit), then
    asked of the gateway with its public id as idempotency key, then confirmed. The gateway's
    `charge.refunded` event may confirm it first (the demo gateway posts it at once): both
    paths end in `billing.refunds.confirm_refund`, which applies it once.
    """
    refund = refunds.request_refund(order, amount_cents, reason=reason, actor=actor)
    gateway = get_gateway()
    try:
        refund_id = gateway.refund(order, refund)
    except (GatewayError, PaymentDeclined) as error:
        logger.error("order %s: refund %s failed: %s", order.number, refund.public_id, error)
        refunds.refund_failed(refund, str(error))
        raise
    refunds.confirm_refund(refund, stripe_refund_id=refund_id, source="admin")
    refund.refresh_from_db()
    return refund
