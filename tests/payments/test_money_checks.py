"""Events out of order, money that disagrees, disputes (SPEC §6.4), through signed webhooks."""

import json

import pytest

from billing.models import Invoice
from ops.models import Alert
from orders.models import Order
from payments.models import ProcessedEvent
from tests.factories import OrderFactory
from tests.payments.conftest import intent_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _admins(settings):
    settings.ADMINS = [("Ops", "ops@example.com")]


def _full_refund(order, *, event_id="evt_refund") -> bytes:
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": order.price_cents,
        "amount_refunded": order.price_cents,
        "refunded": True,
        "payment_intent": order.payment_intent_id,
        "currency": "eur",
        "refunds": {
            "object": "list",
            "data": [{"id": "re_1", "amount": order.price_cents, "status": "succeeded"}],
        },
    }
    event = {"id": event_id, "type": "charge.refunded", "data": {"object": charge}}
    return json.dumps(event).encode()


def _payment_mails(mailoutbox) -> list:
    return [m for m in mailoutbox if m.subject.startswith("Paiement reçu")]


@pytest.mark.parametrize("start", ["pending", "failed"])
def test_refund_before_success_ends_refunded_without_a_payment_email(
    post_webhook, mailoutbox, django_capture_on_commit_callbacks, start
):
    order = OrderFactory(status=start)
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(_full_refund(order))
        post_webhook(intent_event(order, event_id="evt_late_success"))
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_cents == order.price_cents
    assert _payment_mails(mailoutbox) == []
    assert ProcessedEvent.objects.get(event_id="evt_late_success").outcome == "no_change"
    # The money was taken and given back: an invoice and its credit note.
    assert Invoice.objects.get(order=order).credit_notes.count() == 1


def test_success_then_refund_ends_refunded_too(
    post_webhook, mailoutbox, django_capture_on_commit_callbacks
):
    order = OrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(intent_event(order, event_id="evt_success"))
        post_webhook(_full_refund(order))
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert len(_payment_mails(mailoutbox)) == 1  # sent when the success came, in its order


def _succeeded(order, **changes) -> bytes:
    event = json.loads(intent_event(order, event_id="evt_money"))
    live = changes.pop("event_livemode", None)
    if live is not None:
        event["livemode"] = live
    event["data"]["object"].update(changes)
    return json.dumps(event).encode()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"amount": 4600}, "amount 4600"),
        ({"amount_received": 4600}, "amount_received 4600"),
        ({"amount_received": 0}, "amount_received 0"),
        ({"currency": "usd"}, "currency usd"),
        ({"livemode": True}, "livemode true"),
        ({"event_livemode": True}, "livemode true"),
    ],
)
def test_each_money_mismatch_is_flagged_alerted_and_not_applied(
    post_webhook, mailoutbox, django_capture_on_commit_callbacks, changes, problem
):
    order = OrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(_succeeded(order, **changes))
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert problem in order.payment_flag
    assert ProcessedEvent.objects.get().outcome == "amount_mismatch"
    assert not Invoice.objects.exists()
    [alert] = mailoutbox
    assert alert.to == ["ops@example.com"]
    assert order.number in alert.subject


def test_a_live_event_is_expected_with_a_live_key(post_webhook, settings):
    settings.STRIPE_SECRET_KEY = "sk_live_0123456789abcdef"
    order = OrderFactory()
    post_webhook(_succeeded(order, livemode=True, event_livemode=True))
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    other = OrderFactory()
    post_webhook(_succeeded(other).replace(b"evt_money", b"evt_test_mode"))
    assert "livemode false" in Order.objects.get(pk=other.pk).payment_flag


def _dispute(order, event_type, *, status, event_id) -> bytes:
    dispute = {
        "id": "dp_1",
        "object": "dispute",
        "amount": order.price_cents,
        "charge": "ch_1",
        "payment_intent": order.payment_intent_id,
        "reason": "fraudulent",
        "status": status,
    }
    return json.dumps({"id": event_id, "type": event_type, "data": {"object": dispute}}).encode()


@pytest.mark.parametrize(("closed", "outcome"), [("won", "won"), ("lost", "lost")])
def test_a_dispute_flags_the_order_and_alerts_the_admins(
    post_webhook, mailoutbox, django_capture_on_commit_callbacks, closed, outcome
):
    order = OrderFactory(paid=True)
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(
            _dispute(order, "charge.dispute.created", status="needs_response", event_id="evt_d1")
        )
    order.refresh_from_db()
    assert order.dispute_status == "open"
    assert order.status == Order.Status.PAID
    [mail] = mailoutbox
    assert "Litige ouvert" in mail.subject
    assert order.number in mail.subject
    post_webhook(_dispute(order, "charge.dispute.closed", status=closed, event_id="evt_d2"))
    order.refresh_from_db()
    assert order.dispute_status == outcome
    notes = list(order.events.values_list("note", flat=True))
    assert any(note.startswith("Litige ouvert") for note in notes)
    assert any(
        note.startswith(f"Litige clos : {'gagné' if outcome == 'won' else 'perdu'}")
        for note in notes
    )


def test_alerts_of_one_kind_go_out_once_an_hour(
    post_webhook, mailoutbox, django_capture_on_commit_callbacks
):
    orders = [OrderFactory(paid=True) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for number, order in enumerate(orders):
            post_webhook(
                _dispute(
                    order, "charge.dispute.created", status="needs_response", event_id=f"e{number}"
                )
            )
    assert Order.objects.filter(dispute_status="open").count() == 3
    assert len(mailoutbox) == 1
    assert Alert.objects.filter(kind="dispute").count() == 1
