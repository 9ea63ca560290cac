"""The client e-mails that answer an order's events (orders/signals.py), enqueued in the
transaction of the change that sent them."""

from django.dispatch import receiver

from operations.tasks import enqueue
from orders.signals import order_paid, reading_delivered, refund_succeeded
from sanctuaire import tasks


@receiver(order_paid)
def email_payment_received(sender, order, **kwargs) -> None:
    enqueue(tasks.send_payment_received_email, order.pk)


@receiver(reading_delivered)
def email_delivery(sender, order, **kwargs) -> None:
    enqueue(tasks.send_delivery_email, order.pk)


@receiver(refund_succeeded)
def email_refund(sender, order, refund, **kwargs) -> None:
    enqueue(tasks.send_refund_email, refund.pk)
