"""Partial and full refunds (SPEC §5, §7): the admin's form, the gateway, Stripe's dashboard."""

import json

import pytest

from billing.models import CreditNote, Invoice, Refund
from orders.models import Order
from payments.models import DemoIntent
from tests.factories import OrderFactory, UserFactory
from tests.payments.conftest import intent_event

pytestmark = pytest.mark.django_db


def _paid(post_webhook, **kwargs) -> Order:
    """An order paid by a signed success event (so it has its invoice)."""
    order = OrderFactory(**kwargs)
    assert post_webhook(intent_event(order, event_id=f"evt_pay_{order.pk}")).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def _charge_refunded(order, refunds, *, event_id, amount_refunded=None, listed=True) -> bytes:
    total = sum(r["amount"] for r in refunds) if amount_refunded is None else amount_refunded
    charge = {
        "id": f"ch_{order.pk}",
        "object": "charge",
        "amount": order.price_cents,
        "amount_refunded": total,
        "refunded": total >= order.price_cents,
        "payment_intent": order.payment_intent_id,
        "currency": "eur",
        "livemode": False,
    }
    if listed:
        charge["refunds"] = {"object": "list", "data": refunds}
    event = {
        "id": event_id,
        "type": "charge.refunded",
        "livemode": False,
        "data": {"object": charge},
    }
    return json.dumps(event).encode()


def _refund(refund_id, amount, **extra) -> dict:
    return {"id": refund_id, "object": "refund", "amount": amount, "status": "succeeded", **extra}


def _demo_paid_order(client) -> Order:
    client.post(
        "/commande/",
        {
            "offer": "mystique",
            "email": "r@example.com",
            "first_name": "Rémi",
            "last_name": "Roux",
            "expert": "expert-lumira",
        },
    )
    order = Order.objects.latest("created_at")
    client.post(
        f"/commande/{order.public_id}/paiement/",
        {
            "card_number": "4242424242424242",
            "expiry": "12/34",
            "cvc": "123",
            "accept_terms": "on",
            "waive_withdrawal": "on",
        },
    )
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def test_partial_then_full_refund_from_the_admin_through_the_demo_gateway(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    order = _demo_paid_order(client)
    boss = UserFactory(username="boss@example.com", is_staff=True, is_superuser=True)
    client.force_login(boss)
    url = f"/admin/orders/order/{order.pk}/rembourser/"
    form = client.get(url).content.decode()
    # The admin is told who reads the reason, and that there is no way back.
    assert "Le client le lira dans l’e-mail de remboursement." in form
    assert "ne peut pas être annulé" in form
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"amount": "12,50", "reason": "Retard de livraison"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.PAID, 1250)
    assert DemoIntent.objects.get().amount_refunded == 1250

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"amount": "34,50", "reason": "Annulation"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, 4700)

    refunds = list(order.refunds.order_by("created_at"))
    assert [(r.amount_cents, r.reason, r.actor, r.status) for r in refunds] == [
        (1250, "Retard de livraison", boss, "succeeded"),
        (3450, "Annulation", boss, "succeeded"),
    ]
    assert all(r.stripe_refund_id.startswith("re_demo_") for r in refunds)
    # The history says who refunded what: a note for the partial one, the move for the last.
    history = list(order.events.filter(actor=boss).values_list("from_status", "to_status", "note"))
    assert history == [
        ("paid", "paid", "Remboursement de 12,50\u00a0€ : Retard de livraison"),
        ("paid", "refunded", "Remboursement de 34,50\u00a0€ : Annulation"),
    ]
    invoice = Invoice.objects.get(order=order)
    notes = list(CreditNote.objects.filter(invoice=invoice).order_by("sequence"))
    assert [(n.amount_cents, n.refund_id) for n in notes] == [
        (1250, refunds[0].pk),
        (3450, refunds[1].pk),
    ]
    assert notes[1].sequence == notes[0].sequence + 1
    refund_mails = [m for m in mailoutbox if "Remboursement" in m.subject]
    assert len(refund_mails) == 2
    assert "12,50" in refund_mails[0].body
    assert notes[0].number in refund_mails[0].body


def test_over_refund_is_refused_with_a_french_message(admin_client, post_webhook):
    order = _paid(post_webhook)
    url = f"/admin/orders/order/{order.pk}/rembourser/"
    response = admin_client.post(url, {"amount": "47,01", "reason": "Trop"})
    assert response.status_code == 400
    assert "au plus 47,00\u00a0€ restent remboursables" in response.content.decode()
    for bad, message in [("abc", "Montant invalide"), ("0", "supérieur à 0"), ("1,234", "Deux")]:
        body = admin_client.post(url, {"amount": bad, "reason": "x"}).content.decode()
        assert message in body
    assert not Refund.objects.exists()
    assert Order.objects.get(pk=order.pk).refunded_cents == 0


def test_the_service_refuses_what_the_pending_refunds_already_take(post_webhook, admin_user):
    from billing import refunds
    from billing.exceptions import RefundRefused

    order = _paid(post_webhook)
    refunds.request_refund(order, 4000, reason="a", actor=admin_user)  # pending, not confirmed
    with pytest.raises(RefundRefused, match="7,00"):
        refunds.request_refund(order, 800, reason="b", actor=admin_user)


def test_a_refund_made_in_stripes_dashboard_is_recorded_once(
    post_webhook, mailoutbox, django_capture_on_commit_callbacks
):
    order = _paid(post_webhook)
    mailoutbox.clear()
    first = _charge_refunded(order, [_refund("re_dash_1", 1000)], event_id="evt_r1")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(first).json() == {"received": True}
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.PAID, 1000)
    refund = Refund.objects.get(stripe_refund_id="re_dash_1")
    assert (refund.source, refund.actor, refund.status) == ("stripe", None, "succeeded")
    assert CreditNote.objects.filter(refund=refund).exists()
    assert len(mailoutbox) == 1

    # Stripe lists every refund of the charge in the next event: the first is not counted again.
    second = _charge_refunded(
        order, [_refund("re_dash_1", 1000), _refund("re_dash_2", 3700)], event_id="evt_r2"
    )
    post_webhook(second)
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, 4700)
    assert Refund.objects.filter(order=order).count() == 2


def test_a_refund_without_the_list_is_recorded_by_the_amount(post_webhook):
    order = _paid(post_webhook)
    body = _charge_refunded(order, [], amount_refunded=2000, event_id="evt_r", listed=False)
    post_webhook(body)
    post_webhook(body.replace(b"evt_r", b"evt_r_again"))  # the same total again: nothing new
    order.refresh_from_db()
    assert order.refunded_cents == 2000
    assert Refund.objects.get().stripe_refund_id == f"ch_{order.pk}:2000"


def test_our_refund_confirmed_by_its_event_is_not_counted_twice(post_webhook, admin_user):
    from billing import refunds

    order = _paid(post_webhook)
    pending = refunds.request_refund(order, 1500, reason="geste", actor=admin_user)
    ours = _refund("re_ours", 1500, metadata={"refundId": str(pending.public_id)})
    post_webhook(_charge_refunded(order, [ours], event_id="evt_ours"))
    refunds.confirm_refund(pending, stripe_refund_id="re_ours", source="admin")  # late answer
    order.refresh_from_db()
    assert order.refunded_cents == 1500
    refund = Refund.objects.get()
    assert (refund.stripe_refund_id, refund.actor, refund.status) == (
        "re_ours",
        admin_user,
        "succeeded",
    )


def test_admin_refund_over_the_fake_stripe_api(client, fake_stripe, admin_user):
    client.post(
        "/api/payments/create-payment-intent",
        json.dumps({"level": 2, "customerEmail": "s@example.com"}),
        content_type="application/json",
    )
    order = Order.objects.get()
    fake_stripe.set_intent(order.payment_intent_id, status="succeeded", amount_received=4700)
    client.post(
        "/api/payments/confirm-payment",
        json.dumps({"paymentIntentId": order.payment_intent_id}),
        content_type="application/json",
    )
    client.force_login(admin_user)
    url = f"/admin/orders/order/{order.pk}/rembourser/"
    assert client.post(url, {"amount": "47", "reason": "Annulation"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, 4700)
    # Stripe refusing (here: nothing left to refund at Stripe) is said on the form, in French.
    fake_stripe.intents[order.payment_intent_id]["amount_refunded"] = 0
    order.refunded_cents = 0
    Order.objects.filter(pk=order.pk).update(status="paid", refunded_cents=0)
    fake_stripe.fail_next(400, {"type": "invalid_request_error", "message": "charge_disputed"})
    response = client.post(url, {"amount": "1", "reason": "x"})
    assert response.status_code == 400
    assert "n’a pas effectué le remboursement" in response.content.decode()
    assert Refund.objects.filter(status="failed").count() == 1
