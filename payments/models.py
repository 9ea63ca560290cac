"""The log of Stripe events we accepted: its unique id is what makes a webhook apply once."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProcessedEvent(models.Model):
    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Appliqué")
        IGNORED = "ignored", _("Ignoré")
        UNKNOWN_INTENT = "unknown_intent", _("PaymentIntent inconnu")
        AMOUNT_MISMATCH = "amount_mismatch", _("Montant ou devise différents")
        NO_CHANGE = "no_change", _("Sans effet")
        LEGACY = "legacy", _("Importé de l’ancien système")

    event_id = models.CharField(_("événement"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    payment_intent_id = models.CharField(
        _("PaymentIntent"), max_length=255, blank=True, db_index=True
    )
    outcome = models.CharField(_("résultat"), max_length=32, choices=Outcome, blank=True)
    detail = models.CharField(_("détail"), max_length=255, blank=True)
    livemode = models.BooleanField(_("mode réel"), default=False)
    processed_at = models.DateTimeField(_("traité le"), default=timezone.now)

    class Meta:
        ordering = ["-processed_at"]
        verbose_name = _("événement Stripe traité")
        verbose_name_plural = _("événements Stripe traités")

    def __str__(self) -> str:
        return f"{self.event_id} ({self.type})"


class DemoIntent(models.Model):
    """A PaymentIntent of the demo gateway: the state Stripe would keep for us (no network)."""

    intent_id = models.CharField(_("PaymentIntent"), max_length=64, unique=True)
    client_secret = models.CharField(_("secret client"), max_length=128)
    order_public_id = models.CharField(_("commande (identifiant public)"), max_length=36)
    amount = models.PositiveIntegerField(
        _("montant (centimes)"),
    )
    currency = models.CharField(_("devise"), max_length=3)
    status = models.CharField(_("statut"), max_length=40, default="requires_payment_method")
    last_error_code = models.CharField(_("dernier code d’erreur"), max_length=64, blank=True)
    last_decline_code = models.CharField(_("dernier motif de refus"), max_length=64, blank=True)
    amount_refunded = models.PositiveIntegerField(_("remboursé (centimes)"), default=0)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("paiement de démonstration")
        verbose_name_plural = _("paiements de démonstration")

    def __str__(self) -> str:
        return self.intent_id
