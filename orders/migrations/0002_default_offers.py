"""The four default offers of SPEC §4 (admin-editable afterwards)."""

from django.db import migrations

OFFERS = [
    {
        "level": 1, "slug": "initie", "name": "Niveau Initié", "level_name": "Simple",
        "service": "basic", "price_cents": 2900, "duration_minutes": 30,
        "features": ["Lecture spirituelle personnalisée", "Votre archétype dominant",
                     "Accès à votre Sanctuaire"],
    },
    {
        "level": 2, "slug": "mystique", "name": "Niveau Mystique", "level_name": "Intuitive",
        "service": "advanced", "price_cents": 4700, "duration_minutes": 45,
        "features": ["Tout le niveau Initié", "Un rituel personnalisé",
                     "Lecture intuitive approfondie"],
    },
    {
        "level": 3, "slug": "profond", "name": "Niveau Profond", "level_name": "Alchimique",
        "service": "premium", "price_cents": 7900, "duration_minutes": 60,
        "features": ["Tout le niveau Mystique", "Analyse de vos blocages",
                     "Lecture audio enregistrée"],
    },
    {
        "level": 4, "slug": "integrale", "name": "Niveau Intégrale", "level_name": "Intégrale",
        "service": "vip", "price_cents": 14900, "duration_minutes": 120,
        "features": ["Tout le niveau Profond", "Votre profil d’âme", "Mandala personnel",
                     "Synthèse PDF à conserver"],
    },
]


def create_offers(apps, schema_editor):
    Offer = apps.get_model("orders", "Offer")
    for sort_order, data in enumerate(OFFERS, start=1):
        Offer.objects.update_or_create(
            slug=data["slug"], defaults={**data, "currency": "eur", "sort_order": sort_order}
        )


def remove_offers(apps, schema_editor):
    apps.get_model("orders", "Offer").objects.filter(slug__in=[o["slug"] for o in OFFERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(create_offers, remove_offers)]
