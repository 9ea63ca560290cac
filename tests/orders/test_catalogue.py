"""orders.catalogue: the active offers read with plain SQL, as the ORM would read them.

Run on SQLite and PostgreSQL; the four offers are the ones the data migration seeds.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.catalogue import OfferMismatch, OfferNotFound, active_offers, resolve_offer
from orders.models import Offer
from tests.orm import assert_same_as_orm

pytestmark = pytest.mark.django_db


def test_the_active_offers_are_the_orms_in_one_query():
    Offer.objects.filter(slug="mystique").update(features=["Lecture", {"durée": 45}])
    with CaptureQueriesContext(connection) as queries:
        offers = active_offers()
    assert len(queries) == 1
    assert sorted(offer.slug for offer in offers) == sorted(
        Offer.objects.filter(is_active=True).values_list("slug", flat=True)
    )
    assert len(offers) == 4
    for offer in offers:
        assert_same_as_orm(offer)  # the JSON features, the aware updated_at included
    mystique = next(offer for offer in offers if offer.slug == "mystique")
    assert mystique.features == ["Lecture", {"durée": 45}]
    assert mystique.updated_at.tzinfo is not None


def test_a_withdrawn_offer_is_not_found_and_a_new_price_is_read_at_once():
    assert resolve_offer(slug="integrale").level == 4
    Offer.objects.filter(slug="integrale").update(is_active=False)
    assert "integrale" not in {offer.slug for offer in active_offers()}
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
