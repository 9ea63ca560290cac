"""Refunds, invoices and credit notes (SPEC §5 partial refunds, §7 invoices).

An invoice is issued in the transaction that records a payment, a credit note in the one that
records a refund; both take the next number of their year from `DocumentSequence`, whose row
is locked for the rest of that transaction: numbers have no gaps and no duplicates.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Order, format_cents


class Refund(models.Model):
    """Money given back on an order, by an admin here or in Stripe's dashboard.

    An admin's refund is recorded `pending` before the gateway is called (its public id is the
    idempotency key and travels in the refund's metadata), and `succeeded` once the gateway or
    the `charge.refunded` event confirms it, whichever comes first.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En cours")
        SUCCEEDED = "succeeded", _("Effectué")
        FAILED = "failed", _("Échoué")

    public_id = models.UUIDField(
        _("identifiant public"), unique=True, editable=False, default=uuid.uuid4
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("commande")
    )
    amount_cents = models.PositiveIntegerField(_("montant (centimes)"))
    currency = models.CharField(_("devise"), max_length=3, default="eur")
    reason = models.CharField(_("motif"), max_length=255, blank=True)
    status = models.CharField(
        _("état"), max_length=16, choices=Status, default=Status.PENDING, db_index=True
    )
    error = models.CharField(_("erreur"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fait par"),
    )
    # "admin" (this site), "stripe" (a refund seen in a webhook: Stripe's dashboard), "demo".
    source = models.CharField(_("origine"), max_length=32, blank=True)
    stripe_refund_id = models.CharField(
        _("remboursement Stripe"), max_length=255, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now, db_index=True)
    succeeded_at = models.DateTimeField(_("effectué le"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("remboursement")
        verbose_name_plural = _("remboursements")

    def __str__(self) -> str:
        return f"{self.order.number}: {self.amount_display}"

    @property
    def amount_display(self) -> str:
        return format_cents(self.amount_cents, self.currency)


class DocumentSequence(models.Model):
    """The last number given to a kind of document in a year (one row per kind and year)."""

    kind = models.CharField(_("type"), max_length=16)
    year = models.PositiveSmallIntegerField(_("année"))
    last_number = models.PositiveIntegerField(_("dernier numéro"), default=0)

    class Meta:
        verbose_name = _("numérotation")
        verbose_name_plural = _("numérotations")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="document_sequence_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last_number}"


class Invoice(models.Model):
    """The invoice of a paid order. Its figures and parties are frozen when it is issued."""

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="invoice", verbose_name=_("commande")
    )
    public_id = models.UUIDField(
        _("identifiant public"), unique=True, editable=False, default=uuid.uuid4
    )
    number = models.CharField(_("numéro"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("année"))
    sequence = models.PositiveIntegerField(_("rang"))
    issued_at = models.DateTimeField(_("émise le"), default=timezone.now, db_index=True)
    amount_cents = models.PositiveIntegerField(_("montant TTC (centimes)"))
    currency = models.CharField(_("devise"), max_length=3, default="eur")
    description = models.CharField(_("désignation"), max_length=160)
    buyer_name = models.CharField(_("client"), max_length=160, blank=True)
    buyer_email = models.EmailField(_("e-mail du client"))
    seller = models.JSONField(_("vendeur"), default=dict)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_year_sequence")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_display(self) -> str:
        return format_cents(self.amount_cents, self.currency)


class CreditNote(models.Model):
    """The credit note (avoir) of one refund, against the order's invoice."""

    refund = models.OneToOneField(
        Refund,
        on_delete=models.PROTECT,
        related_name="credit_note",
        verbose_name=_("remboursement"),
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("facture")
    )
    public_id = models.UUIDField(
        _("identifiant public"), unique=True, editable=False, default=uuid.uuid4
    )
    number = models.CharField(_("numéro"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("année"))
    sequence = models.PositiveIntegerField(_("rang"))
    issued_at = models.DateTimeField(_("émis le"), default=timezone.now, db_index=True)
    amount_cents = models.PositiveIntegerField(_("montant TTC (centimes)"))
    currency = models.CharField(_("devise"), max_length=3, default="eur")
    reason = models.CharField(_("motif"), max_length=255, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("avoir")
        verbose_name_plural = _("avoirs")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="credit_note_year_sequence")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_display(self) -> str:
        return format_cents(self.amount_cents, self.currency)
