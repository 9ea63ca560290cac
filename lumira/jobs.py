"""Recurring jobs (SPEC §11), enqueued by the worker on the periods of settings.SCHEDULED_JOBS.

Each job is a task, safe to run twice and safe to miss once: the next run catches up.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import mail_admins
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from operations.models import SentEmail
from operations.queue import queue_health
from operations.tasks import enqueue, send_once
from orders import services
from orders.models import Order
from payments.gateways import get_gateway
from payments.gateways.base import GatewayError
from sanctuaire import tasks as email_tasks
from sanctuaire.models import LoginToken

logger = logging.getLogger(__name__)

UNPAID_LIFETIME = timedelta(hours=24)
INTAKE_REMINDER_AFTER = timedelta(hours=24)
# Past this, a reminder would come too late to help: the job does not look further back.
INTAKE_REMINDER_WINDOW = timedelta(days=7)
FINISHED_TASKS_KEPT = timedelta(days=30)
# A sent e-mail's record only guards against a second send by a task run again: once no task
# that could send it is left (finished tasks go after 30 days, the intake reminder looks back a
# week), it can go, with a margin for the admins reading the log of what was sent.
SENT_EMAILS_KEPT = timedelta(days=90)


@task()
def expire_unpaid_orders() -> int:
    """Pending for 24 h: cancel the PaymentIntent, then the order fails with the French reason.

    An intent that succeeded meanwhile is left alone: its payment event will arrive.
    """
    cutoff = timezone.now() - UNPAID_LIFETIME
    expired = 0
    for order in Order.objects.filter(status=Order.Status.PENDING, created_at__lt=cutoff):
        if order.payment_intent_id:
            try:
                if not get_gateway().cancel_intent(order.payment_intent_id):
                    continue
            except GatewayError:
                logger.warning("order %s: intent not canceled, next run retries", order.number)
                continue
        if services.expire_unpaid(order):
            expired += 1
    return expired


@task()
def send_intake_reminders() -> int:
    """One reminder to each client who paid a day ago and has not filled the intake form."""
    now = timezone.now()
    candidates = Order.objects.filter(
        status__in=[Order.Status.PAID, Order.Status.PROCESSING],
        intake_submitted_at__isnull=True,
        anonymised_at__isnull=True,
        paid_at__lt=now - INTAKE_REMINDER_AFTER,
        paid_at__gte=now - INTAKE_REMINDER_WINDOW,
    ).values_list("pk", flat=True)
    # The task sends each reminder once (its SentEmail key), however often it is queued.
    sent_keys = set(
        SentEmail.objects.filter(key__startswith="intake_reminder:").values_list("key", flat=True)
    )
    queued = 0
    for order_id in candidates:
        if f"intake_reminder:{order_id}" not in sent_keys:
            enqueue(email_tasks.send_intake_reminder_email, order_id)
            queued += 1
    return queued


@task()
def purge_old_records() -> dict:
    """Expired login links, finished tasks older than 30 days and records of e-mails sent more
    than 90 days ago are deleted."""
    now = timezone.now()
    tokens, _detail = LoginToken.objects.filter(expires_at__lt=now).delete()
    finished, _detail = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=now - FINISHED_TASKS_KEPT,
    ).delete()
    emails, _detail = SentEmail.objects.filter(sent_at__lt=now - SENT_EMAILS_KEPT).delete()
    return {"login_tokens": tokens, "tasks": finished, "sent_emails": emails}


@task()
def check_queue_age() -> bool:
    """Alert the admins (at most once an hour) when the oldest ready task waits too long.

    Orders past their delivery promise are the scheduled checks' (ops.tasks.run_checks).
    """
    health = queue_health()
    if health["oldest_ready_seconds"] <= settings.TASK_QUEUE_ALERT_SECONDS:
        return False
    minutes = health["oldest_ready_seconds"] // 60
    return send_once(
        f"queue_alert:{timezone.now():%Y-%m-%dT%H}",
        "queue_alert",
        lambda: mail_admins(
            _("File de tâches en retard"),
            _(
                "La plus ancienne tâche prête attend depuis %(minutes)s min (%(ready)s prêtes, "
                "%(running)s en cours, %(failed)s en échec). Le worker tourne-t-il ?"
            )
            % {"minutes": minutes, **health},
            fail_silently=False,
        ),
    )
