"""The house expert, "Expert Lumira": the tunnel's default choice (SPEC §6.1)."""

from django.db import migrations


def create_house_expert(apps, schema_editor):
    Expert = apps.get_model("experts", "Expert")
    Expert.objects.update_or_create(
        slug="expert-lumira",
        defaults={
            "name": "Expert Lumira",
            "email": "expert@oraclelumira.com",
            "is_house": True,
            "is_active": True,
            "specialties": ["tarot", "astrologie", "numérologie"],
        },
    )


def remove_house_expert(apps, schema_editor):
    apps.get_model("experts", "Expert").objects.filter(slug="expert-lumira").delete()


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial")]
    operations = [migrations.RunPython(create_house_expert, remove_house_expert)]
