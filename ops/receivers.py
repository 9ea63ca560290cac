"""The admins' alerts that answer an order's money events (orders/signals.py), recorded in the
transaction of the change that sent them (the e-mail is a task, see ops/alerts.py)."""

from django.dispatch import receiver

from ops import alerts
from orders.signals import dispute_changed, payment_failed, payment_flagged


@receiver(payment_failed)
def check_failure_rate(sender, order, **kwargs) -> None:
    alerts.check_payment_failures()


@receiver(payment_flagged)
def alert_money_mismatch(sender, order, reason, **kwargs) -> None:
    alerts.raise_alert(alerts.MONEY_MISMATCH, f"Commande {order.number} : {reason}"[:200], reason)


@receiver(dispute_changed)
def alert_dispute(sender, order, note, **kwargs) -> None:
    alerts.raise_alert(
        alerts.DISPUTE,
        f"Commande {order.number} : {note}"[:200],
        f"{note}\nCommande {order.number}, {order.amount_display}.",
    )
