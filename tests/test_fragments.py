"""Cached fragments (lumira.fragments): no page shows stale data after a write, whichever app
server made it. Each gunicorn worker keeps its own cache; here two LocMem caches with different
locations stand for two processes that share the database and nothing else."""

from contextlib import contextmanager

import pytest
from django.test import override_settings

from orders import services
from orders.models import Offer
from tests import factories
from tests.sanctuaire.helpers import make_client

pytestmark = pytest.mark.django_db


@contextmanager
def process(name: str):
    backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}
    with override_settings(CACHES={"default": backend}):
        yield


def _views_then_write_then_views(client, url: str, write) -> tuple[str, str]:
    with process("first"):
        before = client.get(url).content.decode()
    with process("second"):
        write()
        client.get(url)
    with process("first"):
        after = client.get(url).content.decode()
    return before, after


def test_the_landing_shows_a_price_saved_by_another_process(client):
    def new_price():
        offer = Offer.objects.get(slug="mystique")
        offer.price_cents = 5200
        offer.save()

    before, after = _views_then_write_then_views(client, "/", new_price)
    assert "47,00" in before
    assert "52,00" in after
    assert "47,00" not in after


def test_the_landing_shows_an_expert_renamed_or_withdrawn_by_another_process(client):
    orion = factories.ExpertFactory(name="Orion", bio="Lit les étoiles.")

    def rename():
        orion.name = "Orion Vega"
        orion.save()

    before, after = _views_then_write_then_views(client, "/", rename)
    assert "Orion" in before
    assert "Orion Vega" not in before
    assert "Orion Vega" in after

    def withdraw():
        orion.is_active = False
        orion.save()

    _before, after = _views_then_write_then_views(client, "/", withdraw)
    assert "Orion" not in after


def test_the_tunnel_shows_an_expert_added_and_a_price_saved_elsewhere(client):
    def changes():
        factories.ExpertFactory(name="Orion")
        offer = Offer.objects.get(slug="mystique")
        offer.price_cents = 5200
        offer.save()

    before, after = _views_then_write_then_views(client, "/commande/?offer=mystique", changes)
    assert "Orion" not in before
    assert "Orion" in after
    assert "52,00" in after


def test_the_confirmation_shows_a_payment_applied_by_another_process(client):
    order = factories.OrderFactory()

    def pay():
        services.mark_paid(order, source="stripe", payment_status="succeeded")

    url = f"/confirmation/?order_id={order.public_id}"
    before, after = _views_then_write_then_views(client, url, pay)
    assert "Paiement en cours de confirmation" in before
    assert "Merci pour votre commande" in after


def test_the_sanctuaire_shows_a_claim_made_by_another_process(client):
    order = factories.OrderFactory(ready=True, email="lea@example.com")
    client.force_login(make_client("lea@example.com"))
    expert = factories.ExpertFactory()

    def claim():
        services.claim(order, expert=expert, actor=expert.user)

    before, after = _views_then_write_then_views(client, "/sanctuaire/", claim)
    assert "Modifier mon formulaire" in before
    assert "Modifier mon formulaire" not in after
