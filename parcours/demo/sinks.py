"""Where generated rows go: PostgreSQL COPY, or Django's bulk_create elsewhere.

The generator produces plain tuples (one per row, in the order of a ``TableSpec``), so
the same rows can be streamed to PostgreSQL with COPY or turned into model instances
for ``bulk_create`` on SQLite. Primary keys are given explicitly, so related rows can
point at each other without a round trip; sequences are reset at the end.
"""

import json
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models
from django.utils.translation import gettext as _
from psycopg.types.json import set_json_dumps


class TableSpec:
    """The columns a generator fills for one model, in order.

    Concrete fields that the generator leaves out get their model default.
    """

    def __init__(self, model: type[models.Model], attnames: Sequence[str]):
        self.model = model
        self.attnames = tuple(attnames)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(self.attnames) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}.")
        self.missing = [f for f in model._meta.concrete_fields if f.attname not in self.attnames]
        self.columns = [fields[a].column for a in self.attnames] + [f.column for f in self.missing]
        self.label = model._meta.label

    @property
    def table(self) -> str:
        return self.model._meta.db_table


def _dumps(value) -> str:
    if value == {}:  # most events carry no data: skip the encoder
        return "{}"
    return json.dumps(value, ensure_ascii=False)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


class CopySink:
    """PostgreSQL: stream the rows with COPY FROM STDIN (psycopg 3).

    Two things make a large load fast, measured on a million cases: foreign keys are
    dropped for the load and added back at the end, in the same transaction (adding
    one checks every row in a single join, instead of one trigger per row at commit);
    and rows are written by a background thread, so PostgreSQL stores one chunk
    while Python generates the next. A failure anywhere rolls everything back,
    constraints included.
    """

    method = "copy"

    def __init__(self, queue_size: int = 4):
        connection.ensure_connection()
        self.raw = connection.connection
        self.queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self.types: dict[str, list[int]] = {}

    @contextmanager
    def session(self, specs: Iterable[TableSpec]) -> Iterator["CopySink"]:
        foreign_keys = self._drop_foreign_keys([spec.table for spec in specs])
        self.thread = threading.Thread(target=self._drain, name="demo-copy", daemon=True)
        self.thread.start()
        try:
            yield self
        finally:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error
        with self.raw.cursor() as cursor:
            for table, name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition}")

    def _drop_foreign_keys(self, tables: list[str]) -> list[tuple[str, str, str]]:
        with self.raw.cursor() as cursor:
            # Check what the transaction has pending first: ALTER TABLE refuses to run
            # on a table with deferred trigger events (after a flush, say).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
                "ORDER BY 1, 2",
                [tables],
            )
            foreign_keys = cursor.fetchall()
            for table, name, _definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
        return foreign_keys

    def write(self, spec: TableSpec, rows: list[tuple]) -> None:
        if self.error is not None:
            raise self.error
        if rows:
            self.queue.put((spec, rows))

    def _drain(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self._copy(*item)
                except BaseException as error:  # handed over to the generating thread
                    self.error = error

    def _copy(self, spec: TableSpec, rows: list[tuple]) -> None:
        """Binary COPY: psycopg's C dumpers do the work, typed by the columns' OIDs."""
        tail = tuple(f.get_default() for f in spec.missing)
        columns = ", ".join(_quote(c) for c in spec.columns)
        sql = f"COPY {_quote(spec.table)} ({columns}) FROM STDIN (FORMAT BINARY)"
        with self.raw.cursor() as cursor:
            set_json_dumps(_dumps, context=cursor)
            types = self._column_types(cursor, spec)
            with cursor.copy(sql) as copy:
                copy.set_types(types)
                write_row = copy.write_row
                if tail:
                    for row in rows:
                        write_row(row + tail)
                else:
                    for row in rows:
                        write_row(row)

    def _column_types(self, cursor, spec: TableSpec) -> list[int]:
        if spec.label not in self.types:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [spec.table],
            )
            oids = dict(cursor.fetchall())
            self.types[spec.label] = [oids[column] for column in spec.columns]
        return self.types[spec.label]


class BulkCreateSink:
    """Any database: model instances through ``bulk_create``."""

    method = "bulk_create"

    def __init__(self, batch_size: int | None = None):
        self.batch_size = batch_size

    @contextmanager
    def session(self, specs: Iterable[TableSpec]) -> Iterator["BulkCreateSink"]:
        """Let the generator's timestamps through: turn auto_now(_add) off meanwhile."""
        switched = []
        for spec in specs:
            for f in spec.model._meta.concrete_fields:
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    switched.append((f, f.auto_now, f.auto_now_add))
                    f.auto_now = f.auto_now_add = False
        try:
            yield self
        finally:
            for f, auto_now, auto_now_add in switched:
                f.auto_now, f.auto_now_add = auto_now, auto_now_add

    def write(self, spec: TableSpec, rows: list[tuple]) -> None:
        if not rows:
            return
        model, names = spec.model, spec.attnames
        objs = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=self.batch_size)


def make_sink(method: str = "auto") -> CopySink | BulkCreateSink:
    if method == "auto":
        method = "copy" if connection.vendor == "postgresql" else "bulk_create"
    if method == "copy":
        if connection.vendor != "postgresql":
            raise ValueError(_("La méthode copy n'existe que sur PostgreSQL."))
        return CopySink()
    if method == "bulk_create":
        return BulkCreateSink()
    raise ValueError(
        _("Méthode inconnue « %(method)s » : auto, copy ou bulk_create.") % {"method": method}
    )


def next_ids(model_list: Iterable[type[models.Model]]) -> dict[type[models.Model], int]:
    """The first free primary key of each model."""
    result = {}
    for model in model_list:
        last = model._default_manager.aggregate(last=models.Max("pk"))["last"]
        result[model] = (last or 0) + 1
    return result


def reset_sequences(model_list: Iterable[type[models.Model]]) -> None:
    """After explicit primary keys, the next automatic one must follow the largest."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyze(model_list: Iterable[type[models.Model]]) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL and SQLite)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(quote(m._meta.db_table) for m in model_list)
            cursor.execute(f"ANALYZE {tables}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
