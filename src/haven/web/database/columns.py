"""Model instances from a hand-written SELECT, converted as the ORM converts them.

For a hot path where building the query costs more than running it: Django compiles a
queryset afresh on every call (for a join of four tables with a correlated subquery,
longer than the database takes to answer), so such a read is written out once as SQL.
Its column lists come from the models' own fields (`ModelColumns.select_list`), so the
SQL cannot drift from the models, and each value goes through the converters the ORM
would apply (the backend's, then the field's: datetimes and booleans on SQLite, binary
fields on PostgreSQL), so an instance built here is the instance the ORM would build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

M = TypeVar("M", bound=Model)

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class ModelColumns(Generic[M]):
    """The concrete columns of `model`, selected under the table alias `alias`, but
    those named in `defer` (left for the instance to load if ever read, as the ORM's
    `defer`: large sealed fields the caller never opens)."""

    def __init__(self, model: type[M], alias: str, *, defer: tuple[str, ...] = ()) -> None:
        self.model = model
        self.alias = alias
        self.fields = tuple(f for f in model._meta.concrete_fields if f.name not in defer)
        unknown = set(defer) - {f.name for f in model._meta.concrete_fields}
        if unknown:
            raise ValueError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
        self.attnames = [field.attname for field in self.fields]
        self._pk_position = self.attnames.index(model._meta.pk.attname)
        self._converters: dict[str, list[list[tuple[Converter, Any]]]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def table(self, connection: BaseDatabaseWrapper) -> str:
        """`table alias`, for a FROM or JOIN clause."""
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    def column(self, name: str, connection: BaseDatabaseWrapper) -> str:
        """One column (by field name or column name), qualified by the alias."""
        field = self.model._meta.get_field(name)
        return f"{self.alias}.{connection.ops.quote_name(field.column)}"  # type: ignore[union-attr]

    def select_list(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    def instance(self, values: Sequence[Any], connection: BaseDatabaseWrapper) -> M | None:
        """The model instance from its columns' raw values, or None when its primary key
        is NULL (the row of a LEFT JOIN that matched nothing)."""
        converted = list(values)
        for position, steps in enumerate(self._converters_for(connection)):
            value = converted[position]
            for converter, expression in steps:
                value = converter(value, expression, connection)
            converted[position] = value
        if converted[self._pk_position] is None:
            return None
        return self.model.from_db(connection.alias, self.attnames, converted)

    def _converters_for(self, connection: BaseDatabaseWrapper) -> list[list[tuple[Converter, Any]]]:
        # As SQLCompiler.get_converters: the backend's converters, then the field's. They
        # depend only on the backend, so they are worked out once per vendor.
        known = self._converters.get(connection.vendor)
        if known is None:
            known = []
            for field in self.fields:
                column = field.get_col(self.alias)
                steps = connection.ops.get_db_converters(column) + column.get_db_converters(
                    connection
                )
                known.append([(converter, column) for converter in steps])
            self._converters[connection.vendor] = known
        return known


def insert_new(instance: Model, connection: BaseDatabaseWrapper) -> None:
    """INSERT a new `instance` as `Model.save` does (each field's `pre_save` and database
    preparation, the primary key read back), without building the query through the
    ORM. No signals are sent: Haven connects none to the models it inserts this way."""
    meta = instance._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.db_returning)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        setattr(instance, meta.pk.attname, cursor.fetchone()[0])
    instance._state.adding = False
    instance._state.db = connection.alias


def split_row(row: Sequence[Any], *parts: ModelColumns[Any]) -> list[Sequence[Any]]:
    """`row` cut into each part's values, in order (a SELECT of several select lists)."""
    pieces: list[Sequence[Any]] = []
    start = 0
    for part in parts:
        pieces.append(row[start : start + len(part)])
        start += len(part)
    return pieces
