"""The live path: pymongo's MongoClient interface, served here by mongomock (no server)."""

import mongomock
import pytest

from legacy.importer import import_legacy
from legacy.readers import LiveReader
from orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def mongo(legacy_data):
    client = mongomock.MongoClient(tz_aware=True)
    for name, documents in legacy_data.collections.items():
        client["lumira-mvp"][name].insert_many(documents)
    return client


def test_a_live_database_imports_like_its_dump(mongo, legacy_data):
    report = import_legacy(LiveReader(mongo, "lumira-mvp"), source="mongomock")

    assert report["orders"].created == 9
    assert report["orders"].rejected == 9
    assert report["productorders"].merged == 1
    assert report["experts"].created == 2
    delivered = Order.objects.get(legacy_id=legacy_data.key("delivered"))
    assert delivered.status == Order.Status.COMPLETED
    assert delivered.unlocked_sections


def test_naive_dates_from_a_client_without_tz_aware_are_read_as_utc(legacy_data):
    client = mongomock.MongoClient()  # tz_aware off: pymongo's default
    client["lumira-mvp"]["orders"].insert_many(legacy_data.collections["orders"])

    import_legacy(LiveReader(client, "lumira-mvp"))

    order = Order.objects.get(legacy_id=legacy_data.key("delivered"))
    assert order.reading.delivered_at.isoformat() == "2025-01-14T16:02:30+00:00"


def test_collections_missing_from_the_database_are_reported_as_absent(legacy_data):
    client = mongomock.MongoClient(tz_aware=True)
    client["lumira-mvp"]["experts"].insert_many(legacy_data.collections["experts"])

    report = import_legacy(LiveReader(client, "lumira-mvp"))

    assert report["experts"].found is True
    assert report["orders"].found is False
    assert report["orders"].total == 0
    assert "(absente de la source)" in "\n".join(report.lines())


def test_a_second_live_run_creates_nothing(mongo):
    import_legacy(LiveReader(mongo, "lumira-mvp"))
    second = import_legacy(LiveReader(mongo, "lumira-mvp"))

    assert sum(part.created + part.updated for part in second.collections.values()) == 0
    assert second["orders"].unchanged == 9
