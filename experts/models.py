"""Experts: the people (and the house persona) who produce readings (SPEC §8)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HOUSE_EXPERT_SLUG = "expert-lumira"


class Expert(models.Model):
    public_id = models.UUIDField(
        _("identifiant public"), default=uuid.uuid4, unique=True, editable=False
    )
    slug = models.SlugField(_("identifiant"), unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
    )
    name = models.CharField(_("nom"), max_length=120)
    email = models.EmailField(_("e-mail"), unique=True)
    specialties = models.JSONField(_("spécialités"), default=list, blank=True)
    bio = models.TextField(_("présentation"), max_length=600, blank=True)
    rating = models.DecimalField(_("note"), max_digits=3, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    # The default choice in the tunnel ("Expert Lumira").
    is_house = models.BooleanField(_("expert maison"), default=False)
    last_login_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True)
    legacy_id = models.CharField(
        _("identifiant d’origine (MongoDB)"),
        max_length=24,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # Read with the offers' by the shop's public pages to know when what they show changed
    # (shop/catalogue.py).
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["-is_house", "name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        """Up to two letters for the drawn avatar: "Séléné (démo)" → "S", "Expert Lumira" → "EL"."""
        words = [word for word in self.name.split() if word[:1].isalpha()]
        return "".join(word[0] for word in words[:2]).upper() or "?"

    @property
    def avatar_hue(self) -> int:
        """A colour of its own for each expert's avatar, stable across processes."""
        return sum(self.slug.encode()) * 47 % 360

    @classmethod
    def house(cls) -> "Expert | None":
        return cls.objects.filter(is_house=True, is_active=True).order_by("pk").first()


class GenerationCallback(models.Model):
    """A generator callback that was applied, keyed by its signature: a replay is a no-op."""

    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("commande"),
        on_delete=models.CASCADE,
        related_name="generation_callbacks",
    )
    signature = models.CharField(_("signature"), max_length=128, unique=True)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("retour du générateur")
        verbose_name_plural = _("retours du générateur")

    def __str__(self) -> str:
        return f"{self.order_id} @ {self.received_at:%Y-%m-%d %H:%M:%S}"
