"""The webhook answers without waiting for the mail relay (SPEC §6.4, §11)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from operations.models import SentEmail
from orders.models import Order
from tests.factories import OrderFactory
from tests.operations.backends import FlakyBackend
from tests.payments.conftest import intent_event

pytestmark = pytest.mark.django_db


def timed_webhook(post_webhook, order, event_id):
    started = time.perf_counter()
    response = post_webhook(intent_event(order, event_id=event_id))
    return response, time.perf_counter() - started


@pytest.mark.parametrize(
    "backend",
    ["tests.operations.backends.SlowBackend", "tests.sanctuaire.helpers.BrokenBackend"],
)
def test_the_webhook_answers_as_fast_with_a_slow_or_broken_relay(
    post_webhook, settings, task_queue, backend
):
    settings.EMAIL_BACKEND = backend
    order = OrderFactory(payment_intent_id="pi_slow")
    response, seconds = timed_webhook(post_webhook, order, "evt_slow")
    assert response.status_code == 200
    assert seconds < 1.0  # the relay sleeps 5 s or raises: neither is in the request
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert DBTaskResult.objects.get().task_path == "sanctuaire.tasks.send_payment_received_email"


def test_a_relay_failing_three_times_delivers_on_the_fourth_attempt_once(
    post_webhook, settings, task_queue, mailoutbox, time_machine
):
    settings.EMAIL_BACKEND = "tests.operations.backends.FlakyBackend"
    FlakyBackend.failures_left, FlakyBackend.attempts = 3, 0
    order = OrderFactory(payment_intent_id="pi_flaky")
    assert post_webhook(intent_event(order, event_id="evt_flaky")).status_code == 200
    # A replay of the same event queues nothing more.
    assert post_webhook(intent_event(order, event_id="evt_flaky")).json()["duplicate"] is True

    time_machine.move_to(timezone.now(), tick=False)
    task_queue()  # attempt 1 fails: attempt 2 waits a minute
    assert FlakyBackend.attempts == 1
    task_queue()  # nothing is due yet
    assert FlakyBackend.attempts == 1
    for minutes in (1, 2, 4):  # attempts 2, 3 and 4, each after its backoff
        time_machine.shift(timedelta(minutes=minutes, seconds=1))
        task_queue()
    assert FlakyBackend.attempts == 4
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [order.email]
    assert SentEmail.objects.get().key == f"payment_received:{order.pk}"
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 0

    # However often the task runs again, the e-mail is not sent twice.
    from sanctuaire.tasks import send_payment_received_email

    send_payment_received_email.enqueue(order.pk)
    task_queue()
    assert len(mailoutbox) == 1
