"""orders.catalogue: finding the offer a request asks for, always at its current price.

Run on SQLite and PostgreSQL; the four offers are the ones the data migration seeds.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.catalogue import OfferMismatch, OfferNotFound, resolve_offer
from orders.models import Offer

pytestmark = pytest.mark.django_db


def test_an_offer_is_found_in_one_query_whatever_the_criteria():
    Offer.objects.filter(slug="mystique").update(features=["Lecture", {"durée": 45}])
    with CaptureQueriesContext(connection) as queries:
        mystique = resolve_offer(slug="mystique", level="2", service="advanced")
    assert len(queries) == 1
    assert mystique.features == ["Lecture", {"durée": 45}]
    assert mystique.updated_at.tzinfo is not None


def test_a_withdrawn_offer_is_not_found_and_a_new_price_is_read_at_once():
    assert resolve_offer(slug="integrale").level == 4
    Offer.objects.filter(slug="integrale").update(is_active=False)
    with pytest.raises(OfferNotFound):
        resolve_offer(slug="integrale")
    Offer.objects.filter(slug="mystique").update(price_cents=5200, updated_at=timezone.now())
    assert resolve_offer(slug="mystique").price_cents == 5200


def test_criteria_that_name_two_offers_are_a_mismatch():
    assert resolve_offer(level="2", slug="mystique").slug == "mystique"
    with pytest.raises(OfferMismatch):
        resolve_offer(level="1", slug="mystique")


def test_a_loaded_offer_saves_like_any_other():
    offer = resolve_offer(slug="mystique")
    offer.name = "Mystique (nouvelle formule)"
    offer.save(update_fields=["name"])
    assert Offer.objects.get(slug="mystique").name == "Mystique (nouvelle formule)"
