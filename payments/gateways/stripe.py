"""Real payments through the official `stripe` library (SPEC §6.3)."""

import logging

import stripe
from django.conf import settings

from orders.models import Order
from payments.gateways.base import (
    GatewayConfigError,
    GatewayError,
    Intent,
    PaymentDeclined,
    decline_message,
)

logger = logging.getLogger(__name__)


class StripeGateway:
    name = "stripe"

    def __init__(self) -> None:
        options: dict = {"max_network_retries": settings.STRIPE_MAX_NETWORK_RETRIES}
        if settings.STRIPE_API_BASE:
            options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
        # StripeClient makes a single attempt unless max_network_retries is given; with it,
        # connection errors and 409/5xx answers are retried with backoff, same idempotency key.
        options["http_client"] = stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS)
        self.client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)

    def create_intent(self, order: Order) -> Intent:
        if order.payment_intent_id:
            current = self.retrieve_intent(order.payment_intent_id)
            if current.status != "canceled":
                # Stripe forgets idempotency keys after 24 h: the stored intent is the guard.
                if current.receipt_email != order.email and current.status not in (
                    "succeeded",
                    "processing",
                ):
                    # The client's address changed since: the receipt goes to the new one.
                    updated = self._call(
                        order,
                        self.client.v1.payment_intents.update,
                        current.id,
                        {"receipt_email": order.email},
                    )
                    return Intent.from_stripe(updated.to_dict())
                return current
            key = f"lumira-order-{order.public_id}-after-{order.payment_intent_id}"
        else:
            key = f"lumira-order-{order.public_id}"
        params = {
            "amount": order.price_cents,  # the catalogue's price, snapshotted on the order
            "currency": order.currency,
            "automatic_payment_methods": {"enabled": True},
            "description": f"Oracle Lumira - {order.offer_name}",
            "receipt_email": order.email,
            "metadata": {
                "orderId": str(order.public_id),
                "orderNumber": order.number,
                "level": str(order.level),
                "service": order.service,
                "expertId": order.expert.slug if order.expert_id else "",
            },
        }
        intent = self._call(
            order, self.client.v1.payment_intents.create, params, idempotency_key=key
        )
        return Intent.from_stripe(intent.to_dict())

    def retrieve_intent(self, payment_intent_id: str) -> Intent:
        intent = self._call(None, self.client.v1.payment_intents.retrieve, payment_intent_id)
        # stripe-python 16 objects are not dicts: convert once, at the seam.
        return Intent.from_stripe(intent.to_dict())

    def cancel_intent(self, payment_intent_id: str) -> bool:
        """Cancel an unpaid PaymentIntent; False when Stripe says it can no longer be canceled."""
        try:
            self.client.v1.payment_intents.cancel(payment_intent_id)
        except stripe.InvalidRequestError as error:
            if error.code == "payment_intent_unexpected_state":
                return False
            raise GatewayError(str(error)) from error
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return True

    def refund(self, order: Order, refund) -> str:
        if not order.payment_intent_id:
            raise GatewayError(f"order {order.number} has no PaymentIntent")
        params = {
            "payment_intent": order.payment_intent_id,
            "amount": refund.amount_cents,
            "metadata": {"refundId": str(refund.public_id), "orderNumber": order.number},
        }
        answer = self._call(
            order,
            self.client.v1.refunds.create,
            params,
            idempotency_key=f"lumira-refund-{refund.public_id}",
        )
        return str(answer.id)

    def _call(self, order: Order | None, method, *arguments, idempotency_key: str = ""):
        label = order.number if order else "-"
        options = {"idempotency_key": idempotency_key} if idempotency_key else None
        try:
            if options:
                return method(*arguments, options=options)
            return method(*arguments)
        except stripe.CardError as error:
            code = error.code or "card_declined"
            decline = (error.json_body or {}).get("error", {}).get("decline_code")
            logger.info("order %s: card declined (%s/%s)", label, code, decline)
            raise PaymentDeclined(decline or code, decline_message(decline, code)) from error
        except (stripe.AuthenticationError, stripe.PermissionError) as error:
            logger.error("order %s: Stripe refused our key: %s", label, error.user_message)
            raise GatewayConfigError("Stripe refused the API key") from error
        except stripe.StripeError as error:
            logger.error("order %s: Stripe error %s: %s", label, type(error).__name__, error)
            raise GatewayError(str(error)) from error
