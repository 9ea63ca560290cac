"""Insert many plain data rows at once: the legacy import's write path."""

from django.db.models import Model

# Large enough that an import makes few round trips, small enough for SQLite's parameter limit.
BATCH_SIZE = 500


def insert_rows(model: type[Model], rows: list[dict[str, object]]) -> None:
    """Create `rows` (attname → value) as `model` instances; missing fields get their default.

    `bulk_create`: no signals and no `save()`, so only for models without save() logic.
    """
    model._default_manager.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
