"""Insert many rows with one prepared INSERT and `executemany`: the legacy import's fast path.

`bulk_create` compiles its multi-row INSERT value by value: with it, the 50,000-order benchmark
(benchmarks/import_legacy.py) took 110 s here; with this, 48 s (30 s of CPU) on the same busy
machine. Values still go through each field's `get_db_prep_save` and defaults through
`get_default`, so the rows are what `bulk_create` would have written, on SQLite and PostgreSQL
alike (a multi-row VALUES was slower than `executemany` on both). No signals and no `save()`:
only for plain data rows whose model has no save() logic of its own."""

from collections.abc import Callable

from django.db import connections, router
from django.db.models import Model
from django.utils import timezone

# Values the database adapters take as they are; anything else is prepared by its field.
_PLAIN = (str, int, float, bool, type(None))


def insert_rows(model: type[Model], rows: list[dict[str, object]]) -> None:
    """INSERT `rows` (attname → value) into `model`'s table; missing fields get their default."""
    if not rows:
        return
    # The connection itself, not the `django.db.connection` proxy: every attribute read through
    # the proxy is a context-local lookup, and this loop makes a hundred thousand of them.
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, quoted; every value is a parameter.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    # Defaults are prepared once per call; only callable ones (uuid4…) run for every row.
    now = timezone.now()
    constants: dict[str, object] = {}
    factories: dict[str, Callable[[], object]] = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants[field.attname] = field.get_db_prep_save(now, connection)
        elif field.has_default() and callable(field.default):
            factories[field.attname] = field.default
        else:
            constants[field.attname] = field.get_db_prep_save(field.get_default(), connection)
    params = []
    for row in rows:
        values = []
        for field in fields:
            name = field.attname
            if name in row:
                value = row[name]
                if not isinstance(value, _PLAIN):
                    value = field.get_db_prep_save(value, connection)
            elif name in factories:
                value = field.get_db_prep_save(factories[name](), connection)
            else:
                value = constants[name]
            values.append(value)
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
