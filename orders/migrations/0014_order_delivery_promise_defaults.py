"""SPEC §4: the orders already paid get the delivery promise of their level (72, 72, 48, 48
hours, as the offers since 0010) and the date it falls on."""

from datetime import timedelta

from django.db import migrations
from django.db.models import F

PROMISES = {1: 72, 2: 72, 3: 48, 4: 48}


def forwards(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    for level, hours in PROMISES.items():
        Order.objects.filter(level=level).update(delivery_hours=hours)
        Order.objects.filter(level=level, paid_at__isnull=False).update(
            due_at=F("paid_at") + timedelta(hours=hours)
        )


class Migration(migrations.Migration):
    dependencies = [("orders", "0013_order_delivery_promise")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
