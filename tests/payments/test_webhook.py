import json
import time

import pytest

from orders.models import Order, OrderEvent
from payments.models import ProcessedEvent
from tests.factories import OrderFactory
from tests.payments.conftest import intent_event, sign

pytestmark = pytest.mark.django_db


def _paid_events(order) -> int:
    return OrderEvent.objects.filter(order=order, to_status=Order.Status.PAID).count()


def test_signed_success_marks_the_order_paid_once(
    post_webhook, mailoutbox, django_capture_on_commit_callbacks
):
    order = OrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(intent_event(order))
    assert response.status_code == 200
    assert response.json() == {"received": True}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.paid_at is not None
    assert ProcessedEvent.objects.get(event_id="evt_1").outcome == "applied"
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(
            lambda body: sign(body, secret="whsec_wrong_secret_123456"), id="wrong-secret"
        ),
        pytest.param(lambda body: sign(body + b" "), id="tampered-body"),
        pytest.param(lambda body: sign(body, timestamp=int(time.time()) - 3600), id="too-old"),
        pytest.param(
            lambda body: sign(body, timestamp=int(time.time()) + 3600), id="from-the-future"
        ),
        pytest.param(lambda body: "t=1,v1=", id="garbage"),
        pytest.param(lambda body: "", id="empty"),
        pytest.param(lambda body: None, id="missing"),
    ],
)
def test_bad_signatures_are_refused_without_any_change(post_webhook, signature):
    order = OrderFactory()
    body = intent_event(order)
    response = post_webhook(body, signature(body))
    assert response.status_code == 400
    assert set(response.json()) == {"error", "code"}
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert not ProcessedEvent.objects.exists()


def test_tampered_amount_with_the_original_signature_is_refused(post_webhook):
    order = OrderFactory()
    body = intent_event(order)
    forged = body.replace(b'"amount": 4700', b'"amount": 1')
    assert forged != body
    response = post_webhook(forged, sign(body))
    assert response.status_code == 400
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


def test_replayed_event_is_a_duplicate_and_applies_once(post_webhook):
    order = OrderFactory()
    body = intent_event(order)
    first, second = post_webhook(body), post_webhook(body)
    assert first.json() == {"received": True}
    assert second.status_code == 200
    assert second.json() == {"received": True, "duplicate": True}
    assert ProcessedEvent.objects.count() == 1
    assert _paid_events(order) == 1


def test_a_replay_changes_nothing_even_where_its_handler_would(post_webhook):
    """The handler runs before the event's record is written: a replay's effects roll back."""
    order = OrderFactory()

    def declined(event_id: str, decline_code: str) -> bytes:
        error = {"code": "card_declined", "decline_code": decline_code}
        return intent_event(order, "payment_intent.payment_failed", event_id=event_id, error=error)

    post_webhook(declined("evt_first", "insufficient_funds"))
    post_webhook(declined("evt_second", "expired_card"))
    replay = post_webhook(declined("evt_first", "insufficient_funds"))
    assert replay.json() == {"received": True, "duplicate": True}
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert order.failure_code == "expired_card"  # not rewritten by the replay
    assert ProcessedEvent.objects.filter(event_id="evt_first").count() == 1


def test_two_different_success_events_still_make_one_transition(post_webhook):
    order = OrderFactory()
    post_webhook(intent_event(order, event_id="evt_a"))
    response = post_webhook(intent_event(order, event_id="evt_b"))
    assert response.json() == {"received": True}
    assert _paid_events(order) == 1
    assert ProcessedEvent.objects.get(event_id="evt_b").outcome == "no_change"


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(100, None), (4701, None), (None, "usd")],
    ids=["less", "more", "currency"],
)
def test_amount_or_currency_mismatch_is_flagged_not_applied(post_webhook, amount, currency):
    order = OrderFactory()
    response = post_webhook(intent_event(order, amount=amount, currency=currency))
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert "non appliqué" in order.payment_flag
    assert ProcessedEvent.objects.get().outcome == "amount_mismatch"


def test_unknown_payment_intent_is_recorded_and_acknowledged(post_webhook):
    order = OrderFactory.build(payment_intent_id="pi_nobody_knows")
    response = post_webhook(intent_event(order))
    assert response.status_code == 200
    event = ProcessedEvent.objects.get()
    assert event.outcome == "unknown_intent"
    assert event.payment_intent_id == "pi_nobody_knows"


def test_late_failure_leaves_a_paid_order_paid(post_webhook):
    order = OrderFactory()
    post_webhook(intent_event(order, event_id="evt_ok"))
    late = intent_event(
        order,
        "payment_intent.payment_failed",
        event_id="evt_late",
        error={"code": "card_declined", "decline_code": "generic_decline"},
    )
    assert post_webhook(late).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.failure_code == ""


def test_failure_then_retry_success_on_the_same_intent(post_webhook):
    order = OrderFactory()
    failed = intent_event(
        order,
        "payment_intent.payment_failed",
        event_id="evt_f",
        error={"code": "card_declined", "decline_code": "insufficient_funds"},
    )
    post_webhook(failed)
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert order.failure_code == "insufficient_funds"
    assert (
        order.failure_message
        == "Fonds insuffisants sur votre compte. Veuillez vérifier votre solde."
    )
    post_webhook(intent_event(order, event_id="evt_s"))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert list(order.events.values_list("to_status", flat=True)) == ["failed", "paid"]


def test_canceled_intent_fails_the_order(post_webhook):
    order = OrderFactory()
    post_webhook(intent_event(order, "payment_intent.canceled"))
    assert Order.objects.get(pk=order.pk).status == Order.Status.FAILED


def _charge_event(order, *, refunded=True, amount_refunded=None, event_id="evt_refund") -> bytes:
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": order.price_cents,
        "amount_refunded": order.price_cents if amount_refunded is None else amount_refunded,
        "refunded": refunded,
        "payment_intent": order.payment_intent_id,
        "currency": "eur",
    }
    return json.dumps(
        {"id": event_id, "type": "charge.refunded", "data": {"object": charge}}
    ).encode()


def test_full_refund_moves_a_paid_order_to_refunded(post_webhook):
    order = OrderFactory(paid=True)
    assert post_webhook(_charge_event(order)).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_at is not None


def test_partial_refund_changes_nothing(post_webhook):
    order = OrderFactory(paid=True)
    post_webhook(_charge_event(order, refunded=False, amount_refunded=1000))
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe\x00not utf-8",
        b"not json at all",
        b"[]",
        b"null",
        b'"a string"',
        b'{"id": "evt_x", "type": "payment_intent.succeeded"}',
        b'{"id": "evt_x", "type": "payment_intent.succeeded", "data": {"object": null}}',
        b'{"id": "evt_x", "type": "payment_intent.succeeded", "data": {"object": {"amount": 1}}}',
        b'{"id": 12, "type": "payment_intent.succeeded", "data": {"object": {"id": "pi"}}}',
        b'{"id": "evt_x", "type": "payment_intent.succeeded", "data": []}',
        b"[" * 50000 + b"]" * 50000,
    ],
)
def test_any_malformed_but_signed_body_is_a_400(post_webhook, body):
    response = post_webhook(body)
    assert response.status_code == 400
    not_json = body.startswith((b"\xff", b"not json", b"[["))
    assert response.json()["code"] == ("INVALID_JSON" if not_json else "INVALID_EVENT")
    assert not ProcessedEvent.objects.exists()


def test_body_over_one_megabyte_is_refused(post_webhook):
    body = b'{"pad": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = post_webhook(body)
    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"


def test_unhandled_event_type_is_recorded_as_ignored(post_webhook):
    body = json.dumps(
        {"id": "evt_other", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    ).encode()
    assert post_webhook(body).json() == {"received": True}
    assert ProcessedEvent.objects.get().outcome == "ignored"


def test_get_is_not_allowed(client):
    assert client.get("/api/payments/webhook").status_code == 405


def test_an_intent_we_never_stored_is_matched_by_its_order_metadata(post_webhook):
    order = OrderFactory(payment_intent_id=None)
    order.payment_intent_id = "pi_created_then_crashed"
    post_webhook(intent_event(order))
    order.refresh_from_db()
    assert order.payment_intent_id == "pi_created_then_crashed"
    assert order.status == Order.Status.PAID


def test_metadata_never_reassigns_an_order_that_has_another_intent(post_webhook):
    order = OrderFactory(payment_intent_id="pi_the_real_one")
    order.payment_intent_id = "pi_someone_elses"
    post_webhook(intent_event(order))
    order.refresh_from_db()
    assert order.payment_intent_id == "pi_the_real_one"
    assert order.status == Order.Status.PENDING
    assert ProcessedEvent.objects.get().outcome == "unknown_intent"


def test_a_new_success_event_for_a_paid_order_locks_nothing(
    post_webhook, django_assert_num_queries
):
    """Stripe redelivers, and confirm-payment often got there first: no row lock is needed."""
    order = OrderFactory()
    post_webhook(intent_event(order, event_id="evt_paid"))
    # The order, then the event's record: no SELECT … FOR UPDATE, no UPDATE. (Inside the
    # test's own transaction the record goes in a savepoint: 2 more statements.)
    with django_assert_num_queries(4) as captured:
        response = post_webhook(intent_event(order, event_id="evt_again"))
    assert response.json() == {"received": True}
    assert not any("FOR UPDATE" in query["sql"] for query in captured.captured_queries)
    assert ProcessedEvent.objects.get(event_id="evt_again").outcome == "no_change"


@pytest.mark.django_db(transaction=True)
def test_an_event_that_changes_nothing_is_two_statements_and_no_transaction(
    post_webhook, django_assert_num_queries
):
    """As served (autocommit): the order's row, then the record's insert, nothing around them."""
    order = OrderFactory()
    post_webhook(intent_event(order, event_id="evt_paid"))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    with django_assert_num_queries(2) as captured:
        response = post_webhook(intent_event(order, event_id="evt_again"))
    assert response.json() == {"received": True}
    statements = [query["sql"].split()[0].upper() for query in captured.captured_queries]
    assert statements == ["SELECT", "INSERT"]
    # The same event again: the unique event_id turns it away, and the connection stays usable.
    with django_assert_num_queries(2):
        response = post_webhook(intent_event(order, event_id="evt_again"))
    assert response.json() == {"received": True, "duplicate": True}
    assert ProcessedEvent.objects.filter(event_id="evt_again").count() == 1
    assert OrderEvent.objects.filter(order=order).count() == 1
