"""Names for SQL written once per database: the few reads that run on (nearly) every request.

The ORM builds a query's SQL anew on each call, and for a one-row read that costs more CPU than
running it (0.35 to 0.6 ms against 0.03 to 0.1 ms, timed in-process over 3,000 calls on SQLite
and PostgreSQL). The hot reads (the session, the session's user, the order JSON, the webhook's
order, the Sanctuaire's version, the tunnel's offers) build their SQL once per database alias
instead, from the models' own table and column names, and run it with `one()` (that is,
`Model.objects.raw()`, which converts each column as the ORM does) or a plain cursor whose rows
`ModelColumns` turns into instances. Everything else uses the ORM.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.db import connections, router
from django.db.models import Model

Converter = Callable[[object, object, object], object]


def table(model: type[Model], alias: str, *, as_: str = "") -> str:
    quote = connections[alias].ops.quote_name
    name = quote(model._meta.db_table)
    return f"{name} {quote(as_)}" if as_ else name


def column(model: type[Model], name: str, alias: str, *, of: str = "") -> str:
    """A field's column (by field name or attname), prefixed by a table alias when given."""
    quote = connections[alias].ops.quote_name
    quoted = quote(model._meta.get_field(name).column)
    return f"{quote(of)}.{quoted}" if of else quoted


def columns(model: type[Model], names: Iterable[str], alias: str, *, of: str = "") -> str:
    return ", ".join(column(model, name, alias, of=of) for name in names)


def one(model: type[Model], sql: Callable[[str], str], field: str, value: object) -> Model | None:
    """The row `sql(alias)` selects, its one parameter being `field`'s `value`, as an instance.

    `raw()` builds the instance: each column converted as the ORM converts it, the fields the
    SQL does not select deferred, extra columns (`AS name`) set as attributes.
    """
    alias = router.db_for_read(model)
    param = model._meta.get_field(field).get_db_prep_value(value, connections[alias])
    return next(iter(model.objects.using(alias).raw(sql(alias), [param])), None)


@dataclass(frozen=True)
class ModelColumns:
    """All of a model's concrete columns in a SELECT, and how to make an instance of them.

    `sql` lists the columns (after a table alias when given). `instance()` reads them from a row,
    from position `start`, converts each value with the converters the ORM would apply (the
    database's, then the field's: JSON, Decimal, aware datetimes on SQLite…) and builds the
    instance with `Model.from_db`, as a queryset does: saved state, the right database.
    """

    model: type[Model]
    alias: str
    sql: str
    attnames: tuple[str, ...]
    pk_index: int
    converters: tuple[tuple[int, tuple[Converter, ...], object], ...]  # (index, chain, column)

    def instance(self, row: tuple, start: int = 0) -> Model | None:
        """The instance in `row`, or None when its primary key is NULL (a LEFT JOIN missed)."""
        values = list(row[start : start + len(self.attnames)])
        if values[self.pk_index] is None:
            return None
        connection = connections[self.alias]
        for index, chain, column in self.converters:
            for convert in chain:
                values[index] = convert(values[index], column, connection)
        return self.model.from_db(self.alias, self.attnames, values)


@cache
def model_columns(model: type[Model], alias: str, *, of: str = "") -> ModelColumns:
    connection = connections[alias]
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(of or model._meta.db_table)
        chain = tuple(connection.ops.get_db_converters(col)) + tuple(
            field.get_db_converters(connection)
        )
        if chain:
            converters.append((index, chain, col))
    return ModelColumns(
        model,
        alias,
        columns(model, [field.name for field in fields], alias, of=of),
        tuple(field.attname for field in fields),
        fields.index(model._meta.pk),
        tuple(converters),
    )
