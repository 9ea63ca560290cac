"""Periodic checks that alert the admins (SPEC §7). Each may run as often as one likes: an
alert of a kind goes out at most once an hour (ops.alerts)."""

from django.utils import timezone

from ops import alerts
from orders.models import late_orders


def check_late_orders(now=None) -> bool:
    late = list(late_orders(now).values_list("number", flat=True)[:20])
    if not late:
        return False
    count = late_orders(now).count()
    return alerts.raise_alert(
        alerts.LATE_ORDERS,
        f"{count} commande(s) en retard sur la promesse de livraison",
        "Commandes payées depuis plus longtemps que promis et non livrées :\n"
        + "\n".join(late)
        + (f"\n… et {count - len(late)} autres." if count > len(late) else ""),
    )


def run_checks(now=None) -> list[str]:
    """Every periodic check; returns the kinds that alerted now."""
    now = now or timezone.now()
    raised = []
    if check_late_orders(now):
        raised.append(alerts.LATE_ORDERS)
    if alerts.check_payment_failures():
        raised.append(alerts.PAYMENT_FAILURE_RATE)
    return raised
