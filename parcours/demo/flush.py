"""Empty the domain tables, so the demo (or a benchmark volume) can be loaded again."""

from django.apps import apps
from django.db import connection, models, transaction

from parcours.accounts.models import User

# Demo and seeded accounts all use the reserved .test top-level domain.
DEMO_EMAIL_SUFFIX = ".test"
# Bookkeeping of the background worker, not domain data.
NOT_DOMAIN = {"parcours.accounts", "parcours.demo", "parcours.worker"}


def domain_models() -> list[type[models.Model]]:
    """Every table of Parcours' domain apps, including apps added later."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("parcours.") and config.name not in NOT_DOMAIN:
            found += [
                m
                for m in config.get_models(include_auto_created=True)
                if m._meta.managed and not m._meta.proxy
            ]
    return found


def has_domain_data() -> bool:
    from parcours.organisations.models import Organisation

    return Organisation.objects.exists()


def flush_domain() -> None:
    """Delete every row of the domain tables, then the demo accounts."""
    tables = [m._meta.db_table for m in domain_models()]
    quote = connection.ops.quote_name
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Rows written earlier in this transaction leave deferred foreign-key
                # checks pending, and PostgreSQL refuses to truncate under them: run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)} CASCADE")
            else:
                # Foreign keys are checked at commit (deferred), so the order does not matter.
                for table in tables:
                    cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - table names from the models
        batch = 10_000 if connection.vendor == "postgresql" else 500
        accounts = User.objects.filter(email__endswith=DEMO_EMAIL_SUFFIX)
        while ids := list(accounts.values_list("pk", flat=True)[:batch]):
            User.objects.filter(pk__in=ids).delete()
