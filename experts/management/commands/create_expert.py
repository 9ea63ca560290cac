"""`manage.py create_expert EMAIL --name NAME [--password P]`: an account that enters /desk/."""

import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from experts.models import Expert


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "expert"
    slug, suffix = base, 2
    while Expert.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def create_expert(email: str, *, name: str, password: str) -> Expert:
    """A staff user (username = email) with an active Expert profile; refuses duplicates."""
    email = email.strip().lower()
    name = name.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise CommandError(f"Adresse e-mail invalide : {email!r}.") from None
    if not name:
        raise CommandError("Le nom de l’expert est obligatoire (--name).")
    if Expert.objects.filter(email=email).exists():
        raise CommandError(f"Un expert existe déjà avec l’adresse {email}.")
    User = get_user_model()
    user = User.objects.filter(username=email).first() or User(username=email, email=email)
    if user.pk and Expert.objects.filter(user=user).exists():
        raise CommandError(f"Le compte {email} a déjà un profil d’expert.")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise CommandError("Mot de passe refusé : " + " ".join(error.messages)) from None
    with transaction.atomic():
        user.email = email
        user.is_staff = True  # SPEC §8.1: experts are staff; the desk checks the profile
        user.is_active = True
        user.set_password(password)
        user.save()
        return Expert.objects.create(
            user=user, name=name, email=email, slug=_unique_slug(name), is_active=True
        )


class Command(BaseCommand):
    help = "Crée un compte expert pour le bureau /desk/ (mot de passe demandé si absent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="Nom affiché de l’expert")
        parser.add_argument("--password", help="Mot de passe (sinon demandé au terminal)")

    def handle(self, *args, **options) -> None:
        password = options["password"]
        if password is None:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Aucun mot de passe : passez --password ou lancez la commande dans un terminal."
                )
            password = getpass.getpass("Mot de passe : ")
            if password != getpass.getpass("Mot de passe (confirmation) : "):
                raise CommandError("Les deux mots de passe ne correspondent pas.")
        expert = create_expert(options["email"], name=options["name"], password=password)
        self.stdout.write(
            self.style.SUCCESS(f"Expert « {expert.name} » créé : {expert.email} → /desk/")
        )
