"""The catalogue's delivery promises (SPEC §4): 72, 72, 48 and 48 hours by level."""

from django.db import migrations

PROMISES = {"initie": 72, "mystique": 72, "profond": 48, "integrale": 48}


def set_promises(apps, schema_editor):
    Offer = apps.get_model("orders", "Offer")
    for slug, hours in PROMISES.items():
        Offer.objects.filter(slug=slug).update(delivery_hours=hours)


class Migration(migrations.Migration):
    dependencies = [("orders", "0009_offer_delivery_hours")]
    operations = [migrations.RunPython(set_promises, migrations.RunPython.noop)]
