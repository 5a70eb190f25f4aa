"""Accent-blind, case-blind matching in SQL on every database.

``Folded(expression)`` is the text lower-cased without accents: ``UNACCENT(LOWER(…))``
on PostgreSQL (the ``unaccent`` extension, created by a migration of
``parcours.privacy``), and a Python function registered on each SQLite connection.
``Digits(expression)`` keeps only the digits, so « 06 12.34 » finds « 0612 34 ».
"""

import contextlib
import json
import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import Func, TextField


def fold(text) -> str:
    """Lower case without accents, so « helene » finds « Hélène »."""
    if text is None:
        return ""
    text = str(text)
    # JSON stored by SQLite escapes non-ASCII characters (\u00e9): read it back first.
    if "\\u" in text and text[:1] in "{[":
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def digits(text) -> str:
    return "".join(c for c in str(text or "") if c.isdigit())


class Folded(Func):
    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="PARCOURS_FOLD", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="UNACCENT(LOWER((%(expressions)s)::text))", **extra
        )


class Digits(Func):
    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="PARCOURS_DIGITS", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="REGEXP_REPLACE(%(expressions)s, '[^0-9]', '', 'g')",
            **extra,
        )


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("PARCOURS_FOLD", 1, fold, deterministic=True)
        connection.connection.create_function("PARCOURS_DIGITS", 1, digits, deterministic=True)


def connect() -> None:
    connection_created.connect(register_sqlite_functions, dispatch_uid="parcours_text_search")
