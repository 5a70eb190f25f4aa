"""Accent-blind, case-blind matching in SQL on every database.

``Folded(expression)`` is the text lower-cased without accents: ``UNACCENT(LOWER(…))``
on PostgreSQL (the ``unaccent`` extension, created by a migration of
``parcours.privacy``; only ``LOWER`` if it is missing), and a Python function
registered on each SQLite connection.
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


# Whether each PostgreSQL database has the extension, asked once per process.
_UNACCENT: dict[str, bool] = {}


def has_unaccent(connection) -> bool:
    """Is ``unaccent`` installed? Without it (a role that may not create extensions,
    and nobody ran ``CREATE EXTENSION unaccent``), search still works, accent-sensitive."""
    key = connection.settings_dict["NAME"]
    if key not in _UNACCENT:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
            _UNACCENT[key] = cursor.fetchone() is not None
    return _UNACCENT[key]


class Folded(Func):
    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="PARCOURS_FOLD", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            "UNACCENT(LOWER((%(expressions)s)::text))"
            if has_unaccent(connection)
            else "LOWER((%(expressions)s)::text)"
        )
        return super().as_sql(compiler, connection, template=template, **extra)


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
