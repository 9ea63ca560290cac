"""Exactly once under concurrency: the database's unique constraint decides, not process memory."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from orders.models import Order, OrderEvent
from payments.models import ProcessedEvent
from tests.conftest import postgres_only
from tests.factories import OrderFactory
from tests.payments.conftest import intent_event, sign

THREADS = 20


def _post_concurrently(body: bytes, signature: str) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(THREADS)
    statuses: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def deliver() -> None:
        try:
            client = Client()
            barrier.wait(timeout=10)
            response = client.post(
                "/api/payments/webhook",
                body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )
            with lock:
                statuses.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_same_event_from_twenty_threads_applies_once(webhook_secret):
    order = OrderFactory()
    body = intent_event(order, event_id="evt_concurrent")
    answers = _post_concurrently(body, sign(body))
    assert [status for status, _body in answers] == [200] * THREADS
    # One delivery applied it; the other nineteen waited on the event's unique row and rolled back.
    assert sorted(body.get("duplicate", False) for _status, body in answers) == [False] + [True] * (
        THREADS - 1
    )
    assert len(mail.outbox) == 1  # one "payment received" e-mail
    assert ProcessedEvent.objects.filter(event_id="evt_concurrent").count() == 1
    assert OrderEvent.objects.filter(order=order, to_status=Order.Status.PAID).count() == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_distinct_success_events_still_make_one_transition(webhook_secret):
    """Stripe may send several events for one payment: the row lock keeps one transition."""
    order = OrderFactory()
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []

    def deliver(n: int) -> None:
        try:
            body = intent_event(order, event_id=f"evt_distinct_{n}")
            barrier.wait(timeout=10)
            response = Client().post(
                "/api/payments/webhook",
                body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sign(body),
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * THREADS
    assert ProcessedEvent.objects.count() == THREADS
    assert OrderEvent.objects.filter(order=order, to_status=Order.Status.PAID).count() == 1
