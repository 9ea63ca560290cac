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
# A second expert, so that the whole flow can be tried locally: an expert never validates a
# reading they wrote (SPEC §8.4).
VALIDATOR_EMAIL = "expert2@lumira.local"
DEMO_EXPERTS = {
    EXPERT_EMAIL: {
        "first_name": "Séléné",
        "name": "Séléné (démo)",
        "specialties": ["tarot de Marseille", "astrologie"],
        "bio": (
            "Vingt ans de tarot et d’astrologie ; elle lit ce qui se noue entre votre "
            "histoire et le ciel de votre naissance."
        ),
        "slug": "selene-demo",
    },
    VALIDATOR_EMAIL: {
        "first_name": "Orion",
        "name": "Orion (démo)",
        "specialties": ["numérologie", "oracle"],
        "bio": "Il cherche dans les nombres de votre naissance le fil de ce qui revient.",
        "slug": "orion-demo",
    },
}


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

        for email, profile in DEMO_EXPERTS.items():
            user, _ = User.objects.get_or_create(
                username=email, defaults={"email": email, "first_name": profile["first_name"]}
            )
            user.is_staff = True
            logins[email] = secrets.token_urlsafe(9)
            user.set_password(logins[email])
            user.save()
            fields = {key: value for key, value in profile.items() if key != "first_name"}
            Expert.objects.update_or_create(
                email=email, defaults={"user": user, "is_active": True, **fields}
            )
    return logins


class Command(BaseCommand):
    help = "Create the local demo admin and experts (DEBUG only) and print their logins."

    def handle(self, *args, **options) -> None:
        logins = seed_demo_accounts()
        offers = Offer.objects.filter(is_active=True).count()
        house = Expert.house()
        self.stdout.write(f"Catalogue: {offers} offres actives; expert maison: {house}")
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration (local uniquement) :"))
        self.stdout.write(f"  admin  /admin/  {ADMIN_EMAIL}  mot de passe : {logins[ADMIN_EMAIL]}")
        for email in DEMO_EXPERTS:
            self.stdout.write(f"  expert /desk/   {email}  mot de passe : {logins[email]}")
        self.stdout.write(
            "  (un expert ne valide jamais sa propre lecture : le second relit celle du premier)"
        )
