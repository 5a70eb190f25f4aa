"""The ``unaccent`` extension of PostgreSQL, for accent-blind search (agents' search).

Only on PostgreSQL; SQLite gets a Python function on each connection instead
(``parcours.lib.text_search``). Creating an extension needs the right to do so: where
the application's role lacks it, a database administrator runs
``CREATE EXTENSION IF NOT EXISTS unaccent;`` once, and this migration then does nothing.
"""

from django.db import migrations


def create_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        if cursor.fetchone() is None:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_out_of_scope_accesses")]

    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop)]
