"""Move what the expert produced from the Order's columns into one Reading per order.

An order gets a Reading when someone worked on it: its status is past "paid", or any of the
columns below holds something (a refunded order may have content, an imported one notes).
The section names are written out here, as they were when this migration was made: a
migration must not follow later edits of orders.sections.
"""

from django.db import migrations
from django.db.models import Q

BATCH = 2000
WORKED_STATUSES = ("processing", "awaiting_validation", "completed")
# Order column → the Reading's text section of that name.
TEXT_COLUMNS = {
    "archetype": "archetype",
    "reading": "reading",
    "ritual": "ritual",
    "blockages_analysis": "blockages_analysis",
    "soul_profile": "soul_profile",
    "mandala_svg": "mandala",
}
# Order column → Reading field, for everything else the Reading carries.
OTHER_COLUMNS = {
    "audio_file": "audio",
    "pdf_file": "pdf",
    "expert_instructions": "instructions",
    "generation_requested_at": "generation_requested_at",
    "generation_error": "generation_error",
    "revision_count": "revision_count",
    "review_notes": "review_notes",
    "rejection_reason": "rejection_reason",
    "validation_notes": "validation_notes",
    "validated_by_id": "validated_by_id",
    "validated_at": "validated_at",
    "delivered_at": "delivered_at",
}


def _worked_on() -> Q:
    query = Q(status__in=WORKED_STATUSES)
    for column in [*TEXT_COLUMNS, *OTHER_COLUMNS]:
        if column == "revision_count":
            query |= Q(revision_count__gt=0)
        elif column.endswith(("_at", "_id")):
            query |= Q(**{f"{column}__isnull": False})
        else:
            query |= ~Q(**{column: ""})
    return query


def move_content_to_readings(apps, schema_editor) -> None:
    Order = apps.get_model("orders", "Order")
    Reading = apps.get_model("orders", "Reading")
    orders = (
        Order.objects.filter(_worked_on())
        .order_by("pk")
        .values("pk", "updated_at", *TEXT_COLUMNS, *OTHER_COLUMNS)
    )
    last = 0
    while batch := list(orders.filter(pk__gt=last)[:BATCH]):
        last = batch[-1]["pk"]
        Reading.objects.bulk_create(
            Reading(
                order_id=row["pk"],
                texts={
                    name: row[column] for column, name in TEXT_COLUMNS.items() if row[column]
                },
                created_at=row["updated_at"],
                **{name: row[column] for column, name in OTHER_COLUMNS.items()},
            )
            for row in batch
        )


def move_content_back(apps, schema_editor) -> None:
    Order = apps.get_model("orders", "Order")
    Reading = apps.get_model("orders", "Reading")
    for reading in Reading.objects.order_by("pk").iterator(chunk_size=BATCH):
        Order.objects.filter(pk=reading.order_id).update(
            **{column: reading.texts.get(name, "") for column, name in TEXT_COLUMNS.items()},
            **{column: getattr(reading, name) for column, name in OTHER_COLUMNS.items()},
        )
    Reading.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_reading"),
    ]

    operations = [
        migrations.RunPython(move_content_to_readings, move_content_back),
    ]
