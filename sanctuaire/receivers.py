"""The e-mails and notices that answer an order's events (orders/signals.py) and a refund's
(billing/signals.py), enqueued in the transaction of the change that sent them."""

import uuid

from django.dispatch import receiver

from billing.signals import refund_succeeded
from operations.tasks import enqueue
from orders import notices
from orders.models import Notice
from orders.signals import (
    order_paid,
    order_taken_back,
    reading_delivered,
    reading_rejected,
    reserved_order_ready,
)
from sanctuaire import tasks


@receiver(order_paid)
def email_payment_received(sender, order, **kwargs) -> None:
    enqueue(tasks.send_payment_received_email, order.pk)
    if notices.wants_whatsapp(order):
        enqueue(tasks.send_whatsapp_notice, order.pk, Notice.Kind.PAYMENT)


@receiver(reading_delivered)
def email_delivery(sender, order, **kwargs) -> None:
    enqueue(tasks.send_delivery_email, order.pk)
    if notices.wants_whatsapp(order):
        enqueue(tasks.send_whatsapp_notice, order.pk, Notice.Kind.DELIVERY)


@receiver(refund_succeeded)
def email_refund(sender, order, refund, **kwargs) -> None:
    enqueue(tasks.send_refund_email, refund.pk)


@receiver(reserved_order_ready)
def email_chosen_expert(sender, order, **kwargs) -> None:
    enqueue(tasks.send_expert_order_ready_email, order.pk)


@receiver(reading_rejected)
def email_rejected_author(sender, order, revision, **kwargs) -> None:
    enqueue(tasks.send_expert_rejection_email, order.pk, revision)


@receiver(order_taken_back)
def email_expert_taken_back(sender, order, expert, **kwargs) -> None:
    enqueue(tasks.send_expert_taken_back_email, order.pk, expert.pk, uuid.uuid4().hex)
