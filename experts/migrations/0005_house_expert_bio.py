"""A short presentation of the house expert, shown on the landing page."""

from django.db import migrations

BIO = (
    "L’équipe d’Oracle Lumira : des lecteurs formés au tarot, à l’astrologie et à la "
    "numérologie, qui croisent ces trois regards pour chaque lecture."
)


def set_bio(apps, schema_editor):
    apps.get_model("experts", "Expert").objects.filter(slug="expert-lumira", bio="").update(bio=BIO)


class Migration(migrations.Migration):
    dependencies = [("experts", "0004_expert_bio")]
    operations = [migrations.RunPython(set_bio, migrations.RunPython.noop)]
