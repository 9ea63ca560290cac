"""The client area's own records: magic-link tokens, login requests, profiles, deletion requests."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginToken(models.Model):
    """One magic link. Only the SHA-256 of its secret is kept: a database leak opens nothing."""

    email = models.EmailField(_("e-mail"), db_index=True)
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    next_url = models.CharField(_("page demandée"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(
        _("expire le"),
    )
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lien de connexion")
        verbose_name_plural = _("liens de connexion")

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d %H:%M})"


class LoginRequest(models.Model):
    """A login-link request, kept a day to rate-limit per email and per address (in the
    database, so the limit holds across processes and app servers)."""

    email_hash = models.CharField(_("empreinte de l’e-mail"), max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande de lien")
        verbose_name_plural = _("demandes de lien")

    def __str__(self) -> str:
        return f"{self.ip_address} {self.created_at:%Y-%m-%d %H:%M}"


class ClientProfile(models.Model):
    """What `auth.User` lacks for a client: the date of birth (SPEC §9 profile)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="client_profile",
    )
    date_of_birth = models.DateField(_("date de naissance"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("profil client")
        verbose_name_plural = _("profils clients")

    def __str__(self) -> str:
        return str(self.user)


class DeletionRequest(models.Model):
    """A client asked us to erase their personal data; an admin action carries it out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deletion_requests",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    processed_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traitée par"),
    )
    # What was erased (counts only), for the record once the email is gone.
    report = models.CharField(_("bilan"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande de suppression")
        verbose_name_plural = _("demandes de suppression")

    def __str__(self) -> str:
        return self.email or f"#{self.pk}"
