"""Numbering and issuing of invoices and credit notes. Callers hold a transaction open."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing.models import CreditNote, DocumentSequence, Invoice, Refund
from orders.models import Order

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
PREFIXES = {INVOICE: "FA", CREDIT_NOTE: "AV"}


def seller_details() -> dict[str, str]:
    """The seller's legal details as settings give them now (frozen on each document)."""
    return {
        "name": settings.SELLER_NAME,
        "address": settings.SELLER_ADDRESS,
        "siret": settings.SELLER_SIRET,
        "vat_mention": settings.SELLER_VAT_MENTION,
        "email": settings.SELLER_EMAIL,
    }


def next_number(kind: str, year: int) -> tuple[int, str]:
    """The next number of `kind` in `year`, its sequence row locked until the transaction ends.

    Two payments at once: the second waits on the row lock (PostgreSQL) or on the write lock
    (SQLite) and reads the first one's number once it commits; a rolled-back payment gives its
    number back with the rest of its transaction, so the numbers have no gaps.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document numbers are allocated inside the caller's transaction")
    sequence, _created = DocumentSequence.objects.select_for_update().get_or_create(
        kind=kind, year=year
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number, f"{PREFIXES[kind]}-{year}-{sequence.last_number:05d}"


def issue_invoice(order: Order) -> Invoice:
    """The order's invoice, issued now unless it exists."""
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence, number = next_number(INVOICE, year)
    return Invoice.objects.create(
        order=order,
        number=number,
        year=year,
        sequence=sequence,
        issued_at=now,
        amount_cents=order.price_cents,
        currency=order.currency,
        description=f"Oracle Lumira - {order.offer_name} (niveau {order.level})",
        buyer_name=order.client_name,
        buyer_email=order.email,
        seller=seller_details(),
    )


def issue_credit_note(refund: Refund) -> CreditNote | None:
    """The refund's credit note, against the order's invoice (None: the order has none, e.g. it
    was paid before invoices existed)."""
    invoice = Invoice.objects.filter(order_id=refund.order_id).first()
    if invoice is None:
        return None
    existing = CreditNote.objects.filter(refund=refund).first()
    if existing is not None:
        return existing
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence, number = next_number(CREDIT_NOTE, year)
    return CreditNote.objects.create(
        refund=refund,
        invoice=invoice,
        number=number,
        year=year,
        sequence=sequence,
        issued_at=now,
        amount_cents=refund.amount_cents,
        currency=refund.currency,
        reason=refund.reason,
    )
