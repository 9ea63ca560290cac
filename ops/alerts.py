"""Alert e-mails to ADMINS (SPEC §7): at most one per kind and clock hour.

`raise_alert` records the alert and enqueues its e-mail task in the caller's transaction; a
second alert of the same kind in the same hour is dropped by the unique (kind, hour) key.
"""

import logging
from datetime import timedelta
from functools import partial

from django.core.mail import mail_admins
from django.db import IntegrityError, transaction
from django.utils import timezone

from operations.tasks import enqueue, retried_task, send_once
from ops.models import Alert

logger = logging.getLogger(__name__)

PAYMENT_FAILURE_RATE = "payment_failure_rate"
MONEY_MISMATCH = "money_mismatch"
DISPUTE = "dispute"
LATE_ORDERS = "late_orders"
WEBHOOK_FAILURE = "webhook_failure"

# Payment failures alert above this share of the last hour's attempts, from this many attempts.
FAILURE_RATE = 0.10
FAILURE_MIN_ATTEMPTS = 10


def raise_alert(kind: str, subject: str, message: str = "") -> bool:
    """Record an alert and queue its e-mail; False when one of this kind went out this hour
    already."""
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=kind, hour=hour, subject=subject[:200], message=message, created_at=now
            )
            # Its e-mail is queued with the record: both or neither, whenever a process dies.
            enqueue(send_alert, alert.pk)
    except IntegrityError:
        logger.info("alert %s already sent this hour", kind)
        return False
    logger.warning("alert %s: %s", kind, subject)
    return True


def _mail(alert_id: int) -> None:
    alert = Alert.objects.get(pk=alert_id)
    mail_admins(f"[Alerte] {alert.subject}", alert.message or alert.subject, fail_silently=False)


@retried_task(attempts=5, first_delay=timedelta(minutes=1))
def send_alert(alert_id: int) -> bool:
    """E-mail one recorded alert to ADMINS, once however often the task runs."""
    return send_once(f"alert:{alert_id}", "alert", partial(_mail, alert_id))


def check_payment_failures() -> bool:
    """Alert when more than 10 % of the last hour's payment attempts failed (≥ 10 attempts)."""
    from orders.models import Order, OrderEvent

    since = timezone.now() - timedelta(hours=1)
    events = OrderEvent.objects.filter(
        created_at__gte=since, to_status__in=[Order.Status.PAID, Order.Status.FAILED]
    ).exclude(from_status=Order.Status.REFUNDED)
    attempts = events.count()
    failures = events.filter(to_status=Order.Status.FAILED).count()
    if attempts < FAILURE_MIN_ATTEMPTS or failures <= attempts * FAILURE_RATE:
        return False
    return raise_alert(
        PAYMENT_FAILURE_RATE,
        f"Paiements : {failures} échecs sur {attempts} tentatives dans l’heure",
        f"{failures} paiements ont échoué sur {attempts} tentatives depuis {since:%H:%M} UTC.",
    )
