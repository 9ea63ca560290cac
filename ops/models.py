"""Alerts sent to the admins (at most one per kind and hour) and failed password logins."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Alert(models.Model):
    """One alert e-mail to ADMINS. The unique (kind, hour) lets the database refuse a second
    alert of the same kind within the same clock hour, whichever process raises it."""

    kind = models.CharField(_("type"), max_length=40)
    hour = models.DateTimeField(_("heure"))
    subject = models.CharField(_("objet"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        constraints = [models.UniqueConstraint(fields=["kind", "hour"], name="alert_kind_hour")]

    def __str__(self) -> str:
        return f"{self.kind} {self.hour:%Y-%m-%d %H:00}"


class LoginFailure(models.Model):
    """A wrong password at the desk or admin login, by account and client address."""

    username = models.CharField(_("identifiant"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("adresse"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("échec de connexion")
        verbose_name_plural = _("échecs de connexion")

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip_address}"
