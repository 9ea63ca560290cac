"""A client e-mail queued under its old task path (orders.tasks) still goes out after the
migration that follows the move to sanctuaire.tasks."""

from importlib import import_module

import pytest
from django.apps import apps
from django_tasks_db.models import DBTaskResult

from orders.models import Order
from sanctuaire import tasks
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

migration = import_module("sanctuaire.migrations.0003_email_tasks_moved")


def test_a_task_queued_under_the_old_path_is_sent_after_the_migration(task_queue, mailoutbox):
    order = OrderFactory(status=Order.Status.COMPLETED)
    tasks.send_delivery_email.enqueue(order.pk)
    DBTaskResult.objects.update(task_path="orders.tasks.send_delivery_email")

    migration.forwards(apps, None)
    task_queue()

    assert DBTaskResult.objects.get().task_path == "sanctuaire.tasks.send_delivery_email"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert [message.to for message in mailoutbox] == [[order.email]]


def test_going_back_restores_the_old_path(task_queue):
    order = OrderFactory(status=Order.Status.PAID)
    tasks.send_intake_reminder_email.enqueue(order.pk)

    migration.backwards(apps, None)

    assert DBTaskResult.objects.get().task_path == "orders.tasks.send_intake_reminder_email"
