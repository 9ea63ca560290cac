"""Invoices and credit notes (SPEC §7): numbering, PDF, downloads, the accountant's CSV."""

import csv
import io
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from billing import refunds
from billing.models import CreditNote, Invoice
from orders import services
from orders.models import Order
from tests.conftest import postgres_only
from tests.factories import OrderFactory
from tests.payments.conftest import intent_event
from tests.sanctuaire.helpers import make_client

pytestmark = pytest.mark.django_db


def _pay(order) -> Order:
    assert services.mark_paid(order, source="test")
    order.refresh_from_db()
    return order


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_each_payment_gets_the_next_number_of_its_year(post_webhook):
    year = timezone.localdate().year
    orders = [OrderFactory() for _ in range(3)]
    for number, order in enumerate(orders):
        post_webhook(intent_event(order, event_id=f"evt_{number}"))
    numbers = [Invoice.objects.get(order=order).number for order in orders]
    assert numbers == [f"FA-{year}-00001", f"FA-{year}-00002", f"FA-{year}-00003"]
    # A replayed success issues nothing more.
    post_webhook(intent_event(orders[0], event_id="evt_0"))
    post_webhook(intent_event(orders[0], event_id="evt_again"))
    assert Invoice.objects.count() == 3


def test_the_invoice_pdf_parses_back_with_its_number_seller_and_amount(settings):
    settings.SELLER_NAME = "Lumira SAS"
    settings.SELLER_ADDRESS = "3 place des Étoiles\n69001 Lyon"
    settings.SELLER_SIRET = "123 456 789 00012"
    order = _pay(OrderFactory(first_name="Zoé", last_name="Lefèvre"))
    from billing.pdf import credit_note_pdf, invoice_pdf

    invoice = Invoice.objects.get(order=order)
    text = _text(invoice_pdf(invoice))
    for expected in [
        invoice.number,
        "Lumira SAS",
        "3 place des Étoiles",
        "SIRET : 123 456 789 00012",
        "TVA non applicable, art. 293 B du CGI",
        "47,00",
        "Zoé Lefèvre",
        order.number,
    ]:
        assert expected in text
    # The seller is frozen on the invoice: a later change of settings does not rewrite it.
    settings.SELLER_NAME = "Autre nom"
    assert "Lumira SAS" in _text(invoice_pdf(invoice))

    refund = refunds.request_refund(order, 1000, reason="Geste", actor=None)
    refunds.confirm_refund(refund, stripe_refund_id="re_1", source="test")
    note = CreditNote.objects.get(refund=refund)
    text = _text(credit_note_pdf(note))
    assert note.number in text
    assert invoice.number in text
    assert "-10,00" in text


def test_the_client_downloads_their_own_invoice_only(client):
    user = make_client("lea@example.com")
    order = _pay(OrderFactory(email="lea@example.com"))
    other = _pay(OrderFactory(email="someone@example.com"))
    mine, theirs = Invoice.objects.get(order=order), Invoice.objects.get(order=other)
    url = f"/sanctuaire/factures/{mine.public_id}/"
    assert client.get(url)["Location"].startswith("/sanctuaire/connexion/")
    client.force_login(user)
    page = client.get(f"/sanctuaire/commandes/{order.public_id}/").content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/sanctuaire/factures/{theirs.public_id}/").status_code == 404


def test_staff_download_any_invoice_from_the_admin(client, admin_client):
    invoice = Invoice.objects.get(order=_pay(OrderFactory()))
    url = f"/admin/facturation/factures/{invoice.public_id}/"
    assert client.get(url).status_code == 302  # to the admin login
    assert admin_client.get(url).content.startswith(b"%PDF")
    assert url in admin_client.get("/admin/billing/invoice/").content.decode()


def test_the_csv_export_lists_a_periods_invoices_and_credit_notes(admin_client):
    order = _pay(OrderFactory())
    refund = refunds.request_refund(order, 700, reason="=HYPERLINK()", actor=None)
    refunds.confirm_refund(refund, stripe_refund_id="re_csv", source="test")
    old = _pay(OrderFactory())
    Invoice.objects.filter(order=old).update(issued_at=timezone.now().replace(year=2020))
    today = timezone.localdate().isoformat()
    response = admin_client.get("/admin/facturation/export/", {"start": today, "end": today})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["date", "type", "numero"]
    invoice, note = Invoice.objects.get(order=order), CreditNote.objects.get()
    assert [(row[1], row[2], row[8]) for row in rows[1:]] == [
        ("facture", invoice.number, "47,00"),
        ("avoir", note.number, "-7,00"),
    ]
    assert rows[2][10] == invoice.number
    assert rows[2][11] == "'=HYPERLINK()"
    bad = admin_client.get("/admin/facturation/export/", {"start": today, "end": "2000-01-01"})
    assert bad.status_code == 400
    assert "Le dernier jour précède le premier." in bad.content.decode()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_payments_get_fifty_consecutive_numbers():
    orders = [OrderFactory() for _ in range(50)]
    barrier = threading.Barrier(50)
    errors = []

    def pay(order):
        try:
            barrier.wait()
            services.mark_paid(order, source="test")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 51))
    assert Order.objects.filter(status="paid").count() == 50


def test_a_number_is_read_and_locked_in_one_statement_once_its_year_has_begun():
    _pay(OrderFactory())  # the year's sequence exists from here on
    with CaptureQueriesContext(connection) as captured:
        _pay(OrderFactory())
    statements = [
        q["sql"] for q in captured.captured_queries if "billing_documentsequence" in q["sql"]
    ]
    assert [sql.split()[0] for sql in statements] == ["SELECT", "UPDATE"]
    if connection.vendor == "postgresql":
        assert statements[0].endswith("FOR UPDATE")


def test_a_payment_rolled_back_gives_its_number_back():
    from django.db import transaction

    first, second = OrderFactory(), OrderFactory()

    def pay_then_fail():
        with transaction.atomic():
            services.mark_paid(first, source="test")
            assert Invoice.objects.get(order=first).sequence == 1
            raise RuntimeError("the payment's transaction fails after the number was taken")

    with pytest.raises(RuntimeError):
        pay_then_fail()
    assert not Invoice.objects.exists()
    _pay(second)
    assert Invoice.objects.get(order=second).sequence == 1
