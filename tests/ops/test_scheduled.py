"""The checks and the purge are scheduled tasks; the refund and alert e-mails are sent once."""

import pytest
from django.conf import settings
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


def test_a_refund_email_task_run_twice_sends_one_mail(mailoutbox):
    order = OrderFactory(paid=True)
    refund = Refund.objects.create(order=order, amount_cents=500, status="succeeded", reason="x")
    send_refund_email.enqueue(refund.pk)
    send_refund_email.enqueue(refund.pk)
    assert [m.to for m in mailoutbox] == [[order.email]]
