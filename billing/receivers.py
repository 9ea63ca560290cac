"""billing's part of an order's events (orders/signals.py), in the transaction of the change."""

from django.dispatch import receiver

from billing import services
from orders.signals import payment_recorded


@receiver(payment_recorded)
def number_the_invoice(sender, order, **kwargs) -> None:
    # In the payment's transaction: a payment rolled back gives its number back.
    services.issue_invoice(order)
