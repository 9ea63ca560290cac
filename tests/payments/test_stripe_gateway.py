"""The real `stripe` library over HTTP against a local fake of the Stripe API."""

import json

import pytest

from orders.models import Order
from payments.checkout import ensure_intent
from payments.gateways import get_gateway
from payments.gateways.base import PaymentDeclined
from payments.gateways.stripe import StripeGateway
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _create(client, **body):
    payload = {"level": 3, "service": "premium", "customerEmail": "lea@example.com", **body}
    return client.post(
        "/api/payments/create-payment-intent", json.dumps(payload), content_type="application/json"
    )


def test_stripe_mode_uses_the_stripe_gateway(fake_stripe):
    assert isinstance(get_gateway(), StripeGateway)


def test_price_sent_to_stripe_is_the_catalogues_whatever_the_request_says(client, fake_stripe):
    response = _create(client, amount=1, price=1, currency="usd", customerName="Léa Martin")
    assert response.status_code == 200
    body = response.json()
    assert body["amount"] == 7900
    assert body["currency"] == "eur"
    assert body["clientSecret"].startswith(body["paymentIntentId"] + "_secret_")
    [sent] = fake_stripe.creations()
    assert sent.form["amount"] == "7900"
    assert sent.form["currency"] == "eur"
    assert sent.form["automatic_payment_methods[enabled]"] == "true"
    assert sent.form["description"] == "Oracle Lumira - Niveau Profond"
    assert sent.form["receipt_email"] == "lea@example.com"
    order = Order.objects.get()
    assert sent.form["metadata[orderId]"] == str(order.public_id)
    assert sent.form["metadata[orderNumber]"] == order.number
    assert sent.form["metadata[level]"] == "3"
    assert sent.form["metadata[service]"] == "premium"
    assert sent.form["metadata[expertId]"] == "expert-lumira"
    assert sent.headers["authorization"] == "Bearer sk_test_lumira0123456789abcdef"
    assert order.payment_intent_id == body["paymentIntentId"]


def test_a_retried_creation_reuses_the_orders_idempotency_key(fake_stripe):
    order = OrderFactory(payment_intent_id=None)
    fake_stripe.fail_next(status=500, times=1)
    intent = ensure_intent(order)
    attempts = fake_stripe.creations()
    assert len(attempts) == 2
    keys = {attempt.headers["idempotency-key"] for attempt in attempts}
    assert keys == {f"lumira-order-{order.public_id}"}
    order.refresh_from_db()
    assert order.payment_intent_id == intent.id


def test_the_stored_intent_is_reused_rather_than_created_again(fake_stripe):
    order = OrderFactory(payment_intent_id=None)
    first = ensure_intent(order)
    order.refresh_from_db()
    second = ensure_intent(order)
    assert first.id == second.id
    assert len(fake_stripe.creations()) == 1
    assert fake_stripe.requests[-1].method == "GET"


def test_a_canceled_intent_is_replaced_with_a_new_key(fake_stripe):
    order = OrderFactory(payment_intent_id=None)
    first = ensure_intent(order)
    fake_stripe.set_intent(first.id, status="canceled")
    order.refresh_from_db()
    second = ensure_intent(order)
    assert second.id != first.id
    assert fake_stripe.creations()[-1].headers["idempotency-key"] == (
        f"lumira-order-{order.public_id}-after-{first.id}"
    )


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            {"code": "card_declined", "decline_code": "insufficient_funds"},
            "Fonds insuffisants sur votre compte. Veuillez vérifier votre solde.",
        ),
        (
            {"code": "expired_card"},
            "La carte que vous avez utilisée a expiré. Veuillez mettre à jour vos informations de paiement.",
        ),
        (
            {"code": "incorrect_number"},
            "Le numéro de carte que vous avez saisi est incorrect. Veuillez vérifier et réessayer.",
        ),
        (
            {"code": "card_declined", "decline_code": "generic_decline"},
            "Votre carte a été refusée. Veuillez vérifier les informations ou utiliser une autre carte.",
        ),
        (
            {"code": "processing_error"},
            "Impossible de traiter le paiement avec cette méthode. Veuillez essayer une autre carte.",
        ),
    ],
)
def test_card_errors_become_the_french_messages(fake_stripe, error, message):
    order = OrderFactory(payment_intent_id=None)
    fake_stripe.fail_next(status=402, error={"type": "card_error", "message": "x", **error})
    with pytest.raises(PaymentDeclined) as declined:
        get_gateway().create_intent(order)
    assert declined.value.message_fr == message


def test_a_card_error_answers_payment_failed_in_french(client, fake_stripe):
    fake_stripe.fail_next(
        status=402,
        error={
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "x",
        },
    )
    response = _create(client)
    assert response.status_code == 402
    assert response.json() == {
        "error": "Fonds insuffisants sur votre compte. Veuillez vérifier votre solde.",
        "code": "PAYMENT_FAILED",
    }


def test_a_rejected_key_answers_stripe_config_error(client, fake_stripe):
    fake_stripe.fail_next(
        status=401, error={"type": "invalid_request_error", "message": "Invalid API Key"}
    )
    response = _create(client)
    assert response.status_code == 503
    assert response.json()["code"] == "STRIPE_CONFIG_ERROR"


def test_an_outage_answers_payment_failed_and_leaves_a_pending_order(client, fake_stripe):
    fake_stripe.fail_next(status=500, times=3)  # the first try and both retries
    response = _create(client)
    assert response.status_code == 502
    assert response.json()["code"] == "PAYMENT_FAILED"
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING
    assert order.payment_intent_id is None


def test_confirm_payment_reads_the_intent_from_stripe_and_applies_it(client, fake_stripe):
    intent_id = _create(client).json()["paymentIntentId"]
    fake_stripe.set_intent(intent_id, status="succeeded", amount_received=7900)
    response = client.post(
        "/api/payments/confirm-payment",
        json.dumps({"paymentIntentId": intent_id}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert response.json()["order"]["status"] == "paid"
    assert fake_stripe.requests[-1].path == f"/v1/payment_intents/{intent_id}"


def test_confirm_payment_does_not_pay_an_order_stripe_underpaid(client, fake_stripe):
    intent_id = _create(client).json()["paymentIntentId"]
    fake_stripe.set_intent(intent_id, status="succeeded", amount=100, amount_received=100)
    response = client.post(
        "/api/payments/confirm-payment",
        json.dumps({"paymentIntentId": intent_id}),
        content_type="application/json",
    )
    assert response.json()["success"] is False
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING
    assert order.payment_flag


def test_admin_refund_goes_through_stripe(client, fake_stripe, admin_user):
    intent_id = _create(client).json()["paymentIntentId"]
    fake_stripe.set_intent(intent_id, status="succeeded", amount_received=7900)
    client.post(
        "/api/payments/confirm-payment",
        json.dumps({"paymentIntentId": intent_id}),
        content_type="application/json",
    )
    order = Order.objects.get()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/orders/order/{order.pk}/rembourser/",
        {"amount": "20,00", "reason": "Geste commercial"},
    )
    assert response.status_code == 302
    [sent] = [r for r in fake_stripe.requests if r.path == "/v1/refunds"]
    refund = order.refunds.get()
    assert sent.form == {
        "payment_intent": intent_id,
        "amount": "2000",
        "metadata[refundId]": str(refund.public_id),
        "metadata[orderNumber]": order.number,
    }
    assert sent.headers["idempotency-key"] == f"lumira-refund-{refund.public_id}"
    assert refund.stripe_refund_id == fake_stripe.refunds[0]["id"]
    assert (refund.status, refund.amount_cents, refund.actor) == ("succeeded", 2000, admin_user)
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.PAID, 2000)
