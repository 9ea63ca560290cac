"""The migration that moved the reading out of the Order's columns, run forward and back."""

import datetime as dt
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("orders", "0006_reading")
AFTER = ("orders", "0008_remove_order_reading_columns")
AT = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)


def _migrate(target: tuple[str, str]):
    """Migrate to `target`; returns the models as they are there."""
    return MigrationExecutor(connection).migrate([target]).apps


def _latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _order(apps, number: str, status: str, **fields):
    Offer = apps.get_model("orders", "Offer")
    Order = apps.get_model("orders", "Order")
    offer = Offer.objects.get(level=2)
    return Order.objects.create(
        number=number,
        status=status,
        offer=offer,
        level=offer.level,
        level_name=offer.level_name,
        offer_name=offer.name,
        service=offer.service,
        price_cents=offer.price_cents,
        duration_minutes=offer.duration_minutes,
        email=f"{number.lower()}@example.com",
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_content_moves_into_a_reading_and_back():
    try:
        apps = _migrate(BEFORE)
        validator = apps.get_model("auth", "User").objects.create(username="orion@example.com")
        delivered = _order(
            apps,
            "LUM-MIG-1",
            "completed",
            archetype="L’Étoile",
            reading="Votre chemin s’éclaire.",
            ritual="Une bougie.",
            mandala_svg="<svg></svg>",
            audio_file="audio/abc.mp3",
            expert_instructions="Ton doux.",
            revision_count=2,
            review_notes="Relue.",
            rejection_reason="Trop court.",
            validation_notes="Parfait.",
            validated_by=validator,
            validated_at=AT,
            delivered_at=AT,
        )
        refunded_with_notes = _order(apps, "LUM-MIG-2", "refunded", review_notes="À revoir.")
        untouched = _order(apps, "LUM-MIG-3", "paid")
        claimed = _order(apps, "LUM-MIG-4", "processing")

        apps = _migrate(AFTER)
        Reading = apps.get_model("orders", "Reading")
        reading = Reading.objects.get(order_id=delivered.pk)
        assert reading.texts == {
            "archetype": "L’Étoile",
            "reading": "Votre chemin s’éclaire.",
            "ritual": "Une bougie.",
            "mandala": "<svg></svg>",
        }
        assert reading.audio.name == "audio/abc.mp3"
        assert not reading.pdf
        assert reading.instructions == "Ton doux."
        assert (reading.revision_count, reading.review_notes) == (2, "Relue.")
        assert (reading.rejection_reason, reading.validation_notes) == ("Trop court.", "Parfait.")
        assert (reading.validated_by_id, reading.validated_at, reading.delivered_at) == (
            validator.pk,
            AT,
            AT,
        )
        assert Reading.objects.get(order_id=refunded_with_notes.pk).review_notes == "À revoir."
        assert Reading.objects.get(order_id=claimed.pk).texts == {}
        assert not Reading.objects.filter(order_id=untouched.pk).exists()
        assert Reading.objects.count() == 3

        apps = _migrate(BEFORE)
        order = apps.get_model("orders", "Order").objects.get(pk=delivered.pk)
        assert (order.archetype, order.mandala_svg, order.audio_file.name) == (
            "L’Étoile",
            "<svg></svg>",
            "audio/abc.mp3",
        )
        assert (order.validated_by_id, order.delivered_at, order.revision_count) == (
            validator.pk,
            AT,
            2,
        )
        assert not apps.get_model("orders", "Reading").objects.exists()
    finally:
        _latest()


def test_the_migration_writes_out_the_section_names_it_knew():
    """Frozen on purpose: the names are those of orders.sections when the columns moved."""
    from orders.sections import BY_NAME

    migration = import_module("orders.migrations.0007_reading_content")
    assert set(migration.TEXT_COLUMNS.values()) <= set(BY_NAME)
    assert {BY_NAME[name].kind for name in migration.TEXT_COLUMNS.values()} <= {
        "short_text",
        "text",
        "svg",
    }
