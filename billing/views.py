"""Invoice and credit note downloads for staff, and the accountant's export (a client downloads
their own from the Sanctuaire)."""

import csv
import uuid
from datetime import datetime, time, timedelta

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from billing.forms import PeriodForm
from billing.models import CreditNote, Invoice


@staff_member_required
@require_GET
def admin_invoice(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    invoice = Invoice.objects.select_related("order").filter(public_id=public_id).first()
    if invoice is None:
        raise Http404
    from billing.pdf import invoice_pdf, pdf_download  # fpdf loads on first use

    return pdf_download(invoice_pdf(invoice), invoice.number)


@staff_member_required
@require_GET
def admin_credit_note(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    note = CreditNote.objects.select_related("invoice__order").filter(public_id=public_id).first()
    if note is None:
        raise Http404
    from billing.pdf import credit_note_pdf, pdf_download  # fpdf loads on first use

    return pdf_download(credit_note_pdf(note), note.number)


def _cents(value: int) -> str:
    """Accountants' spreadsheets in France read a decimal comma."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100},{value % 100:02d}"


def _safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@staff_member_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The invoices and credit notes of a period as CSV, for the accountant (SPEC §7)."""
    form = PeriodForm(request.GET or None)
    if not form.is_valid():
        context = {
            **admin.site.each_context(request),
            "title": _("Exporter les factures et avoirs"),
            "form": form,
        }
        status = 400 if request.GET else 200
        return TemplateResponse(request, "admin/billing/export.html", context, status=status)
    zone = timezone.get_current_timezone()
    start = datetime.combine(form.cleaned_data["start"], time.min, tzinfo=zone)
    end = datetime.combine(form.cleaned_data["end"] + timedelta(days=1), time.min, tzinfo=zone)
    rows = []
    for invoice in Invoice.objects.filter(issued_at__gte=start, issued_at__lt=end).select_related(
        "order"
    ):
        rows.append(
            (
                invoice.issued_at,
                "facture",
                invoice.number,
                invoice.order.number,
                invoice.buyer_name,
                invoice.buyer_email,
                invoice.amount_cents,
                invoice.currency,
                "",
                invoice.description,
            )
        )
    for note in CreditNote.objects.filter(issued_at__gte=start, issued_at__lt=end).select_related(
        "invoice__order"
    ):
        rows.append(
            (
                note.issued_at,
                "avoir",
                note.number,
                note.invoice.order.number,
                note.invoice.buyer_name,
                note.invoice.buyer_email,
                -note.amount_cents,
                note.currency,
                note.invoice.number,
                note.reason,
            )
        )
    rows.sort(key=lambda row: (row[0], row[2]))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"factures-{form.cleaned_data['start']}-{form.cleaned_data['end']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "date",
            "type",
            "numero",
            "commande",
            "client",
            "email",
            "montant_ht",
            "tva",
            "montant_ttc",
            "devise",
            "facture_origine",
            "libelle",
        ]
    )
    for issued_at, kind, number, order, name_, email, cents, currency, origin, label in rows:
        writer.writerow(
            [
                timezone.localtime(issued_at).date().isoformat(),
                kind,
                number,
                order,
                _safe(name_),
                _safe(email),
                _cents(cents),
                "0,00",
                _cents(cents),
                currency.upper(),
                origin,
                _safe(label),
            ]
        )
    return response
