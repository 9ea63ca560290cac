"""The recurring jobs (SPEC §11), each run with the clock frozen where it matters."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lumira import jobs
from operations.models import SentEmail
from operations.queue import run_due_jobs
from operations.tasks import send_once
from orders.models import Order
from payments.gateways import get_gateway
from payments.models import DemoIntent
from sanctuaire import tokens
from sanctuaire.models import LoginToken
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
S = Order.Status


def pending_order_with_intent(**fields) -> Order:
    order = OrderFactory(payment_intent_id="", **fields)
    intent = get_gateway().create_intent(order)
    Order.objects.filter(pk=order.pk).update(payment_intent_id=intent.id)
    order.refresh_from_db()
    return order


def test_an_order_unpaid_for_24_hours_fails_and_its_intent_is_canceled(time_machine):
    time_machine.move_to(timezone.now() - timedelta(hours=25), tick=False)
    stale = pending_order_with_intent()
    time_machine.shift(timedelta(hours=2))
    recent = pending_order_with_intent()  # 23 hours old when the job runs
    time_machine.shift(timedelta(hours=23))

    assert jobs.expire_unpaid_orders.call() == 1

    stale.refresh_from_db()
    assert stale.status == S.FAILED
    assert stale.failure_code == "expired"
    assert stale.failure_message == "Commande expirée : aucun paiement reçu sous 24 heures."
    assert stale.events.last().source == "schedule"
    assert DemoIntent.objects.get(intent_id=stale.payment_intent_id).status == "canceled"
    recent.refresh_from_db()
    assert recent.status == S.PENDING
    assert DemoIntent.objects.get(intent_id=recent.payment_intent_id).status != "canceled"
    assert jobs.expire_unpaid_orders.call() == 0  # run again: nothing more


def test_an_intent_that_succeeded_meanwhile_is_not_expired(time_machine):
    time_machine.move_to(timezone.now() - timedelta(hours=30), tick=False)
    order = pending_order_with_intent()
    DemoIntent.objects.filter(intent_id=order.payment_intent_id).update(status="succeeded")
    time_machine.shift(timedelta(hours=30))
    assert jobs.expire_unpaid_orders.call() == 0
    order.refresh_from_db()
    assert order.status == S.PENDING  # its success event is on its way


def test_expiry_cancels_the_intent_at_stripe(fake_stripe, time_machine):
    time_machine.move_to(timezone.now() - timedelta(hours=25), tick=False)
    order = pending_order_with_intent()
    time_machine.shift(timedelta(hours=25))
    assert jobs.expire_unpaid_orders.call() == 1
    assert fake_stripe.intents[order.payment_intent_id]["status"] == "canceled"
    order.refresh_from_db()
    assert order.status == S.FAILED


def test_the_intake_reminder_goes_once_a_day_after_payment(mailoutbox, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    waiting = OrderFactory(status=S.PAID, paid_at=now - timedelta(hours=25))
    OrderFactory(status=S.PAID, paid_at=now - timedelta(hours=2))  # too early
    OrderFactory(status=S.PAID, paid_at=now - timedelta(hours=30), intake_submitted_at=now)

    assert jobs.send_intake_reminders.call() == 1
    assert jobs.send_intake_reminders.call() == 0  # the next run: already sent
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [waiting.email]
    assert "Votre formulaire vous attend" in mailoutbox[0].subject
    assert f"/commande/{waiting.public_id}/formulaire/" in mailoutbox[0].body


def test_expired_login_tokens_and_old_finished_tasks_are_purged(task_queue, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    send_once("sent:old", "test", lambda: None)  # an e-mail sent 91 days ago
    time_machine.shift(timedelta(days=60))
    jobs.check_queue_age.enqueue()  # any task, left finished 31 days ago
    task_queue()
    time_machine.shift(timedelta(days=31))
    jobs.check_queue_age.enqueue()  # and one finished just now
    task_queue()
    send_once("sent:recent", "test", lambda: None)
    tokens.issue("old@example.com")
    time_machine.shift(tokens.LIFETIME + timedelta(minutes=1))
    tokens.issue("fresh@example.com")

    assert jobs.purge_old_records.call() == {"login_tokens": 1, "tasks": 1, "sent_emails": 1}
    assert list(LoginToken.objects.values_list("email", flat=True)) == ["fresh@example.com"]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    assert list(SentEmail.objects.values_list("key", flat=True)) == ["sent:recent"]


def test_admins_hear_of_a_queue_that_waits_more_than_15_minutes(settings, task_queue, time_machine):
    settings.ADMINS = [("Ops", "ops@example.com")]
    time_machine.move_to(timezone.now(), tick=False)
    jobs.purge_old_records.enqueue()  # waiting, no worker running
    time_machine.shift(timedelta(minutes=14))
    assert jobs.check_queue_age.call() is False
    time_machine.shift(timedelta(minutes=2))
    assert jobs.check_queue_age.call() is True
    assert jobs.check_queue_age.call() is False  # once an hour, not every 5 minutes
    assert [m.to for m in mail.outbox] == [["ops@example.com"]]
    assert "16 min" in mail.outbox[0].body


def test_each_job_is_queued_once_per_period_whatever_the_number_of_workers(
    settings, task_queue, time_machine
):
    settings.SCHEDULED_JOBS = {"lumira.jobs.purge_old_records": 3600}
    time_machine.move_to(timezone.now(), tick=False)
    assert run_due_jobs() == ["lumira.jobs.purge_old_records"]
    assert run_due_jobs() == []  # a second worker, the same minute
    time_machine.shift(timedelta(minutes=59))
    assert run_due_jobs() == []
    time_machine.shift(timedelta(minutes=2))
    assert run_due_jobs() == ["lumira.jobs.purge_old_records"]
    assert DBTaskResult.objects.filter(task_path="lumira.jobs.purge_old_records").count() == 2
