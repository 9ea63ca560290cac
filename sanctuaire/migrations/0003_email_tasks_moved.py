"""The client e-mail tasks moved from orders/tasks.py to sanctuaire/tasks.py: point the rows
already in the database queue (waiting, or failed and awaiting "retry now") at their new path,
so a task enqueued before the deploy still runs after it."""

from django.db import migrations

MOVED = [
    "send_payment_received_email",
    "send_delivery_email",
    "send_intake_reminder_email",
    "send_sanctuaire_access_email",
    "send_refund_email",
]


def _repoint(apps, old: str, new: str) -> None:
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for name in MOVED:
        DBTaskResult.objects.filter(task_path=f"{old}.{name}").update(task_path=f"{new}.{name}")


def forwards(apps, schema_editor):
    _repoint(apps, "orders.tasks", "sanctuaire.tasks")


def backwards(apps, schema_editor):
    _repoint(apps, "sanctuaire.tasks", "orders.tasks")


class Migration(migrations.Migration):
    dependencies = [
        ("sanctuaire", "0002_french_names"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
