"""`make run`'s local accounts: a demo admin and a demo expert, with their logins printed."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from experts.models import Expert
from orders.models import Offer

ADMIN_EMAIL = "admin@lumira.local"
EXPERT_EMAIL = "expert@lumira.local"


def seed_demo_accounts() -> dict[str, str]:
    """Create (or reset) the local demo accounts; returns email → fresh password."""
    if not settings.DEBUG:
        raise CommandError("seed_demo only runs with DEBUG on: never in production.")
    User = get_user_model()
    logins = {}
    with transaction.atomic():
        admin, _ = User.objects.get_or_create(username=ADMIN_EMAIL, defaults={"email": ADMIN_EMAIL})
        admin.is_staff = admin.is_superuser = True
        logins[ADMIN_EMAIL] = secrets.token_urlsafe(9)
        admin.set_password(logins[ADMIN_EMAIL])
        admin.save()

        user, _ = User.objects.get_or_create(
            username=EXPERT_EMAIL, defaults={"email": EXPERT_EMAIL, "first_name": "Séléné"}
        )
        user.is_staff = True
        logins[EXPERT_EMAIL] = secrets.token_urlsafe(9)
        user.set_password(logins[EXPERT_EMAIL])
        user.save()
        Expert.objects.update_or_create(
            email=EXPERT_EMAIL,
            defaults={
                "user": user,
                "name": "Séléné (démo)",
                "specialties": ["tarot de Marseille", "astrologie"],
                "bio": (
                    "Vingt ans de tarot et d’astrologie ; elle lit ce qui se noue entre votre "
                    "histoire et le ciel de votre naissance."
                ),
                "slug": "selene-demo",
                "is_active": True,
            },
        )
    return logins


class Command(BaseCommand):
    help = "Create the local demo admin and expert (DEBUG only) and print their logins."

    def handle(self, *args, **options) -> None:
        logins = seed_demo_accounts()
        offers = Offer.objects.filter(is_active=True).count()
        house = Expert.house()
        self.stdout.write(f"Catalogue: {offers} offres actives; expert maison: {house}")
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration (local uniquement) :"))
        self.stdout.write(f"  admin  /admin/  {ADMIN_EMAIL}  mot de passe : {logins[ADMIN_EMAIL]}")
        self.stdout.write(
            f"  expert /desk/   {EXPERT_EMAIL}  mot de passe : {logins[EXPERT_EMAIL]}"
        )
