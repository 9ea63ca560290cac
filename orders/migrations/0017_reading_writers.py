"""Readings written before versions existed: whoever claimed the order counts as a writer, so
that the second look stays someone else's (SPEC §8.4)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Reading = apps.get_model("orders", "Reading")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    claims = OrderEvent.objects.filter(
        from_status="paid", to_status="processing", actor__isnull=False
    ).values_list("order_id", "actor_id")
    by_order = {}
    for order_id, actor_id in claims.iterator():
        by_order.setdefault(order_id, set()).add(actor_id)
    for reading in Reading.objects.filter(order_id__in=list(by_order)).iterator():
        reading.writers.add(*by_order[reading.order_id])


class Migration(migrations.Migration):
    dependencies = [("orders", "0016_reading_versions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
