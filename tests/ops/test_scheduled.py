"""The checks and the purge are scheduled tasks; the refund and alert e-mails are sent once."""

import pytest
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.module_loading import import_string

from billing.models import Refund
from ops.alerts import raise_alert, send_alert
from ops.models import Alert
from sanctuaire.tasks import send_refund_email
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["ops.tasks.run_checks", "ops.tasks.purge_photos"])
def test_the_checks_and_the_purge_are_scheduled_tasks(path):
    assert path in settings.SCHEDULED_JOBS
    result = import_string(path).enqueue()  # the immediate backend runs it here
    assert result.return_value is not None


def test_an_alert_task_run_twice_sends_one_mail(settings, mailoutbox):
    settings.ADMINS = [("Ops", "ops@example.com")]
    assert raise_alert("dispute", "Commande X : litige")
    alert = Alert.objects.get()
    send_alert.enqueue(alert.pk)  # a second run, as after a worker restart
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.endswith("[Alerte] Commande X : litige")


def test_an_alert_is_recorded_only_with_its_email_task(settings, task_queue, mailoutbox):
    """The queue refusing the task (a full disk, a lost connection) leaves no alert behind
    that nobody would be told of: the next check raises it again."""
    from django_tasks_db.models import DBTaskResult

    settings.ADMINS = [("Ops", "ops@example.com")]
    task_table = DBTaskResult._meta.db_table

    def refuse_tasks(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and task_table in sql:
            raise DatabaseError("the queue is unavailable")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_tasks), pytest.raises(DatabaseError):
        raise_alert("dispute", "Commande X : litige")
    assert not Alert.objects.exists()

    assert raise_alert("dispute", "Commande X : litige")
    assert DBTaskResult.objects.count() == 1
    task_queue()
    assert len(mailoutbox) == 1


def test_a_refund_email_task_run_twice_sends_one_mail(mailoutbox):
    order = OrderFactory(paid=True)
    refund = Refund.objects.create(order=order, amount_cents=500, status="succeeded", reason="x")
    send_refund_email.enqueue(refund.pk)
    send_refund_email.enqueue(refund.pk)
    assert [m.to for m in mailoutbox] == [[order.email]]
