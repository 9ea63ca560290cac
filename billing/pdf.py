"""The invoice and credit note PDFs, drawn from their frozen records (never from the order).

The views import this module when a PDF is asked for, not at start-up: fpdf (with fontTools)
takes longer to import than the rest of the site, and every process would pay for it.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format

from billing.models import CreditNote, Invoice
from lumira.pdf import GOLD, MUTED, NIGHT, RULE, LumiraPDF
from orders.models import format_cents


def _date(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def _parties(pdf: LumiraPDF, seller: dict, buyer_name: str, buyer_email: str) -> None:
    top = pdf.get_y()
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2 - 4
    pdf.text_style(8, bold=True, color=MUTED)
    pdf.cell(width, 5, "VENDEUR", new_x="LMARGIN", new_y="NEXT")
    seller_lines = [
        seller.get("name", ""),
        *str(seller.get("address", "")).splitlines(),
        f"SIRET : {seller['siret']}" if seller.get("siret") else "",
        seller.get("email", ""),
    ]
    for index, line in enumerate(line for line in seller_lines if line):
        pdf.text_style(10, bold=index == 0)
        pdf.cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")
    bottom = pdf.get_y()
    x = pdf.l_margin + width + 8
    pdf.set_xy(x, top)
    pdf.text_style(8, bold=True, color=MUTED)
    pdf.cell(width, 5, "CLIENT", new_x="LEFT", new_y="NEXT")
    for index, line in enumerate(line for line in [buyer_name, buyer_email] if line):
        pdf.text_style(10, bold=index == 0)
        pdf.cell(width, 5, line, new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(bottom, pdf.get_y()) + 6)


def _facts(pdf: LumiraPDF, facts: list[tuple[str, str]]) -> None:
    for label, value in facts:
        pdf.text_style(9, color=MUTED)
        pdf.cell(45, 5.5, label)
        pdf.text_style(10)
        pdf.cell(0, 5.5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)


def _table(pdf: LumiraPDF, description: str, amount: str) -> None:
    widths = [100, 14, 30, 30]
    pdf.set_fill_color(*NIGHT)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Inter", "B", 9)
    for width, title, align in zip(
        widths, ["Désignation", "Qté", "Prix unitaire", "Total TTC"], "LCRR", strict=True
    ):
        pdf.cell(width, 8, f" {title} ", fill=True, align=align)
    pdf.ln()
    pdf.set_draw_color(*RULE)
    pdf.text_style(10)
    for width, value, align in zip(widths, [description, "1", amount, amount], "LCRR", strict=True):
        pdf.cell(width, 10, f" {value} ", border="B", align=align)
    pdf.ln(14)


def _total(pdf: LumiraPDF, rows: list[tuple[str, str]], total: tuple[str, str]) -> None:
    left = pdf.w - pdf.r_margin - 80
    for label, value in rows:
        pdf.set_x(left)
        pdf.text_style(10, color=MUTED)
        pdf.cell(50, 6, label)
        pdf.text_style(10)
        pdf.cell(30, 6, value, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(left)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.line(left, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.ln(3)
    pdf.set_x(left)
    pdf.text_style(12, bold=True)
    pdf.cell(50, 8, total[0])
    pdf.cell(30, 8, total[1], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)


def _footer_text(seller: dict) -> str:
    parts = [seller.get("name", ""), f"SIRET {seller['siret']}" if seller.get("siret") else ""]
    return " · ".join(part for part in parts if part)


def invoice_pdf(invoice: Invoice) -> bytes:
    seller = invoice.seller
    pdf = LumiraPDF(title=f"Facture {invoice.number}", footer_text=_footer_text(seller))
    pdf.brand()
    pdf.heading(f"Facture {invoice.number}")
    pdf.ln(4)
    _parties(pdf, seller, invoice.buyer_name, invoice.buyer_email)
    order = invoice.order
    _facts(
        pdf,
        [
            ("Date d’émission", _date(invoice.issued_at)),
            ("Commande", order.number),
            ("Payée le", _date(order.paid_at or invoice.issued_at)),
            ("Moyen de paiement", "Carte bancaire (Stripe)"),
        ],
    )
    amount = format_cents(invoice.amount_cents, invoice.currency)
    _table(pdf, invoice.description, amount)
    vat = seller.get("vat_mention", "")
    _total(
        pdf, [("Total HT", amount), ("TVA", "0,00\u00a0€" if vat else "")], ("Total TTC", amount)
    )
    pdf.lines([vat, "Facture acquittée : aucun montant ne reste dû."], size=9)
    return pdf.render()


def credit_note_pdf(note: CreditNote) -> bytes:
    invoice = note.invoice
    seller = invoice.seller
    pdf = LumiraPDF(title=f"Avoir {note.number}", footer_text=_footer_text(seller))
    pdf.brand()
    pdf.heading(f"Avoir {note.number}")
    pdf.ln(4)
    _parties(pdf, seller, invoice.buyer_name, invoice.buyer_email)
    _facts(
        pdf,
        [
            ("Date d’émission", _date(note.issued_at)),
            ("Facture d’origine", invoice.number),
            ("Commande", invoice.order.number),
            ("Motif", note.reason or "Remboursement"),
        ],
    )
    amount = format_cents(note.amount_cents, note.currency)
    _table(pdf, f"Remboursement - {invoice.order.offer_name}", f"-{amount}")
    vat = seller.get("vat_mention", "")
    _total(pdf, [("Total HT", f"-{amount}")], ("Total TTC", f"-{amount}"))
    pdf.lines([vat, "Montant remboursé sur le moyen de paiement d’origine."], size=9)
    return pdf.render()


def pdf_download(content: bytes, filename: str) -> HttpResponse:
    """A PDF to download, never cached, sandboxed should a browser open it."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
