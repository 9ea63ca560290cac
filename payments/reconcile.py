"""Apply what a PaymentIntent says to its order: the webhook and confirm-payment share this."""

import logging
import uuid
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from orders import services
from orders.models import UNPAID_STATUSES, Order
from payments.intents import Intent, decline_message, decline_reason
from payments.models import ProcessedEvent

logger = logging.getLogger(__name__)
Outcome = ProcessedEvent.Outcome


def find_order(intent: Intent) -> Order | None:
    """The order of a PaymentIntent: by its stored id, else by the orderId in its metadata."""
    order = order_of_intent_id(intent.id)
    if order is not None or not intent.order_public_id:
        return order
    try:
        public_id = uuid.UUID(intent.order_public_id)
    except ValueError:
        return None
    # The intent was created but we stopped before storing its id: the metadata knows.
    order = _order_where("public_id", public_id, without_intent=True)
    if order is not None:
        services.attach_payment_intent(order, intent.id, intent.status)
    return order


def order_of_intent_id(intent_id: str) -> Order | None:
    return _order_where("payment_intent_id", intent_id)


class PaymentFacts(NamedTuple):
    """What deciding whether a payment event changes its order reads of the order."""

    status: str
    price_cents: int
    currency: str


# Every webhook delivery starts by asking whether its event can change anything, and most
# cannot (Stripe redelivers; confirm-payment got there first): one literal query (SPEC §14,
# docs/performance.md) for the three columns that decide it.
PAYMENT_FACTS_SQL = """
    SELECT status, price_cents, currency FROM orders_order WHERE payment_intent_id = %s
"""


def payment_facts(intent_id: str) -> PaymentFacts | None:
    """The order's PaymentFacts for this PaymentIntent id, None when no order has it."""
    with connection.cursor() as cursor:
        cursor.execute(PAYMENT_FACTS_SQL, [intent_id])
        row = cursor.fetchone()
    return PaymentFacts(*row) if row else None


def _order_where(name: str, value, *, without_intent: bool = False) -> Order | None:
    """The order whose unique `name` is `value`, with Order.SUMMARY_FIELDS loaded."""
    orders = Order.objects.only(*Order.SUMMARY_FIELDS).filter(**{name: value})
    if without_intent:
        orders = orders.filter(payment_intent_id__isnull=True)
    try:
        return orders.get()
    except Order.DoesNotExist:
        return None


def expected_livemode() -> bool:
    """Events of a live key are live; test keys and the demo gateway see test events only."""
    return "_live_" in settings.STRIPE_SECRET_KEY


def money_mismatch(order: Order | PaymentFacts, intent: Intent) -> str:
    """What of a succeeded intent disagrees with the order ("" when all agrees, SPEC §6.4)."""
    problems = []
    if intent.amount != order.price_cents:
        problems.append(f"amount {intent.amount} ≠ {order.price_cents}")
    if intent.amount_received != order.price_cents:
        problems.append(f"amount_received {intent.amount_received} ≠ {order.price_cents}")
    if intent.currency != order.currency.lower():
        problems.append(f"currency {intent.currency or '?'} ≠ {order.currency.lower()}")
    if intent.livemode != expected_livemode():
        problems.append(
            f"livemode {str(intent.livemode).lower()} with a "
            f"{'live' if expected_livemode() else 'test'} key"
        )
    return ", ".join(problems)


def changes_nothing(order: Order | PaymentFacts, intent: Intent) -> bool:
    """True when `apply_intent` would write nothing: the order is past payment (never unpaid
    again) and the intent is not a success that disagrees with it (a mismatch is flagged even on
    a paid order). Decided on the row as read, without a lock: nothing makes it unpaid again."""
    if order.status in UNPAID_STATUSES:
        return False
    return intent.status != "succeeded" or not money_mismatch(order, intent)


def apply_intent(order: Order, intent: Intent, *, source: str) -> str:
    """Move the order as the intent's status says; returns a ProcessedEvent outcome."""
    if changes_nothing(order, intent):
        return Outcome.NO_CHANGE
    if intent.status == "succeeded":
        mismatch = money_mismatch(order, intent)
        if mismatch:
            services.flag_payment(order, f"PaymentIntent {intent.id} non appliqué : {mismatch}")
            return Outcome.AMOUNT_MISMATCH
        changed = services.mark_paid(order, source=source, payment_status=intent.status)
        return Outcome.APPLIED if changed else Outcome.NO_CHANGE
    if intent.status == "canceled":
        changed = services.mark_failed(
            order,
            code="canceled",
            message=_("Le paiement a été annulé. Vous pouvez recommencer votre commande."),
            source=source,
            payment_status=intent.status,
        )
        return Outcome.APPLIED if changed else Outcome.NO_CHANGE
    if intent.status == "requires_payment_method" and intent.error:
        code = decline_reason(intent.error)
        changed = services.mark_failed(
            order,
            code=code,
            message=decline_message(intent.error.get("decline_code"), intent.error.get("code")),
            source=source,
            payment_status=intent.status,
        )
        return Outcome.APPLIED if changed else Outcome.NO_CHANGE
    return Outcome.NO_CHANGE
