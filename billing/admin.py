"""Invoices, credit notes and refunds are records of money: read-only in the admin."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from billing.models import CreditNote, Invoice, Refund
from lumira.admin import ReadOnlyAdmin


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "issued_at", "order", "buyer_name", "amount", "pdf"]
    list_filter = ["year", ("issued_at", admin.DateFieldListFilter)]
    search_fields = ["number", "order__number", "buyer_email", "buyer_name"]
    list_select_related = ["order"]
    date_hierarchy = "issued_at"

    @admin.display(description=_("montant TTC"), ordering="amount_cents")
    def amount(self, invoice: Invoice) -> str:
        return invoice.amount_display

    @admin.display(description=_("PDF"))
    def pdf(self, invoice: Invoice) -> str:
        url = reverse("billing:admin_invoice", args=[invoice.public_id])
        return format_html('<a href="{}">{}</a>', url, _("Télécharger"))


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    list_display = ["number", "issued_at", "invoice", "amount", "reason", "pdf"]
    list_filter = ["year", ("issued_at", admin.DateFieldListFilter)]
    search_fields = ["number", "invoice__number", "invoice__order__number"]
    list_select_related = ["invoice"]

    @admin.display(description=_("montant TTC"), ordering="amount_cents")
    def amount(self, note: CreditNote) -> str:
        return note.amount_display

    @admin.display(description=_("PDF"))
    def pdf(self, note: CreditNote) -> str:
        url = reverse("billing:admin_credit_note", args=[note.public_id])
        return format_html('<a href="{}">{}</a>', url, _("Télécharger"))


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "order", "amount", "reason", "actor", "source", "status"]
    list_filter = ["status", "source", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["order__number", "stripe_refund_id", "reason"]
    list_select_related = ["order", "actor"]

    @admin.display(description=_("montant"), ordering="amount_cents")
    def amount(self, refund: Refund) -> str:
        return refund.amount_display
