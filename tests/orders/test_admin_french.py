"""The order admin in French and in euros (SPEC §7): columns, flags, the reading read-only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from tests.factories import ExpertFactory, OrderFactory

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
