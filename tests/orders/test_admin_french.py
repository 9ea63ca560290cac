"""The order admin in French and in euros (SPEC §7): columns, flags, the reading read-only."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import Refund
from orders.models import Notice, Order, OrderEvent, OrderPhoto
from tests.factories import ExpertFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_order_list_shows_client_expert_euros_and_flags(admin_client):
    expert = ExpertFactory(name="Séléné")
    late = OrderFactory(
        paid=True,
        first_name="Inès",
        last_name="Morel",
        assigned_expert=expert,
        status=Order.Status.PROCESSING,
        paid_at=timezone.now() - timedelta(days=4),
        intake_submitted_at=timezone.now() - timedelta(days=4),
    )
    disputed = OrderFactory(paid=True, dispute_status="open", refunded_cents=1250)
    flagged = OrderFactory(payment_flag="PaymentIntent pi_x non appliqué : currency usd ≠ eur")
    calm = OrderFactory(paid=True)
    body = admin_client.get("/admin/orders/order/").content.decode()
    assert "Inès Morel" in body
    assert "Séléné" in body
    assert "47,00\u00a0€" in body
    assert "12,50\u00a0€" in body
    for label in ["En retard", "Litige ouvert", "Montant"]:
        assert label in body
    for value, expected in [
        ("late", late),
        ("dispute", disputed),
        ("money", flagged),
    ]:
        page = admin_client.get("/admin/orders/order/", {"alerte": value}).content.decode()
        assert expected.number in page
        assert calm.number not in page
    everything = admin_client.get("/admin/orders/order/", {"alerte": "any"}).content.decode()
    assert all(o.number in everything for o in (late, disputed, flagged))
    assert calm.number not in everything


def test_the_order_page_keeps_the_reading_read_only_and_collapsed(admin_client):
    order = OrderFactory(paid=True, reading__texts={"reading": "Texte de la lecture"})
    body = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert 'name="reading-0-texts"' not in body
    assert "Texte de la lecture" in body
    assert "collapse" in body
    assert f'href="/admin/orders/order/{order.pk}/rembourser/"' in body
    for label in ["Remboursements", "Consentements", "Remboursé", "Historique"]:
        assert label.lower() in body.lower()


def test_history_and_notice_rows_are_titled_with_their_french_labels(admin_client):
    order = OrderFactory(status=Order.Status.PAID)
    OrderEvent.objects.create(order=order, to_status=Order.Status.PENDING, source="checkout")
    OrderEvent.objects.create(
        order=order, from_status=Order.Status.PENDING, to_status=Order.Status.PAID, source="demo"
    )
    Notice.objects.create(order=order, kind=Notice.Kind.PAYMENT, channel=Notice.Channel.EMAIL)
    body = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    # Django's tabular inline titles each row with the object's str(), above its columns.
    titles = re.findall(r'<td class="original">\s*<p>\s*(.*?)\s*</p>', body, re.S)
    assert "— → En attente de paiement" in titles
    assert "En attente de paiement → Payée" in titles
    assert "Paiement reçu (E-mail)" in titles
    assert not [title for title in titles if "pending" in title or "payment" in title]


def test_the_order_page_reads_its_rows_in_a_fixed_number_of_queries(admin_client):
    order = OrderFactory(status=Order.Status.PAID, reading__texts={"reading": "Texte"})
    url = f"/admin/orders/order/{order.pk}/change/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for index in range(4):
        actor = UserFactory(is_staff=True)
        Refund.objects.create(order=order, amount_cents=100, currency="eur", actor=actor)
        OrderPhoto.objects.create(
            order=order, file=f"p{index}.jpg", content_type="image/jpeg", size_bytes=1
        )
        OrderEvent.objects.create(order=order, to_status=Order.Status.PAID, actor=actor)
    # Each row names its order or its actor: read with the rows, not once per row.
    assert queries() == few
